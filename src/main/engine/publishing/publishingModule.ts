import type { HandlersFor } from '../../../shared/contract';
import type { EngineContext, EngineModule } from '../EngineContext';
import { createAdapterRegistry, type AdapterRegistry } from '../platforms/adapterRegistry';
import { keychainCredentials, type PublishCredentials } from './keychainCredentials';
import { PostLifecycle } from './postLifecycle';
import { PublishScheduler, type SchedulerOptions } from './PublishScheduler';

type PublishingRoutes =
  | 'posts.list'
  | 'posts.get'
  | 'posts.history'
  | 'posts.create'
  | 'posts.update'
  | 'posts.schedule'
  | 'posts.reschedule'
  | 'posts.unschedule'
  | 'posts.publishNow'
  | 'posts.delete'
  | 'schedule.status'
  | 'schedule.pause'
  | 'schedule.resume';

export interface PublishingDeps {
  /** Which adapter publishes for an account (the sandbox is built in). */
  adapters?: AdapterRegistry;
  /** Fresh credentials per account; the accounts module's, or the keychain reader. */
  credentials?: PublishCredentials;
  scheduler?: Partial<SchedulerOptions>;
}

export interface PublishingModule extends EngineModule {
  readonly scheduler: PublishScheduler;
  readonly adapters: AdapterRegistry;
  readonly posts: PostLifecycle;
}

export function publishingModule(ctx: EngineContext, deps: PublishingDeps = {}): PublishingModule {
  const adapters = deps.adapters ?? createAdapterRegistry({ dataDir: ctx.dataDir });
  const credentials = deps.credentials ?? keychainCredentials(ctx);
  const scheduler = new PublishScheduler({ ctx, adapters, credentials, ...(deps.scheduler ? { options: deps.scheduler } : {}) });
  const posts = new PostLifecycle(ctx, scheduler);

  const setPaused = async (paused: boolean) => {
    const settings = ctx.settings.update({ publishingPaused: paused });
    ctx.emit('settings.changed', settings);
    if (!paused) scheduler.wake();
    const status = await scheduler.status();
    ctx.emit('schedule.changed', status);
    return status;
  };

  const handlers: HandlersFor<PublishingRoutes> = {
    'posts.list': (filter) => ctx.repos.posts.list(filter),
    'posts.get': ({ id }) => posts.get(id),
    'posts.history': ({ id }) => posts.history(id),
    'posts.create': (input) => posts.create(input),
    'posts.update': (input) => posts.update(input),
    'posts.schedule': (input) => posts.schedule(input),
    'posts.reschedule': (input) => posts.reschedule(input),
    'posts.unschedule': (input) => posts.unschedule(input),
    'posts.publishNow': (input) => posts.publishNow(input),
    'posts.delete': (input) => posts.delete(input),
    'schedule.status': () => scheduler.status(),
    'schedule.pause': () => setPaused(true),
    'schedule.resume': () => setPaused(false),
  };

  return {
    name: 'publishing',
    handlers,
    scheduler,
    adapters,
    posts,
    start: () => scheduler.start(),
    stop: () => scheduler.stop(),
  };
}

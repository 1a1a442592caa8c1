import type { HandlersFor } from '../../../shared/contract';
import type { EngineContext, EngineModule } from '../EngineContext';
import { runDoctor } from './doctor';
import { appVersion } from './packageInfo';

type SystemRoutes =
  | 'system.info'
  | 'system.doctor'
  | 'secrets.list'
  | 'secrets.set'
  | 'secrets.delete'
  | 'settings.get'
  | 'settings.update';

export function systemModule(ctx: EngineContext): EngineModule {
  const handlers: HandlersFor<SystemRoutes> = {
    'system.info': async () => ({
      version: appVersion(),
      host: ctx.host,
      dataDir: ctx.dataDir,
      schemaVersion: await ctx.db.schemaVersion(),
    }),
    'system.doctor': () =>
      runDoctor({ dataDir: ctx.dataDir, db: ctx.db, secrets: ctx.secrets, ollamaUrl: ctx.settings.read().ollamaUrl }),

    // The renderer learns whether a secret is set, never its value.
    'secrets.list': async () => (await ctx.secrets.keys()).map((key) => ({ key, isSet: true })),
    'secrets.set': async ({ key, value }) => {
      await ctx.secrets.set(key, value);
      return { key, isSet: true };
    },
    'secrets.delete': async ({ key }) => {
      await ctx.secrets.delete(key);
      return { key, isSet: false };
    },

    'settings.get': async () => ctx.settings.read(),
    'settings.update': async (patch) => {
      const next = ctx.settings.update(patch);
      ctx.emit('settings.changed', next);
      return next;
    },
  };
  return { name: 'system', handlers };
}

import type { HandlersFor } from '../../../shared/contract';
import type { EngineContext, EngineModule } from '../EngineContext';

type PublishingRoutes = 'accounts.list' | 'posts.list';

export function publishingModule(ctx: EngineContext): EngineModule {
  const handlers: HandlersFor<PublishingRoutes> = {
    'accounts.list': ({ brandId }) => ctx.repos.accounts.list(brandId),
    'posts.list': (filter) => ctx.repos.posts.list(filter),
  };
  return { name: 'publishing', handlers };
}

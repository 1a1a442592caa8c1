import type { HandlersFor } from '../../../shared/contract';
import { localTimeZone } from '../../../shared/timezone';
import type { EngineContext, EngineModule } from '../EngineContext';

type BrandRoutes = 'brands.list' | 'brands.get' | 'brands.create' | 'brands.update' | 'brands.delete';

export function brandsModule(ctx: EngineContext): EngineModule {
  const { brands } = ctx.repos;
  const handlers: HandlersFor<BrandRoutes> = {
    'brands.list': () => brands.list(),
    'brands.get': ({ id }) => brands.get(id),
    'brands.create': async (input) => {
      const brand = await brands.create(input, localTimeZone());
      ctx.emit('brands.changed', { id: brand.id, change: 'created' });
      return brand;
    },
    'brands.update': async ({ id, patch }) => {
      const brand = await brands.update(id, patch);
      ctx.emit('brands.changed', { id, change: 'updated' });
      return brand;
    },
    'brands.delete': async ({ id }) => {
      await brands.delete(id);
      ctx.emit('brands.changed', { id, change: 'deleted' });
      return { id };
    },
  };
  return { name: 'brands', handlers };
}

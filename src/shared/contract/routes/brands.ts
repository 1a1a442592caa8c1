import { z } from 'zod';
import { Brand, BrandCreateInput, BrandUpdateInput } from '../schemas/brands';
import { Id, NoInput } from '../schemas/common';
import { route, type EventMap, type RouteMap } from './route';

const ById = z.object({ id: Id }).strict();

export const brandRoutes = {
  'brands.list': route(NoInput, z.array(Brand), 'Every brand, by name.'),
  'brands.get': route(ById, Brand, 'One brand.'),
  'brands.create': route(BrandCreateInput, Brand, 'Creates a brand; names are unique regardless of case.'),
  'brands.update': route(BrandUpdateInput, Brand, 'Changes some fields of a brand.'),
  'brands.delete': route(ById, z.object({ id: Id }), 'Deletes a brand with its accounts and posts.'),
} satisfies RouteMap;

export const brandEvents = {
  'brands.changed': z.object({ id: Id, change: z.enum(['created', 'updated', 'deleted']) }),
} satisfies EventMap;

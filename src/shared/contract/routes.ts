import { z } from 'zod';
import type { EventName, RouteName } from './names';
import { Id, NoInput } from './schemas/common';
import { Brand, BrandCreateInput, BrandUpdateInput } from './schemas/brands';
import { Account, AccountListInput } from './schemas/accounts';
import { Post, PostListInput } from './schemas/posts';
import { SecretKey, SecretSetInput, SecretStatus } from './schemas/secrets';
import { Settings, SettingsPatch } from './schemas/settings';
import { DoctorReport, SystemInfo } from './schemas/system';

export interface RouteDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  /** One line for docs and `chorus --help`. */
  summary: string;
}

const route = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string): RouteDef<I, O> => ({
  input,
  output,
  summary,
});

const ById = z.object({ id: Id }).strict();

export const routes = {
  'system.info': route(NoInput, SystemInfo, 'Version, host kind, data folder and schema version.'),
  'system.doctor': route(NoInput, DoctorReport, 'Checks the data folder, database, keychain, Ollama and Chromium.'),

  'brands.list': route(NoInput, z.array(Brand), 'Every brand, by name.'),
  'brands.get': route(ById, Brand, 'One brand.'),
  'brands.create': route(BrandCreateInput, Brand, 'Creates a brand; names are unique regardless of case.'),
  'brands.update': route(BrandUpdateInput, Brand, 'Changes some fields of a brand.'),
  'brands.delete': route(ById, z.object({ id: Id }), 'Deletes a brand with its accounts and posts.'),

  'accounts.list': route(AccountListInput, z.array(Account), 'Connected accounts, optionally for one brand.'),
  'posts.list': route(PostListInput, z.array(Post), 'Posts, newest first, optionally filtered.'),

  'secrets.list': route(NoInput, z.array(SecretStatus), 'Which secrets are set (never their values).'),
  'secrets.set': route(SecretSetInput, SecretStatus, 'Stores a secret in the OS keychain.'),
  'secrets.delete': route(z.object({ key: SecretKey }).strict(), SecretStatus, 'Removes a secret from the keychain.'),

  'settings.get': route(NoInput, Settings, 'The app settings.'),
  'settings.update': route(SettingsPatch, Settings, 'Changes some settings.'),
} satisfies Record<RouteName, RouteDef>;

export const events = {
  'brands.changed': z.object({ id: Id, change: z.enum(['created', 'updated', 'deleted']) }),
  'settings.changed': Settings,
} satisfies Record<EventName, z.ZodType>;

export type Routes = typeof routes;
export type RouteInput<R extends RouteName> = z.input<Routes[R]['input']>;
export type RouteParsedInput<R extends RouteName> = z.output<Routes[R]['input']>;
export type RouteOutput<R extends RouteName> = z.output<Routes[R]['output']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** What the engine implements: one function per route, taking parsed input. */
export type RouteHandlers = { [R in RouteName]: (input: RouteParsedInput<R>) => Promise<RouteOutput<R>> };

import { z } from 'zod';
import { Account, AccountListInput } from '../schemas/accounts';
import { Post, PostListInput } from '../schemas/posts';
import { route, type EventMap, type RouteMap } from './route';

// Accounts, posts and the schedule (platforms and publishing).
export const publishingRoutes = {
  'accounts.list': route(AccountListInput, z.array(Account), 'Connected accounts, optionally for one brand.'),
  'posts.list': route(PostListInput, z.array(Post), 'Posts, newest first, optionally filtered.'),
} satisfies RouteMap;

export const publishingEvents = {} satisfies EventMap;

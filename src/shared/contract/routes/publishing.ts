import { z } from 'zod';
import { NoInput } from '../schemas/common';
import {
  Post,
  PostById,
  PostCreateInput,
  PostEvent,
  PostListInput,
  PostRescheduleInput,
  PostScheduleInput,
  PostsChanged,
  PostUpdateInput,
  PostWithHistory,
  PublishResult,
  ScheduleStatus,
} from '../schemas/posts';
import { route, type EventMap, type RouteMap } from './route';

// Posts and the publishing schedule (platforms and publishing). Accounts are in routes/accounts.ts.
export const publishingRoutes = {
  'posts.list': route(PostListInput, z.array(Post), 'Posts, newest first (by time when a range is given), optionally filtered.'),
  'posts.get': route(PostById, PostWithHistory, 'One post with its history.'),
  'posts.history': route(PostById, z.array(PostEvent), 'What happened to a post, oldest first.'),
  'posts.create': route(PostCreateInput, Post, 'Creates a draft.'),
  'posts.update': route(PostUpdateInput, Post, 'Changes a post’s text, media, thread or account (not once it is publishing or published).'),
  'posts.schedule': route(PostScheduleInput, Post, 'Schedules a post (optionally repeating) after checking the time, the platform rules and the account.'),
  'posts.reschedule': route(PostRescheduleInput, Post, 'Moves a scheduled post to another time (drag and drop in the calendar).'),
  'posts.unschedule': route(PostById, Post, 'Takes a post off the schedule; it goes back to approved.'),
  'posts.publishNow': route(PostById, Post, 'Queues a post to publish right away.'),
  'posts.delete': route(PostById, z.object({ id: z.string() }), 'Deletes a post that is not being published.'),
  'schedule.status': route(NoInput, ScheduleStatus, 'Whether publishing is paused, how many posts wait, and the next due time.'),
  'schedule.pause': route(NoInput, ScheduleStatus, 'Holds every publishing job; they keep their place.'),
  'schedule.resume': route(NoInput, ScheduleStatus, 'Resumes publishing; posts that came due meanwhile go out now.'),
} satisfies RouteMap;

export const publishingEvents = {
  'posts.changed': PostsChanged,
  'publish.result': PublishResult,
  'schedule.changed': ScheduleStatus,
} satisfies EventMap;

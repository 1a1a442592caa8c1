// Words for post states, failures and history lines, shared by the calendar,
// the post panel and the composer.
import type { FailureKind, PostEventKind, PostStatus } from '../../../shared/contract/schemas/posts';

export const STATUS_LABELS: Record<PostStatus, string> = {
  draft: 'Draft',
  in_review: 'In review',
  approved: 'Approved',
  scheduled: 'Scheduled',
  publishing: 'Publishing',
  published: 'Published',
  failed: 'Failed',
};

/** What each failure kind means for the person, and what happens next. */
export const FAILURE_KIND_TEXT: Record<FailureKind, { label: string; sentence: string }> = {
  auth: { label: 'Sign-in problem', sentence: 'The platform no longer accepts this account’s sign-in; reconnect it in Settings → Accounts.' },
  invalid: { label: 'Refused by the platform', sentence: 'The platform refused the post as it is; change it before trying again.' },
  rate_limited: { label: 'Rate limited', sentence: 'The platform’s rate limit was reached; Chorus tries again when it allows.' },
  transient: { label: 'Temporary problem', sentence: 'A temporary network or server problem; Chorus tries again.' },
  unavailable: { label: 'Platform unavailable', sentence: 'The platform could not be reached or is down.' },
  held: { label: 'Held for review', sentence: 'It came due while Chorus was closed, so it was held for a person to look at instead of going out late.' },
};

export const EVENT_LABELS: Record<PostEventKind, string> = {
  created: 'Created',
  edited: 'Edited',
  submitted: 'Submitted for review',
  approved: 'Approved',
  rejected: 'Rejected',
  scheduled: 'Scheduled',
  rescheduled: 'Moved',
  unscheduled: 'Taken off the schedule',
  attempt: 'Publish attempt',
  published: 'Published',
  retry: 'Retry planned',
  failed: 'Failed',
  held: 'Held',
  paused: 'Paused',
  resumed: 'Resumed',
  recovered: 'Recovered after a restart',
};

/** Statuses a person may still publish now (the engine checks again). */
export const PUBLISHABLE: readonly PostStatus[] = ['draft', 'in_review', 'approved', 'scheduled', 'failed'];

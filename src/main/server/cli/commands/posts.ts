import { InvalidArgumentError, type Command } from 'commander';
import { ChorusError, type Brand, type Post, type Result } from '../../../../shared/contract';
import { common, dataDirOf, type CommonOptions } from '../common';
import { createOutput, table } from '../output';
import { openSession, type CliSession } from '../session';

const STATUSES = ['draft', 'in_review', 'approved', 'scheduled', 'publishing', 'published', 'failed'];

function parseStatus(value: string): string {
  if (!STATUSES.includes(value)) throw new InvalidArgumentError(`a status is one of ${STATUSES.join(', ')}.`);
  return value;
}

function parseAt(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}$/.test(value.trim())) throw new InvalidArgumentError('use "YYYY-MM-DD HH:mm", e.g. "2025-03-30 09:00".');
  return value.trim().replace(' ', 'T');
}

function when(post: Post): string {
  const at = post.publishedAt ?? post.scheduledAt;
  if (!at) return '';
  const zone = post.scheduledTimeZone ?? 'UTC';
  const local = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, dateStyle: 'short', timeStyle: 'short' }).format(new Date(at));
  return `${local} ${zone}`;
}

function postsTable(posts: Post[]): string {
  if (posts.length === 0) return 'No posts.';
  return table(
    posts.map((p) => [
      p.status,
      p.platform,
      when(p),
      p.text.replace(/\s+/g, ' ').slice(0, 48),
      p.failureReason ? `${p.failureKind}: ${p.failureReason}`.slice(0, 60) : '',
      p.id,
    ]),
    ['STATUS', 'PLATFORM', 'WHEN', 'TEXT', 'PROBLEM', 'ID'],
  );
}

const describePost = (verb: string) => (p: Post) =>
  `${verb} post ${p.id}: ${p.status}${p.scheduledAt ? ` at ${when(p)}` : ''}${p.failureReason ? ` (${p.failureReason})` : ''}.`;

/** Runs several contract calls on one session; prints the last result, or the first error. */
async function inSession<T>(
  options: CommonOptions,
  work: (call: (route: string, input: unknown) => Promise<unknown>) => Promise<T>,
  human: (data: T) => string,
): Promise<void> {
  const out = createOutput(!!options.json);
  const session: CliSession = await openSession(dataDirOf(options));
  try {
    const call = async (route: string, input: unknown) => {
      const result: Result<unknown> = await session.call(route, input);
      if (!result.ok) throw new ChorusError(result.error.code, result.error.message, result.error.issues);
      return result.data;
    };
    try {
      const data = await work(call);
      out.data(data, () => human(data));
    } catch (error) {
      if (error instanceof ChorusError) out.fail(error.toContractError());
      else throw error;
    }
  } finally {
    await session.close();
  }
}

export function registerPosts(program: Command): void {
  const posts = program.command('posts').description('list, schedule and publish posts');

  common(posts.command('list'))
    .description('list posts, newest first')
    .option('--brand <name>', 'only this brand’s posts (its name)')
    .option('--status <status>', `only posts in this status (${STATUSES.join(', ')})`, parseStatus)
    .option('--limit <n>', 'at most this many (default 200)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidArgumentError('a limit is a whole number from 1 to 1000.');
      return n;
    })
    .action(async (options: CommonOptions & { brand?: string; status?: string; limit?: number }) => {
      await inSession(
        options,
        async (call) => {
          let brandId: string | undefined;
          if (options.brand) {
            const brands = (await call('brands.list', {})) as Brand[];
            const brand = brands.find((b) => b.name.toLowerCase() === options.brand!.trim().toLowerCase());
            if (!brand) throw new ChorusError('not_found', `There is no brand named “${options.brand}”.`);
            brandId = brand.id;
          }
          return (await call('posts.list', {
            ...(brandId ? { brandId } : {}),
            ...(options.status ? { status: options.status } : {}),
            ...(options.limit ? { limit: options.limit } : {}),
          })) as Post[];
        },
        postsTable,
      );
    });

  common(posts.command('schedule').argument('<id>', 'the post id'))
    .description('schedule a post at a local time (in the brand’s time zone unless --timezone)')
    .requiredOption('--at <time>', 'local date and time, "YYYY-MM-DD HH:mm"', parseAt)
    .option('--timezone <zone>', 'IANA time zone, e.g. Europe/Paris')
    .action(async (id: string, options: CommonOptions & { at: string; timezone?: string }) => {
      await inSession(
        options,
        async (call) => {
          let timeZone = options.timezone;
          if (!timeZone) {
            const post = (await call('posts.get', { id })) as Post;
            timeZone = post.scheduledTimeZone ?? ((await call('brands.get', { id: post.brandId })) as Brand).timezone;
          }
          return (await call('posts.schedule', { id, at: options.at, timeZone })) as Post;
        },
        describePost('Scheduled'),
      );
    });

  common(posts.command('publish-now').argument('<id>', 'the post id'))
    .description('publish a post right away')
    .action(async (id: string, options: CommonOptions) => {
      await inSession(options, async (call) => (await call('posts.publishNow', { id })) as Post, describePost('Queued'));
    });
}

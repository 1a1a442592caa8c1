// Instagram (Graph API with Facebook Login) content publishing: check the
// 24-hour publishing quota, create a media container from public URLs, poll
// its status_code until FINISHED, then POST /{ig-user-id}/media_publish.
import { z } from 'zod';
import { PublishError, type Credentials, type Mention, type PlatformAdapter, type PublishRequest } from '../PlatformAdapter';
import { isHttpsUrl, refuseThread, sameText, type HttpAdapterOptions } from './adapterSupport';
import { createGraphClient, createMetaLogin } from './metaGraph';

const PLATFORM = 'Instagram';
/** Containers are polled this often, at most MAX_POLLS times (Meta suggests once a minute for up to five; videos can take longer). */
const POLL_MS = 5_000;
const MAX_POLLS = 60;

const Id = z.object({ id: z.string().min(1) });
const ContainerStatus = z.object({
  id: z.string(),
  status_code: z.enum(['EXPIRED', 'ERROR', 'FINISHED', 'IN_PROGRESS', 'PUBLISHED']),
  status: z.string().optional(),
});
const PublishingLimit = z.object({
  data: z.array(z.object({ quota_usage: z.number(), config: z.object({ quota_total: z.number(), quota_duration: z.number() }).optional() })),
});
const IgMedia = z.object({
  id: z.string(),
  caption: z.string().optional(),
  permalink: z.string().optional(),
  timestamp: z.string().optional(),
  like_count: z.number().optional(),
  comments_count: z.number().optional(),
});
const IgComment = z.object({ id: z.string(), text: z.string(), timestamp: z.string(), username: z.string().optional() });

export interface InstagramAdapter extends PlatformAdapter {
  /** The Pages a connected user manages, each with its linked Instagram professional account. */
  pages(credentials: Credentials): ReturnType<ReturnType<typeof createMetaLogin>['pages']>;
}

export function createInstagramAdapter(options: HttpAdapterOptions = {}): InstagramAdapter {
  const graph = createGraphClient(PLATFORM, options);
  const login = createMetaLogin(PLATFORM, options);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  function igUserOf(credentials: Credentials, request?: PublishRequest): string {
    const id = request?.target ?? credentials.extra?.igUserId;
    if (!id) throw new PublishError('invalid', 'Which Instagram account? This account has no Instagram user id stored with it; reconnect it.');
    return id;
  }

  function fallbackUrl(credentials: Credentials): string {
    return credentials.extra?.username ? `https://www.instagram.com/${credentials.extra.username}/` : 'https://www.instagram.com/';
  }

  async function checkQuota(credentials: Credentials, igUser: string): Promise<void> {
    const limit = await graph.get(credentials, `/${encodeURIComponent(igUser)}/content_publishing_limit?fields=quota_usage,config`, PublishingLimit, 'the publishing limit check');
    const entry = limit.data[0];
    if (!entry) return;
    const total = entry.config?.quota_total ?? 50;
    if (entry.quota_usage >= total) {
      const hours = (entry.config?.quota_duration ?? 86_400) / 3600;
      // The window is rolling; the oldest post in it is not known here, so try again in an hour.
      throw new PublishError('rate_limited', `Instagram allows ${total} published posts per ${hours} hours and this account has used ${entry.quota_usage}.`, {
        retryAt: new Date(now() + 3_600_000),
      });
    }
  }

  async function createContainer(credentials: Credentials, igUser: string, fields: Record<string, string>): Promise<string> {
    return (await graph.post(credentials, `/${encodeURIComponent(igUser)}/media`, fields, Id, 'the media container request')).id;
  }

  async function waitUntilFinished(credentials: Credentials, containerId: string): Promise<void> {
    for (let poll = 0; poll < MAX_POLLS; poll++) {
      const status = await graph.get(credentials, `/${encodeURIComponent(containerId)}?fields=status_code,status`, ContainerStatus, 'the container status check');
      if (status.status_code === 'FINISHED') return;
      if (status.status_code === 'PUBLISHED') throw new PublishError('invalid', `Instagram says media container ${containerId} is already published.`);
      if (status.status_code === 'ERROR' || status.status_code === 'EXPIRED') {
        throw new PublishError('invalid', `Instagram could not prepare the media: ${status.status ?? status.status_code}`, { platformCode: status.status_code });
      }
      await sleep(POLL_MS);
    }
    throw new PublishError('transient', `Instagram is still processing media container ${containerId}; try again later.`);
  }

  return {
    platform: 'instagram',
    connection: 'oauth2-pkce',
    authorizeUrl: (start) => login.authorizeUrl(start),
    exchangeCode: (input) => login.exchangeCode(input),
    refresh: (credentials) => login.refresh(credentials),
    pages: (credentials) => login.pages(credentials),

    async me(credentials) {
      const user = await graph.get(
        credentials,
        `/${encodeURIComponent(igUserOf(credentials))}?fields=id,username,name`,
        z.object({ id: z.string(), username: z.string(), name: z.string().optional() }),
        'the account lookup',
      );
      return { platformUserId: user.id, handle: `@${user.username}`, displayName: user.name ?? user.username };
    },

    async publish(credentials, request) {
      refuseThread(request, PLATFORM);
      if (request.media.length === 0) throw new PublishError('invalid', 'Instagram posts need at least one image or video.');
      if (request.media.length > 10) throw new PublishError('invalid', 'An Instagram carousel holds at most 10 images or videos.');
      for (const item of request.media) {
        if (!isHttpsUrl(item.uri)) {
          throw new PublishError('invalid', `Instagram fetches media from a public https URL, and ${item.uri} is not one: upload it somewhere public first.`);
        }
      }
      const igUser = igUserOf(credentials, request);
      await checkQuota(credentials, igUser);

      const mediaFields = (item: PublishRequest['media'][number], inCarousel: boolean): Record<string, string> =>
        item.kind === 'video'
          ? { media_type: inCarousel ? 'VIDEO' : 'REELS', video_url: item.uri }
          : { image_url: item.uri, ...(item.alt && !inCarousel ? { alt_text: item.alt } : {}) };

      let containerId: string;
      if (request.media.length === 1) {
        containerId = await createContainer(credentials, igUser, { ...mediaFields(request.media[0]!, false), caption: request.text });
      } else {
        const children: string[] = [];
        for (const item of request.media) children.push(await createContainer(credentials, igUser, { ...mediaFields(item, true), is_carousel_item: 'true' }));
        for (const child of children) await waitUntilFinished(credentials, child);
        containerId = await createContainer(credentials, igUser, { media_type: 'CAROUSEL', children: children.join(','), caption: request.text });
      }
      await waitUntilFinished(credentials, containerId);
      const published = await graph.post(credentials, `/${encodeURIComponent(igUser)}/media_publish`, { creation_id: containerId }, Id, 'media_publish');

      // The post exists now; a failed permalink lookup must not turn that into a failure.
      let url = fallbackUrl(credentials);
      try {
        const media = await graph.get(credentials, `/${encodeURIComponent(published.id)}?fields=permalink`, IgMedia, 'the permalink lookup');
        url = media.permalink ?? url;
      } catch {
        // keep the profile URL
      }
      return { platformPostId: published.id, url };
    },

    async findExisting(credentials, request) {
      const igUser = igUserOf(credentials, request);
      const media = await graph.get(credentials, `/${encodeURIComponent(igUser)}/media?fields=id,caption,permalink,timestamp&limit=25`, z.object({ data: z.array(IgMedia) }), 'the recent media lookup');
      const match = media.data.find((m) => sameText(m.caption ?? '', request.text));
      return match ? { platformPostId: match.id, url: match.permalink ?? fallbackUrl(credentials) } : null;
    },

    async delete(credentials, platformPostId) {
      await graph.del(credentials, `/${encodeURIComponent(platformPostId)}`, 'the delete');
    },

    async metrics(credentials, platformPostId) {
      const media = await graph.get(credentials, `/${encodeURIComponent(platformPostId)}?fields=like_count,comments_count`, IgMedia, 'the media lookup');
      return { likes: media.like_count, replies: media.comments_count, fetchedAt: new Date(now()).toISOString() };
    },

    async mentions(credentials, cursor) {
      // Replies are comments on the account's recent media, newer than the cursor (an ISO time).
      const igUser = igUserOf(credentials);
      const result = await graph.get(
        credentials,
        `/${encodeURIComponent(igUser)}/media?fields=id,permalink,comments{id,text,timestamp,username}&limit=10`,
        z.object({ data: z.array(IgMedia.extend({ comments: z.object({ data: z.array(IgComment) }).optional() })) }),
        'the comments lookup',
      );
      const since = cursor ? Date.parse(cursor) : 0;
      let newest = since;
      const items: Mention[] = [];
      for (const media of result.data) {
        for (const comment of media.comments?.data ?? []) {
          const at = Date.parse(comment.timestamp);
          if (!(at > since) || (credentials.extra?.username && comment.username === credentials.extra.username)) continue;
          newest = Math.max(newest, at);
          items.push({
            platformPostId: comment.id,
            author: comment.username ? `@${comment.username}` : 'Instagram user',
            text: comment.text,
            createdAt: new Date(at).toISOString(),
            url: media.permalink,
            inReplyTo: media.id,
          });
        }
      }
      items.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      return { items, cursor: newest ? new Date(newest).toISOString() : cursor };
    },
  };
}

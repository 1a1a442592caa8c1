// Facebook Pages through the Graph API: POST /{page-id}/feed for text and
// links, /{page-id}/photos and /{page-id}/videos for media, with a Page token.
// Meta's error codes decide the failure kind (see metaGraph.ts).
import { z } from 'zod';
import { PublishError, type Credentials, type Mention, type PlatformAdapter, type PublishRequest } from '../PlatformAdapter';
import { isHttpsUrl, loadMedia, refuseThread, sameText, type HttpAdapterOptions } from './adapterSupport';
import { createGraphClient, createMetaLogin } from './metaGraph';

const PLATFORM = 'Facebook';

const Created = z.object({ id: z.string().min(1), post_id: z.string().optional() });
const PagePost = z.object({ id: z.string(), message: z.string().optional(), created_time: z.string().optional(), permalink_url: z.string().optional() });
const Summary = z.object({ summary: z.object({ total_count: z.number() }) });
const PostMetricsBody = z.object({ reactions: Summary.optional(), comments: Summary.optional(), shares: z.object({ count: z.number() }).optional() });
const FbComment = z.object({ id: z.string(), message: z.string().optional(), created_time: z.string(), from: z.object({ id: z.string(), name: z.string() }).optional(), parent: z.object({ id: z.string() }).optional() });

export interface FacebookAdapter extends PlatformAdapter {
  /** The Pages a connected user manages, with Page tokens: the accounts module stores one as the account's credentials. */
  pages(credentials: Credentials): ReturnType<ReturnType<typeof createMetaLogin>['pages']>;
}

export function createFacebookAdapter(options: HttpAdapterOptions = {}): FacebookAdapter {
  const graph = createGraphClient(PLATFORM, options);
  const login = createMetaLogin(PLATFORM, options);
  const now = options.now ?? Date.now;

  function pageOf(credentials: Credentials, request?: PublishRequest): string {
    const page = request?.target ?? credentials.extra?.pageId;
    if (!page) throw new PublishError('invalid', 'Which Facebook Page? This account has no Page id stored with it; choose a Page in Settings.');
    return page;
  }

  const postUrl = (id: string) => `https://www.facebook.com/${id}`;

  /** A photo or video: from its https URL (Meta fetches it) or uploaded as a file. */
  async function mediaBody(item: PublishRequest['media'][number], fields: Record<string, string>): Promise<Record<string, unknown> | FormData> {
    const urlField = item.kind === 'video' ? 'file_url' : 'url';
    if (!item.path && isHttpsUrl(item.uri)) return { ...fields, [urlField]: item.uri };
    const file = await loadMedia(item, PLATFORM, options);
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) form.set(key, value);
    form.set('source', new Blob([file.bytes], { type: file.mimeType }), file.filename);
    return form;
  }

  async function recentPosts(credentials: Credentials, page: string) {
    const result = await graph.get(credentials, `/${encodeURIComponent(page)}/published_posts?fields=id,message,created_time,permalink_url&limit=25`, z.object({ data: z.array(PagePost) }), 'the recent posts lookup');
    return result.data;
  }

  return {
    platform: 'facebook',
    connection: 'oauth2-pkce',
    authorizeUrl: (start) => login.authorizeUrl(start),
    exchangeCode: (input) => login.exchangeCode(input),
    refresh: (credentials) => login.refresh(credentials),
    pages: (credentials) => login.pages(credentials),

    async me(credentials) {
      const page = await graph.get(credentials, `/${encodeURIComponent(pageOf(credentials))}?fields=id,name,username`, z.object({ id: z.string(), name: z.string(), username: z.string().optional() }), 'the Page lookup');
      return { platformUserId: page.id, handle: page.username ?? page.name, displayName: page.name };
    },

    async publish(credentials, request) {
      refuseThread(request, PLATFORM);
      const page = pageOf(credentials, request);
      const path = `/${encodeURIComponent(page)}`;
      const videos = request.media.filter((m) => m.kind === 'video');
      if (videos.length && request.media.length > 1) throw new PublishError('invalid', 'A Facebook post carries one video, or photos, not both.');
      if (!request.text.trim() && request.media.length === 0) throw new PublishError('invalid', 'A Facebook post needs text or media.');

      if (videos.length === 1) {
        const created = await graph.post(credentials, `${path}/videos`, await mediaBody(videos[0]!, { description: request.text }), Created, 'the video upload');
        return { platformPostId: created.id, url: `https://www.facebook.com/${page}/videos/${created.id}` };
      }
      if (request.media.length === 1) {
        const created = await graph.post(credentials, `${path}/photos`, await mediaBody(request.media[0]!, { message: request.text }), Created, 'the photo upload');
        const id = created.post_id ?? created.id;
        return { platformPostId: id, url: postUrl(id) };
      }
      const attached: { media_fbid: string }[] = [];
      // Several photos: upload each unpublished, then one feed post that attaches them all.
      for (const item of request.media) {
        const photo = await graph.post(credentials, `${path}/photos`, await mediaBody(item, { published: 'false' }), Created, 'the photo upload');
        attached.push({ media_fbid: photo.id });
      }
      const created = await graph.post(
        credentials,
        `${path}/feed`,
        { message: request.text, ...(attached.length ? { attached_media: attached } : {}) },
        Created,
        `POST /${page}/feed`,
      );
      return { platformPostId: created.id, url: postUrl(created.id) };
    },

    async findExisting(credentials, request) {
      const posts = await recentPosts(credentials, pageOf(credentials, request));
      const match = posts.find((p) => p.message !== undefined && sameText(p.message, request.text));
      return match ? { platformPostId: match.id, url: match.permalink_url ?? postUrl(match.id) } : null;
    },

    async delete(credentials, platformPostId) {
      await graph.del(credentials, `/${encodeURIComponent(platformPostId)}`, 'the delete');
    },

    async metrics(credentials, platformPostId) {
      const data = await graph.get(
        credentials,
        `/${encodeURIComponent(platformPostId)}?fields=reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0),shares`,
        PostMetricsBody,
        'the post lookup',
      );
      return { likes: data.reactions?.summary.total_count, replies: data.comments?.summary.total_count, reposts: data.shares?.count ?? 0, fetchedAt: new Date(now()).toISOString() };
    },

    async mentions(credentials, cursor) {
      // Replies are comments on the Page's recent posts, newer than the cursor (an ISO time).
      const page = pageOf(credentials);
      const result = await graph.get(
        credentials,
        `/${encodeURIComponent(page)}/published_posts?fields=id,permalink_url,comments.limit(50).order(reverse_chronological){id,message,created_time,from,parent}&limit=10`,
        z.object({ data: z.array(PagePost.extend({ comments: z.object({ data: z.array(FbComment) }).optional() })) }),
        'the comments lookup',
      );
      const since = cursor ? Date.parse(cursor) : 0;
      let newest = since;
      const items: Mention[] = [];
      for (const post of result.data) {
        for (const comment of post.comments?.data ?? []) {
          const at = Date.parse(comment.created_time);
          if (!(at > since) || comment.from?.id === page) continue;
          newest = Math.max(newest, at);
          items.push({
            platformPostId: comment.id,
            author: comment.from?.name ?? 'Facebook user',
            text: comment.message ?? '',
            createdAt: new Date(at).toISOString(),
            url: post.permalink_url ?? postUrl(post.id),
            inReplyTo: comment.parent?.id ?? post.id,
          });
        }
      }
      items.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      return { items, cursor: newest ? new Date(newest).toISOString() : cursor };
    },
  };
}

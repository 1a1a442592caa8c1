// A fake of Instagram content publishing on the Graph API (Facebook Login),
// following developers.facebook.com/docs/instagram-platform: media containers
// (image_url / video_url with media_type=REELS / carousels), status_code that
// moves IN_PROGRESS → FINISHED (or ERROR for media Meta cannot fetch),
// media_publish, content_publishing_limit (50 per 24 h), recent media with
// comments, DELETE, and Meta's error bodies.
import { FakePlatformServer, type FakeReply, type FakeRequest } from './FakePlatformServer';
import { metaError } from './facebookFake';

export const IG_USER_ID = '17841405822304914';

interface Container {
  id: string;
  igUser: string;
  fields: Record<string, string>;
  status: 'IN_PROGRESS' | 'FINISHED' | 'ERROR' | 'EXPIRED' | 'PUBLISHED';
  pollsLeft: number;
}

export interface FakeIgMedia {
  id: string;
  igUser: string;
  caption: string;
  containerId: string;
  timestamp: string;
  comments: { id: string; text: string; username: string; timestamp: string }[];
}

export class InstagramFake {
  readonly server = new FakePlatformServer();
  readonly tokens = new Map<string, 'live' | 'expired'>();
  readonly containers = new Map<string, Container>();
  readonly media: FakeIgMedia[] = [];
  quotaUsage = 0;
  /** Status checks a container answers IN_PROGRESS before FINISHED. */
  processingPolls = 2;
  clock = () => Date.now();
  private counter = 17_900_000_000_000_000n;

  constructor() {
    const s = this.server;
    const v = '/v21.0';
    s.on('GET', `${v}/:ig/content_publishing_limit`, (req, p) =>
      this.authed(req, () => (p.ig === IG_USER_ID ? { json: { data: [{ quota_usage: this.quotaUsage, config: { quota_total: 50, quota_duration: 86_400 } }] } } : this.missing(p.ig!))),
    );
    s.on('POST', `${v}/:ig/media`, (req, p) => this.authed(req, () => this.createContainer(req, p.ig!)));
    s.on('POST', `${v}/:ig/media_publish`, (req, p) => this.authed(req, () => this.publish(req, p.ig!)));
    s.on('GET', `${v}/:ig/media`, (req, p) =>
      this.authed(req, () => ({
        json: {
          data: this.media
            .filter((m) => m.igUser === p.ig)
            .reverse()
            .slice(0, Number(req.query.get('limit') ?? 25))
            .map((m) => ({ ...this.view(m), comments: { data: [...m.comments].reverse() } })),
          paging: { cursors: { before: 'a', after: 'b' } },
        },
      })),
    );
    s.on('GET', `${v}/:node`, (req, p) =>
      this.authed(req, () => {
        const container = this.containers.get(p.node!);
        if (container) {
          if (container.status === 'IN_PROGRESS' && --container.pollsLeft < 0) container.status = 'FINISHED';
          const error = container.status === 'ERROR' ? { status: 'Error: Media download has failed. The media URI doesn\'t meet our requirements. (2207052)' } : {};
          return { json: { id: container.id, status_code: container.status, ...error } };
        }
        const media = this.media.find((m) => m.id === p.node);
        if (media) return { json: { ...this.view(media), like_count: 21, comments_count: media.comments.length } };
        if (p.node === 'me') return { json: { id: '10223344', name: 'Ada Lovelace' } };
        if (p.node === IG_USER_ID) return { json: { id: IG_USER_ID, username: 'choruscoffee', name: 'Chorus Coffee' } };
        return this.missing(p.node!);
      }),
    );
    s.on('DELETE', `${v}/:node`, (req, p) =>
      this.authed(req, () => {
        const index = this.media.findIndex((m) => m.id === p.node);
        if (index < 0) return this.missing(p.node!);
        this.media.splice(index, 1);
        return { json: { success: true } };
      }),
    );
  }

  start(): Promise<FakePlatformServer> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  get baseUrl(): string {
    return this.server.baseUrl;
  }

  grant(): string {
    const token = `EAAGig${this.counter++}`;
    this.tokens.set(token, 'live');
    return token;
  }

  comment(mediaId: string, text: string, username = 'latte_lover'): void {
    this.media.find((m) => m.id === mediaId)!.comments.push({ id: String(this.counter++), text, username, timestamp: this.graphTime() });
  }

  private graphTime(): string {
    return new Date(this.clock()).toISOString().replace(/\.\d{3}Z$/, '+0000');
  }

  private missing(id: string): FakeReply {
    return metaError(400, 100, `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 'GraphMethodException', 33);
  }

  private async authed(req: FakeRequest, handler: () => FakeReply | Promise<FakeReply>): Promise<FakeReply> {
    const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const state = token ? this.tokens.get(token) : undefined;
    if (!state) return metaError(400, 190, 'Invalid OAuth access token - Cannot parse access token');
    if (state === 'expired') return metaError(400, 190, 'Error validating access token: Session has expired on Tuesday, 24-Nov-26 11:00:00 PST.', 'OAuthException', 463);
    return handler();
  }

  private view(m: FakeIgMedia): Record<string, unknown> {
    return { id: m.id, caption: m.caption, permalink: `https://www.instagram.com/p/C${m.id.slice(-6)}/`, timestamp: m.timestamp, media_type: 'IMAGE' };
  }

  private createContainer(req: FakeRequest, igUser: string): FakeReply {
    if (igUser !== IG_USER_ID) return this.missing(igUser);
    const fields = req.body as Record<string, string>;
    const caption = fields.caption ?? '';
    if ([...caption].length > 2200) return metaError(400, 100, 'The caption is too long. Captions can be up to 2200 characters.', 'OAuthException', 2207035);
    if ((caption.match(/#\w+/g) ?? []).length > 30) return metaError(400, 100, 'The caption contains more than 30 hashtags.', 'OAuthException', 2207036);
    if (fields.media_type === 'CAROUSEL') {
      const children = (fields.children ?? '').split(',').filter(Boolean);
      if (children.length < 2 || children.some((c) => this.containers.get(c)?.status !== 'FINISHED')) {
        return metaError(400, 100, 'The carousel children must be finished containers (2 to 10).', 'OAuthException', 2207024);
      }
    } else if (fields.media_type === 'REELS' || fields.media_type === 'VIDEO') {
      if (!fields.video_url) return metaError(400, 100, '(#100) The parameter video_url is required', 'OAuthException');
    } else if (!fields.image_url) {
      return metaError(400, 100, '(#100) The parameter image_url is required', 'OAuthException');
    }
    const url = fields.image_url ?? fields.video_url ?? '';
    const id = String(this.counter++);
    this.containers.set(id, { id, igUser, fields, status: url.includes('unreachable') ? 'ERROR' : 'IN_PROGRESS', pollsLeft: this.processingPolls });
    return { json: { id } };
  }

  private publish(req: FakeRequest, igUser: string): FakeReply {
    const creationId = (req.body as { creation_id?: string }).creation_id ?? '';
    const container = this.containers.get(creationId);
    if (!container || container.igUser !== igUser) return metaError(400, 100, `(#100) Param creation_id must be a valid media container id`, 'OAuthException');
    if (container.status !== 'FINISHED') return metaError(400, 9007, 'The media is not ready for publishing, please wait for a moment', 'OAuthException', 2207027);
    if (this.quotaUsage >= 50) return metaError(400, 9, 'Application request limit reached', 'OAuthException', 2207042);
    container.status = 'PUBLISHED';
    this.quotaUsage++;
    const media: FakeIgMedia = { id: String(this.counter++), igUser, caption: container.fields.caption ?? '', containerId: container.id, timestamp: this.graphTime(), comments: [] };
    this.media.push(media);
    return { json: { id: media.id } };
  }
}

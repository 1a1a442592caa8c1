// A YouTube Data API v3 + Google OAuth fake on FakePlatformServer, following
// developers.google.com/youtube: the token endpoint (authorization_code and
// refresh_token grants, invalid_grant when revoked), channels/videos/playlistItems/
// commentThreads lists, videos.delete, and videos.insert's resumable upload
// (POST → Location; PUT chunks with Content-Range → 308 + Range until the last;
// "bytes */SIZE" asks how much arrived). Quotas follow the published split: a
// videos.insert bucket (100/day) and 10,000 units for everything else; errors
// use Google's {error:{code,message,errors:[{reason}]}} body.
import { randomBytes } from 'node:crypto';
import { FakePlatformServer, type FakeReply, type FakeRequest } from './FakePlatformServer';

export interface FakeVideo {
  id: string;
  title: string;
  description: string;
  privacyStatus: string;
  bytes: Buffer;
  statistics: { viewCount: number; likeCount: number; commentCount: number };
}

interface UploadSession {
  id: string;
  size: number;
  contentType: string;
  metadata: { snippet: { title: string; description: string } ; status?: { privacyStatus?: string } };
  received: Buffer[];
  receivedBytes: number;
  video: FakeVideo | null;
}

export function googleError(code: number, reason: string, message: string): FakeReply {
  const status = code === 401 ? 'UNAUTHENTICATED' : code === 403 ? 'PERMISSION_DENIED' : code === 404 ? 'NOT_FOUND' : code >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT';
  return { status: code, json: { error: { code, message, errors: [{ message, domain: 'youtube', reason }], status } } };
}

export class YouTubeFake {
  readonly server = new FakePlatformServer();
  readonly channel = { id: 'UC_chorus_channel', title: 'Chorus Coffee', customUrl: '@choruscoffee', uploads: 'UU_chorus_channel' };
  readonly clientId = 'chorus-desktop.apps.googleusercontent.com';
  readonly clientSecret = 'GOCSPX-desktop';
  readonly videos = new Map<string, FakeVideo>();
  readonly sessions = new Map<string, UploadSession>();
  readonly comments: { id: string; videoId: string; author: string; text: string; publishedAt: string }[] = [];
  /** Access tokens that work, and refresh tokens that have not been revoked. */
  readonly accessTokens = new Set<string>();
  readonly refreshTokens = new Set<string>();
  /** Authorization codes issued by the consent screen, with the PKCE challenge they must match. */
  readonly codes = new Map<string, string>();
  unitsRemaining = 10_000;
  insertsRemaining = 100;

  get baseUrl(): string {
    return this.server.baseUrl;
  }

  async start(): Promise<this> {
    this.routes();
    await this.server.start();
    return this;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** A signed-in account's tokens, as the consent flow would leave them. */
  grant(): { accessToken: string; refreshToken: string } {
    const accessToken = `ya29.${randomBytes(12).toString('hex')}`;
    const refreshToken = `1//${randomBytes(12).toString('hex')}`;
    this.accessTokens.add(accessToken);
    this.refreshTokens.add(refreshToken);
    return { accessToken, refreshToken };
  }

  private authorized(req: FakeRequest): FakeReply | null {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!this.accessTokens.has(token)) {
      return googleError(401, 'authError', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
    }
    return null;
  }

  /** Spends quota the way Google does: even a refused request costs its units. */
  private spend(units: number, insert = false): FakeReply | null {
    if (insert) {
      if (this.insertsRemaining <= 0) return googleError(403, 'quotaExceeded', 'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.');
      this.insertsRemaining--;
      return null;
    }
    if (this.unitsRemaining < units) return googleError(403, 'quotaExceeded', 'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.');
    this.unitsRemaining -= units;
    return null;
  }

  private videoResource(video: FakeVideo) {
    return {
      kind: 'youtube#video',
      etag: 'etag',
      id: video.id,
      snippet: { title: video.title, description: video.description, channelId: this.channel.id, categoryId: '22' },
      status: { uploadStatus: 'uploaded', privacyStatus: video.privacyStatus },
    };
  }

  private routes(): void {
    const s = this.server;

    s.on('POST', '/token', (req) => {
      const form = req.body as Record<string, string>;
      if (!(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) return { status: 400, json: { error: 'invalid_request', error_description: 'Bad Request' } };
      if (form.client_id !== this.clientId || form.client_secret !== this.clientSecret) return { status: 401, json: { error: 'invalid_client', error_description: 'Unauthorized' } };
      if (form.grant_type === 'authorization_code') {
        if (!form.code || !this.codes.has(form.code) || !form.code_verifier || !form.redirect_uri) return { status: 400, json: { error: 'invalid_grant', error_description: 'Bad Request' } };
        this.codes.delete(form.code);
        const tokens = this.grant();
        return { json: { access_token: tokens.accessToken, expires_in: 3599, refresh_token: tokens.refreshToken, scope: 'https://www.googleapis.com/auth/youtube.upload', token_type: 'Bearer' } };
      }
      if (form.grant_type === 'refresh_token') {
        if (!form.refresh_token || !this.refreshTokens.has(form.refresh_token)) return { status: 400, json: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } };
        const accessToken = `ya29.${randomBytes(12).toString('hex')}`;
        this.accessTokens.add(accessToken);
        // Google does not rotate refresh tokens: the answer has none.
        return { json: { access_token: accessToken, expires_in: 3599, scope: 'https://www.googleapis.com/auth/youtube.upload', token_type: 'Bearer' } };
      }
      return { status: 400, json: { error: 'unsupported_grant_type', error_description: 'Invalid grant_type: ' + form.grant_type } };
    });

    s.on('GET', '/youtube/v3/channels', (req) => {
      const denied = this.authorized(req) ?? this.spend(1);
      if (denied) return denied;
      if (req.query.get('mine') !== 'true' || !req.query.get('part')) return googleError(400, 'missingRequiredParameter', 'No filter selected. Expected one of: forUsername, managedByMe, categoryId, mine, mySubscribers, id, idParam, forHandle');
      return {
        json: {
          kind: 'youtube#channelListResponse',
          items: [
            {
              kind: 'youtube#channel',
              id: this.channel.id,
              snippet: { title: this.channel.title, customUrl: this.channel.customUrl },
              contentDetails: { relatedPlaylists: { likes: '', uploads: this.channel.uploads } },
            },
          ],
        },
      };
    });

    s.on('POST', '/upload/youtube/v3/videos', (req) => {
      const denied = this.authorized(req) ?? this.spend(0, true);
      if (denied) return denied;
      if (req.query.get('uploadType') !== 'resumable') return googleError(400, 'badRequest', 'Media upload type must be resumable in this fake.');
      if (!(req.headers['content-type'] ?? '').includes('application/json')) return googleError(400, 'badContent', 'Unsupported content with type: ' + req.headers['content-type']);
      const size = Number(req.headers['x-upload-content-length']);
      const contentType = String(req.headers['x-upload-content-type'] ?? '');
      if (!Number.isInteger(size) || size <= 0 || !contentType.startsWith('video/')) return googleError(400, 'badContent', 'X-Upload-Content-Length and a video X-Upload-Content-Type are required.');
      const metadata = req.body as UploadSession['metadata'];
      const title = metadata?.snippet?.title ?? '';
      if (!title || [...title].length > 100 || /[<>]/.test(title)) return googleError(400, 'invalidTitle', 'The request metadata specifies an invalid or empty video title.');
      if ([...(metadata.snippet.description ?? '')].length > 5000 || /[<>]/.test(metadata.snippet.description ?? '')) {
        return googleError(400, 'invalidDescription', 'The request metadata specifies an invalid video description.');
      }
      const id = randomBytes(8).toString('hex');
      this.sessions.set(id, { id, size, contentType, metadata, received: [], receivedBytes: 0, video: null });
      return { status: 200, headers: { location: `${this.baseUrl}/upload/youtube/v3/videos?uploadType=resumable&upload_id=${id}` } };
    });

    s.on('PUT', '/upload/youtube/v3/videos', (req) => {
      const session = this.sessions.get(req.query.get('upload_id') ?? '');
      if (!session) return googleError(404, 'notFound', 'The upload session does not exist or has expired.');
      const range = String(req.headers['content-range'] ?? '');
      const progress = (): FakeReply =>
        session.video
          ? { status: 201, json: this.videoResource(session.video) }
          : { status: 308, headers: session.receivedBytes > 0 ? { range: `bytes=0-${session.receivedBytes - 1}` } : {} };
      const status = /^bytes \*\/(\d+)$/.exec(range);
      if (status) return progress();
      const chunk = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(range);
      if (!chunk) return googleError(400, 'badRequest', 'Content-Range is required on a resumable upload request.');
      const [start, end, total] = [Number(chunk[1]), Number(chunk[2]), Number(chunk[3])];
      if (total !== session.size || end - start + 1 !== req.rawBody.length) return googleError(400, 'badRequest', 'Content-Range does not match the body or the announced size.');
      if (session.video) return progress();
      if (start !== session.receivedBytes) return googleError(400, 'badRequest', `Expected the upload to continue at byte ${session.receivedBytes}.`);
      session.received.push(Buffer.from(req.rawBody));
      session.receivedBytes += req.rawBody.length;
      if (session.receivedBytes === session.size) {
        const video: FakeVideo = {
          id: `vid${randomBytes(4).toString('hex')}`,
          title: session.metadata.snippet.title,
          description: session.metadata.snippet.description,
          privacyStatus: session.metadata.status?.privacyStatus ?? 'public',
          bytes: Buffer.concat(session.received),
          statistics: { viewCount: 0, likeCount: 0, commentCount: 0 },
        };
        session.video = video;
        this.videos.set(video.id, video);
      }
      return progress();
    });

    s.on('GET', '/youtube/v3/videos', (req) => {
      const denied = this.authorized(req) ?? this.spend(1);
      if (denied) return denied;
      const ids = (req.query.get('id') ?? '').split(',').filter(Boolean);
      const items = ids.flatMap((id) => {
        const video = this.videos.get(id);
        if (!video) return [];
        const stats = video.statistics;
        // Google sends counts as strings (uint64).
        return [{ kind: 'youtube#video', id, statistics: { viewCount: String(stats.viewCount), likeCount: String(stats.likeCount), favoriteCount: '0', commentCount: String(stats.commentCount) } }];
      });
      return { json: { kind: 'youtube#videoListResponse', items, pageInfo: { totalResults: items.length, resultsPerPage: items.length } } };
    });

    s.on('DELETE', '/youtube/v3/videos', (req) => {
      const denied = this.authorized(req) ?? this.spend(50);
      if (denied) return denied;
      const id = req.query.get('id') ?? '';
      if (!this.videos.delete(id)) return googleError(404, 'videoNotFound', 'The video that you are trying to delete cannot be found.');
      return { status: 204 };
    });

    s.on('GET', '/youtube/v3/playlistItems', (req) => {
      const denied = this.authorized(req) ?? this.spend(1);
      if (denied) return denied;
      if (req.query.get('playlistId') !== this.channel.uploads) return googleError(404, 'playlistNotFound', 'The playlist identified with the request playlistId parameter cannot be found.');
      const items = [...this.videos.values()].reverse().map((v) => ({
        kind: 'youtube#playlistItem',
        snippet: { title: v.title, description: v.description, resourceId: { kind: 'youtube#video', videoId: v.id } },
      }));
      return { json: { kind: 'youtube#playlistItemListResponse', items } };
    });

    s.on('GET', '/youtube/v3/commentThreads', (req) => {
      const denied = this.authorized(req) ?? this.spend(1);
      if (denied) return denied;
      if (req.query.get('allThreadsRelatedToChannelId') !== this.channel.id) return googleError(404, 'channelNotFound', 'The channel could not be found.');
      const pageSize = Number(req.query.get('maxResults') ?? 20);
      const start = Number(req.query.get('pageToken') ?? 0);
      const page = this.comments.slice(start, start + pageSize);
      return {
        json: {
          kind: 'youtube#commentThreadListResponse',
          ...(start + pageSize < this.comments.length ? { nextPageToken: String(start + pageSize) } : {}),
          items: page.map((c) => ({
            kind: 'youtube#commentThread',
            id: c.id,
            snippet: {
              channelId: this.channel.id,
              videoId: c.videoId,
              topLevelComment: { kind: 'youtube#comment', id: c.id, snippet: { authorDisplayName: c.author, textOriginal: c.text, textDisplay: c.text, videoId: c.videoId, publishedAt: c.publishedAt } },
            },
          })),
        },
      };
    });
  }
}

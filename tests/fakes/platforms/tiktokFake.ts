// A TikTok Content Posting API fake on FakePlatformServer, following
// developers.tiktok.com: /v2/oauth/token/ (authorization_code, refresh_token),
// /v2/user/info/, /v2/post/publish/creator_info/query/, /v2/post/publish/video/init/
// (FILE_UPLOAD with TikTok's chunk rules, PULL_FROM_URL from verified prefixes),
// chunked PUTs to the upload URL (206 until the last, then 201),
// /v2/post/publish/status/fetch/, /v2/video/list/ and /v2/video/query/.
// Answers use TikTok's envelope {data, error:{code,message,log_id}}; published
// post ids are 64-bit integers in the JSON, as TikTok sends them.
import { randomBytes } from 'node:crypto';
import { FakePlatformServer, type FakeReply, type FakeRequest } from './FakePlatformServer';

const MB = 1024 * 1024;

export interface FakeTikTokPost {
  publishId: string;
  caption: string;
  privacyLevel: string;
  source: 'FILE_UPLOAD' | 'PULL_FROM_URL';
  size: number;
  chunkSize: number;
  chunkCount: number;
  received: Buffer[];
  receivedBytes: number;
  /** Status fetches left before processing finishes. */
  processingPolls: number;
  status: 'PROCESSING_UPLOAD' | 'PROCESSING_DOWNLOAD' | 'PUBLISH_COMPLETE' | 'FAILED';
  failReason?: string;
  /** A 19-digit id, beyond Number.MAX_SAFE_INTEGER. */
  videoId?: string;
  stats: { like_count: number; comment_count: number; share_count: number; view_count: number };
}

export function tiktokError(status: number, code: string, message: string): FakeReply {
  return { status, json: { error: { code, message, log_id: `2025${randomBytes(6).toString('hex')}` } } };
}

function ok(data: unknown): FakeReply {
  return { json: { data, error: { code: 'ok', message: '', log_id: `2025${randomBytes(6).toString('hex')}` } } };
}

export class TikTokFake {
  readonly server = new FakePlatformServer();
  readonly clientKey = 'awchorus123';
  readonly clientSecret = 'tiktok-secret';
  readonly user = { open_id: '-000OpenIdChorus', union_id: 'union-1', display_name: 'Chorus Coffee', username: 'choruscoffee' };
  readonly accessTokens = new Set<string>();
  readonly refreshTokens = new Set<string>();
  readonly codes = new Set<string>();
  readonly posts = new Map<string, FakeTikTokPost>();
  readonly verifiedUrlPrefixes = ['https://media.chorus.example/'];
  privacyLevelOptions = ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'];
  /** Unaudited apps may only post SELF_ONLY. */
  audited = true;
  /** How many status fetches a post stays "processing". */
  processingPolls = 1;
  /** The next post TikTok accepts then fails while processing, with this fail_reason. */
  failNextPublishWith: string | null = null;
  /** The clock the 6-per-minute video/init limit is measured with. */
  now: () => number = Date.now;
  private readonly initTimes = new Map<string, number[]>();
  private nextVideo = 0n;

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

  grant(): { accessToken: string; refreshToken: string } {
    const accessToken = `act.${randomBytes(12).toString('hex')}`;
    const refreshToken = `rft.${randomBytes(12).toString('hex')}`;
    this.accessTokens.add(accessToken);
    this.refreshTokens.add(refreshToken);
    return { accessToken, refreshToken };
  }

  private token(req: FakeRequest): string | FakeReply {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!this.accessTokens.has(token)) return tiktokError(401, 'access_token_invalid', 'The access token is invalid or not found in the request.');
    return token;
  }

  private json(req: FakeRequest): FakeReply | null {
    return (req.headers['content-type'] ?? '').includes('application/json') ? null : tiktokError(400, 'invalid_params', 'Content-Type must be application/json; charset=UTF-8.');
  }

  private complete(post: FakeTikTokPost): void {
    post.status = 'PUBLISH_COMPLETE';
    if (post.privacyLevel !== 'SELF_ONLY') post.videoId = (7_301_234_567_890_123_000n + this.nextVideo++).toString();
  }

  private routes(): void {
    const s = this.server;

    s.on('POST', '/v2/oauth/token/', (req) => {
      const form = req.body as Record<string, string>;
      if (!(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
        return { status: 400, json: { error: 'invalid_request', error_description: 'Content-Type must be application/x-www-form-urlencoded.', log_id: 'l1' } };
      }
      if (form.client_key !== this.clientKey || form.client_secret !== this.clientSecret) {
        return { status: 401, json: { error: 'invalid_client', error_description: 'Client key or secret is incorrect.', log_id: 'l2' } };
      }
      const issue = (refreshToken: string): FakeReply => {
        const accessToken = `act.${randomBytes(12).toString('hex')}`;
        this.accessTokens.add(accessToken);
        return {
          json: {
            access_token: accessToken,
            expires_in: 86400,
            open_id: this.user.open_id,
            refresh_expires_in: 31536000,
            refresh_token: refreshToken,
            scope: 'user.info.basic,video.publish,video.list',
            token_type: 'Bearer',
          },
        };
      };
      if (form.grant_type === 'authorization_code') {
        if (!form.code || !this.codes.delete(form.code) || !form.code_verifier || !form.redirect_uri) {
          return { status: 400, json: { error: 'invalid_grant', error_description: 'Authorization code is expired.', log_id: 'l3' } };
        }
        const refreshToken = `rft.${randomBytes(12).toString('hex')}`;
        this.refreshTokens.add(refreshToken);
        return issue(refreshToken);
      }
      if (form.grant_type === 'refresh_token') {
        if (!form.refresh_token || !this.refreshTokens.has(form.refresh_token)) {
          return { status: 400, json: { error: 'invalid_grant', error_description: 'Refresh token is invalid or expired.', log_id: 'l4' } };
        }
        // TikTok answers with the refresh token to keep using (here: the same one).
        return issue(form.refresh_token);
      }
      return { status: 400, json: { error: 'unsupported_grant_type', error_description: 'The grant type is not supported.', log_id: 'l5' } };
    });

    s.on('GET', '/v2/user/info/', (req) => {
      const token = this.token(req);
      if (typeof token !== 'string') return token;
      const fields = (req.query.get('fields') ?? '').split(',').filter(Boolean);
      if (!fields.length) return tiktokError(400, 'invalid_params', 'fields is required.');
      const user = Object.fromEntries(fields.filter((f) => f in this.user).map((f) => [f, this.user[f as keyof typeof this.user]]));
      return ok({ user });
    });

    s.on('POST', '/v2/post/publish/creator_info/query/', (req) => {
      const token = this.token(req);
      if (typeof token !== 'string') return token;
      return (
        this.json(req) ??
        ok({
          creator_avatar_url: 'https://p16.tiktokcdn.example/avatar.jpeg',
          creator_username: this.user.username,
          creator_nickname: this.user.display_name,
          privacy_level_options: this.privacyLevelOptions,
          comment_disabled: false,
          duet_disabled: false,
          stitch_disabled: true,
          max_video_post_duration_sec: 600,
        })
      );
    });

    s.on('POST', '/v2/post/publish/video/init/', (req) => {
      const token = this.token(req);
      if (typeof token !== 'string') return token;
      const badType = this.json(req);
      if (badType) return badType;
      const recent = (this.initTimes.get(token) ?? []).filter((t) => t > this.now() - 60_000);
      if (recent.length >= 6) return tiktokError(429, 'rate_limit_exceeded', 'The API rate limit was exceeded. Please try again later.');
      recent.push(this.now());
      this.initTimes.set(token, recent);

      const body = req.body as { post_info?: { title?: string; privacy_level?: string }; source_info?: Record<string, unknown> };
      const info = body.post_info ?? {};
      const source = body.source_info ?? {};
      if ([...(info.title ?? '')].length > 2200) return tiktokError(400, 'invalid_params', 'The title exceeds the maximum length of 2200.');
      if (!info.privacy_level || !this.privacyLevelOptions.includes(info.privacy_level)) {
        return tiktokError(400, 'privacy_level_option_mismatch', 'privacy_level is not one of the privacy_level_options returned by creator_info.');
      }
      if (!this.audited && info.privacy_level !== 'SELF_ONLY') {
        return tiktokError(403, 'unaudited_client_can_only_post_to_private_accounts', 'Unaudited clients can only post to a private account.');
      }
      const publishId = `v_pub_file~v2-1.${randomBytes(8).toString('hex')}`;
      const post: FakeTikTokPost = {
        publishId,
        caption: info.title ?? '',
        privacyLevel: info.privacy_level,
        source: 'FILE_UPLOAD',
        size: 0,
        chunkSize: 0,
        chunkCount: 0,
        received: [],
        receivedBytes: 0,
        processingPolls: this.processingPolls,
        status: 'PROCESSING_UPLOAD',
        stats: { like_count: 0, comment_count: 0, share_count: 0, view_count: 0 },
        ...(this.failNextPublishWith ? { failReason: this.failNextPublishWith } : {}),
      };
      this.failNextPublishWith = null;
      if (source.source === 'PULL_FROM_URL') {
        const url = String(source.video_url ?? '');
        if (!this.verifiedUrlPrefixes.some((p) => url.startsWith(p))) {
          return tiktokError(403, 'url_ownership_unverified', 'The domain or URL prefix of video_url has not been verified by the developer.');
        }
        this.posts.set(publishId, { ...post, source: 'PULL_FROM_URL', status: 'PROCESSING_DOWNLOAD' });
        return ok({ publish_id: publishId });
      }
      if (source.source !== 'FILE_UPLOAD') return tiktokError(400, 'invalid_params', 'source_info.source must be FILE_UPLOAD or PULL_FROM_URL.');
      const [size, chunk, count] = [Number(source.video_size), Number(source.chunk_size), Number(source.total_chunk_count)];
      const whole = size < 5 * MB;
      const valid = whole
        ? chunk === size && count === 1
        : chunk >= 5 * MB && chunk <= 64 * MB && count === Math.floor(size / chunk) && size - chunk * (count - 1) <= 128 * MB;
      if (!Number.isInteger(size) || size <= 0 || !valid) return tiktokError(400, 'invalid_params', 'The chunk_size or total_chunk_count does not match video_size.');
      this.posts.set(publishId, { ...post, size, chunkSize: chunk, chunkCount: count });
      return ok({ publish_id: publishId, upload_url: `${this.baseUrl}/upload/?upload_id=${encodeURIComponent(publishId)}&upload_token=${randomBytes(6).toString('hex')}` });
    });

    s.on('PUT', '/upload/', (req) => {
      const post = this.posts.get(req.query.get('upload_id') ?? '');
      if (!post || post.source !== 'FILE_UPLOAD') return { status: 404, text: 'upload not found' };
      if (!(req.headers['content-type'] ?? '').startsWith('video/')) return { status: 400, text: 'Content-Type must be a video type' };
      const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(req.headers['content-range'] ?? ''));
      if (!range) return { status: 400, text: 'Content-Range is required' };
      const [first, last, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
      if (total !== post.size || last - first + 1 !== req.rawBody.length) return { status: 416, text: 'Content-Range does not match' };
      const index = first / post.chunkSize;
      const expectedLength = index === post.chunkCount - 1 ? post.size - first : post.chunkSize;
      if (!Number.isInteger(index) || index >= post.chunkCount || req.rawBody.length !== expectedLength) return { status: 416, text: 'chunk boundaries do not match init' };
      // A chunk sent again (its answer was lost) is accepted once.
      if (first < post.receivedBytes) return { status: post.receivedBytes === post.size ? 201 : 206 };
      if (first !== post.receivedBytes) return { status: 416, text: 'chunks must arrive in order' };
      post.received.push(Buffer.from(req.rawBody));
      post.receivedBytes += req.rawBody.length;
      return { status: post.receivedBytes === post.size ? 201 : 206 };
    });

    s.on('POST', '/v2/post/publish/status/fetch/', (req) => {
      const token = this.token(req);
      if (typeof token !== 'string') return token;
      const post = this.posts.get(String((req.body as { publish_id?: string }).publish_id ?? ''));
      if (!post) return tiktokError(400, 'invalid_publish_id', 'publish_id does not exist.');
      const uploaded = post.source === 'PULL_FROM_URL' || post.receivedBytes === post.size;
      if (uploaded && post.status.startsWith('PROCESSING') && post.processingPolls-- <= 0) {
        if (post.failReason) post.status = 'FAILED';
        else this.complete(post);
      }
      const ids = post.videoId ? `[${post.videoId}]` : '[]';
      // Written by hand so the 64-bit id stays an integer literal, as TikTok sends it.
      const text = `{"data":{"status":"${post.status}",${post.status === 'FAILED' ? `"fail_reason":"${post.failReason}",` : ''}"uploaded_bytes":${post.receivedBytes},"publicaly_available_post_id":${ids}},"error":{"code":"ok","message":"","log_id":"l6"}}`;
      return { headers: { 'content-type': 'application/json; charset=UTF-8' }, text };
    });

    s.on('POST', '/v2/video/list/', (req) => {
      const token = this.token(req);
      if (typeof token !== 'string') return token;
      const videos = [...this.posts.values()]
        .filter((p) => p.videoId)
        .reverse()
        .map((p) => ({ id: p.videoId, title: p.caption, video_description: p.caption, share_url: `https://www.tiktok.com/@${this.user.username}/video/${p.videoId}` }));
      return ok({ videos, cursor: 0, has_more: false });
    });

    s.on('POST', '/v2/video/query/', (req) => {
      const token = this.token(req);
      if (typeof token !== 'string') return token;
      const ids = (req.body as { filters?: { video_ids?: string[] } }).filters?.video_ids ?? [];
      const videos = [...this.posts.values()].filter((p) => p.videoId && ids.includes(p.videoId)).map((p) => ({ id: p.videoId, ...p.stats }));
      return ok({ videos });
    });
  }
}

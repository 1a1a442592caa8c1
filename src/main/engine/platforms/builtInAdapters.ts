// The adapters this build ships, one per platform. Both the accounts module
// (connecting) and the publisher (posting) take them from here. Adapters read
// per-account servers (Mastodon instance, Bluesky PDS) from the stored
// credentials, so one instance per platform serves every account.
import type { Platform } from '../../../shared/platforms';
import { createBlueskyAdapter } from './adapters/bluesky';
import { createFacebookAdapter } from './adapters/facebook';
import { createInstagramAdapter } from './adapters/instagram';
import { createLinkedInAdapter } from './adapters/linkedin';
import { createMastodonAdapter } from './adapters/mastodon';
import { createRedditAdapter } from './adapters/reddit';
import { createTikTokAdapter } from './adapters/tiktok';
import { createXAdapter } from './adapters/x';
import { createYouTubeAdapter } from './adapters/youtube';
import type { AdapterOptions, PlatformAdapter } from './PlatformAdapter';

export const BUILT_IN_ADAPTERS: Readonly<Record<Platform, (options?: AdapterOptions) => PlatformAdapter>> = Object.freeze({
  x: createXAdapter,
  linkedin: createLinkedInAdapter,
  instagram: createInstagramAdapter,
  facebook: createFacebookAdapter,
  tiktok: createTikTokAdapter,
  youtube: createYouTubeAdapter,
  reddit: createRedditAdapter,
  bluesky: createBlueskyAdapter,
  mastodon: createMastodonAdapter,
});

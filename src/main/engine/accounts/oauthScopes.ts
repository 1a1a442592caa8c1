import type { Platform } from '../../../shared/platforms';
import type { PlatformAdapter } from '../platforms/PlatformAdapter';

// What Chorus asks each platform for: read the profile, publish, read replies,
// and (where the platform needs it) keep access without the person present.
const DEFAULT_SCOPES: Readonly<Record<Platform, readonly string[]>> = {
  x: ['tweet.read', 'tweet.write', 'users.read', 'media.write', 'offline.access'],
  linkedin: ['openid', 'profile', 'w_member_social'],
  instagram: ['instagram_business_basic', 'instagram_business_content_publish', 'instagram_business_manage_comments'],
  facebook: ['pages_show_list', 'pages_manage_posts', 'pages_read_engagement'],
  tiktok: ['user.info.basic', 'video.upload', 'video.publish'],
  youtube: ['https://www.googleapis.com/auth/youtube.upload', 'https://www.googleapis.com/auth/youtube.readonly'],
  reddit: ['identity', 'submit', 'read'],
  bluesky: [],
  mastodon: ['read', 'write'],
};

/** The adapter's own list when it declares one, else ours. */
export function scopesFor(platform: Platform, adapter: PlatformAdapter): string[] {
  const declared = (adapter as { scopes?: readonly string[] }).scopes;
  return [...(declared ?? DEFAULT_SCOPES[platform])];
}

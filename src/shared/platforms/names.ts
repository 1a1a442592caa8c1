/** The networks Chorus drafts for and publishes to. */
export const PLATFORMS = [
  'x',
  'linkedin',
  'instagram',
  'facebook',
  'tiktok',
  'youtube',
  'reddit',
  'bluesky',
  'mastodon',
] as const;

export type Platform = (typeof PLATFORMS)[number];

export const PLATFORM_LABELS: Readonly<Record<Platform, string>> = Object.freeze({
  x: 'X',
  linkedin: 'LinkedIn',
  instagram: 'Instagram',
  facebook: 'Facebook',
  tiktok: 'TikTok',
  youtube: 'YouTube',
  reddit: 'Reddit',
  bluesky: 'Bluesky',
  mastodon: 'Mastodon',
});

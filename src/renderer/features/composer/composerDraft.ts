// The composer's state as plain data, and the checks the preview shows. Pure:
// the same `validate` the engine runs before it schedules, so what the preview
// calls an error is exactly what the engine refuses.
import type { MediaRef } from '../../../shared/contract/schemas/posts';
import {
  measureText,
  rulesFor,
  splitThread,
  ThreadSplitError,
  validate,
  type Measurement,
  type Platform,
  type ValidationResult,
} from '../../../shared/platforms';

/** A platform's own text (and thread), used instead of the shared text. */
export interface Variant {
  text: string;
  thread: string[];
}

export interface ComposerDraft {
  /** Sent to the platforms that take one (Reddit, YouTube); ignored elsewhere. */
  title: string;
  text: string;
  variants: Partial<Record<Platform, Variant>>;
  media: MediaRef[];
}

export const emptyComposerDraft = (): ComposerDraft => ({ title: '', text: '', variants: {}, media: [] });

/** Whether any of these platforms takes a title. */
export const needsTitle = (platforms: readonly Platform[]) => platforms.some((p) => rulesFor(p).title !== null);

/** What goes out on `platform`: its variant if it has one, else the shared text. */
export function contentFor(draft: ComposerDraft, platform: Platform): Variant {
  return draft.variants[platform] ?? { text: draft.text, thread: [] };
}

export function check(draft: ComposerDraft, platform: Platform): ValidationResult {
  const { text, thread } = contentFor(draft, platform);
  const title = rulesFor(platform).title ? draft.title.trim() : '';
  return validate(platform, {
    ...(title ? { title } : {}),
    text,
    media: draft.media.map((m) => ({ kind: m.kind })),
    ...(thread.length > 0 ? { thread } : {}),
  });
}

export const hasErrors = (result: ValidationResult) => result.problems.some((p) => p.severity === 'error');

/** Each part's length in the platform's unit: the post first, then its replies. */
export function measureParts(draft: ComposerDraft, platform: Platform): Measurement[] {
  const { text, thread } = contentFor(draft, platform);
  return [text, ...thread].map((part) => measureText(platform, part));
}

const UNIT_WORDS: Record<Measurement['unit'], string> = {
  weighted: 'weighted characters',
  graphemes: 'characters',
  characters: 'characters',
};

/** "312 / 280 weighted characters", plus bytes where the platform caps them too. */
export function counterText(m: Measurement): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const bytes = m.byteLimit !== undefined && m.bytes !== undefined ? ` · ${n(m.bytes)} / ${n(m.byteLimit)} bytes` : '';
  return `${n(m.length)} / ${n(m.limit)} ${UNIT_WORDS[m.unit]}${bytes}`;
}

export function isOver(m: Measurement): boolean {
  return m.length > m.limit || (m.byteLimit !== undefined && (m.bytes ?? 0) > m.byteLimit);
}

/** How counting works on a platform, in one short phrase for the counter's hint. */
export function unitHint(platform: Platform): string {
  switch (rulesFor(platform).text.counting) {
    case 'twitter':
      return 'X counts every link as 23 and most emoji and CJK characters as 2.';
    case 'graphemes':
      return 'Counted as people see characters: an emoji or a flag is one.';
    case 'mastodon':
      return 'Every link counts as 23; @user@server counts as @user.';
    case 'utf16':
      return 'Counted in UTF-16 units: most emoji count as 2.';
    case 'codePoints':
      return 'Counted in Unicode characters.';
  }
}

/**
 * The text split into a thread that fits `platform`, or why it cannot be. A text
 * that already fits comes back as one part (nothing to split).
 */
export function proposeThread(platform: Platform, text: string): { parts: string[] } | { error: string } {
  if (!rulesFor(platform).threads) return { error: 'This platform has no threads.' };
  try {
    return { parts: splitThread(platform, text) };
  } catch (error) {
    if (error instanceof ThreadSplitError) return { error: error.message };
    throw error;
  }
}

import { Settings } from '../../../shared/contract';

/**
 * Settings from whatever is in the file: each valid field is kept, each missing
 * or broken one falls back to its default, so a hand-edited typo never stops Chorus.
 */
export function readSettings(stored: unknown): Settings {
  const defaults = Settings.parse({});
  if (typeof stored !== 'object' || stored === null) return defaults;
  const result: Record<string, unknown> = { ...defaults };
  for (const key of Object.keys(defaults)) {
    const candidate = { ...defaults, [key]: (stored as Record<string, unknown>)[key] };
    const parsed = Settings.safeParse(candidate);
    if (parsed.success) result[key] = parsed.data[key as keyof Settings];
  }
  return Settings.parse(result);
}

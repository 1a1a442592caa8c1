let cached: string[] | null = null;

/** Every IANA zone this browser knows, for the time zone pickers. */
export function timeZoneOptions(): string[] {
  if (cached) return cached;
  let zones: string[];
  try {
    zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  } catch {
    zones = [];
  }
  // Some engines leave UTC out of the list although they accept it.
  cached = zones.includes('UTC') ? zones : ['UTC', ...zones];
  return cached;
}

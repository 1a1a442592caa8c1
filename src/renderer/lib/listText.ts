/** Splits text a person typed as a list: one entry per line or comma. */
export function splitList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}

export function joinList(items: readonly string[], separator: ', ' | '\n' = ', '): string {
  return items.join(separator);
}

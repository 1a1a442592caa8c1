import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | null = null;

/**
 * The folder holding Chorus's package.json, found by walking up from this
 * file, so paths stay right whether this runs from source, the CLI bundle
 * (out/cli) or the Electron bundle (out/main inside app.asar).
 */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'chorus') return (root = dir);
    } catch {
      // keep walking up
    }
    dir = dirname(dir);
  }
  throw new Error(`Could not find Chorus's package.json above ${fileURLToPath(import.meta.url)}.`);
}

let version: string | null = null;

export function appVersion(): string {
  version ??= (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}

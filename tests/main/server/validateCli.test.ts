import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CHORUS_BIN, REPO_ROOT, runCli, type CliResult } from '../../fakes/cliProcess';

// An unusable data folder: validate is pure and must not touch it.
const NO_DATA = { CHORUS_DATA_DIR: '/nonexistent/chorus-validate-must-not-open-this' };

/** Runs `chorus <args>` with `input` written to its stdin, then closed. */
function runCliWithStdin(args: string[], input: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHORUS_BIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...NO_DATA } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('chorus validate', () => {
  it('prints the result as JSON and exits 0 for a valid post given with --text', async () => {
    const result = await runCli(['validate', '--platform', 'x', '--text', 'New roast out today https://example.com/beans 🇫🇷', '--json'], NO_DATA);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ platform: 'x', length: 20 + 23 + 1 + 2, limit: 280, unit: 'weighted', ok: true, problems: [] });
  });

  it('exits 1 with the problems when the post breaks a rule', async () => {
    const result = await runCli(['validate', '--platform', 'x', '--text', 'a'.repeat(312), '--json'], NO_DATA);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({
      platform: 'x',
      length: 312,
      limit: 280,
      ok: false,
      problems: [{ code: 'too_long', message: 'This post is 312 characters; X allows 280.' }],
    });
  });

  it('reads the text from stdin when --text is absent, without its final newline', async () => {
    const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}';
    const ok = await runCliWithStdin(['validate', '--platform', 'bluesky', '--json'], `Hello ${family}\n`);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ platform: 'bluesky', length: 7, limit: 300, bytes: 31, byteLimit: 3000, ok: true });

    const tooBig = await runCliWithStdin(['validate', '--platform', 'bluesky', '--json'], family.repeat(200));
    expect(tooBig.code).toBe(1);
    expect(JSON.parse(tooBig.stdout)).toMatchObject({ length: 200, bytes: 5000, ok: false, problems: [{ code: 'too_many_bytes' }] });
  });

  it('passes Mastodon server options through', async () => {
    const text = `${'a'.repeat(490)} https://example.com/${'x'.repeat(50)}`;
    const [standard, bigger] = await Promise.all([
      runCli(['validate', '--platform', 'mastodon', '--text', text, '--json'], NO_DATA),
      runCli(['validate', '--platform', 'mastodon', '--max-characters', '1000', '--text', text, '--json'], NO_DATA),
    ]);
    expect(standard.code).toBe(1);
    expect(JSON.parse(standard.stdout)).toMatchObject({ length: 514, limit: 500 });
    expect(bigger.code).toBe(0);
    expect(JSON.parse(bigger.stdout)).toMatchObject({ length: 514, limit: 1000, ok: true });
  });

  it('checks title and media given as options, and prints sentences without --json', async () => {
    const result = await runCli(['validate', '--platform', 'youtube', '--text', 'Watch', '--title', 'A <b> title', '--media', 'image'], NO_DATA);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('YouTube: 5/5000 characters');
    expect(result.stdout).toContain('YouTube does not allow “<” or “>” in the title. (forbidden_characters)');
    expect(result.stdout).toContain('(unsupported_media)');
  });

  it('exits 2 with usage on bad arguments', async () => {
    const cases = [
      ['validate', '--platform', 'myspace', '--text', 'hi'],
      ['validate', '--text', 'hi'],
      ['validate', '--platform', 'x', '--media', 'audio', '--text', 'hi'],
      ['validate', '--platform', 'mastodon', '--max-characters', 'lots', '--text', 'hi'],
    ];
    const results = await Promise.all(cases.map((args) => runCli(args, NO_DATA)));
    results.forEach((result, i) => {
      const args = cases[i]!.join(' ');
      expect(result.code, args).toBe(2);
      expect(result.stderr, args).toMatch(/error/);
      expect(result.stdout, args).toBe('');
    });
  });
});

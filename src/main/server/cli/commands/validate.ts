import { InvalidArgumentError, Option, type Command } from 'commander';
import { PLATFORMS, PLATFORM_LABELS, validate, type DraftMedia, type Platform, type ValidationResult } from '../../../../shared/platforms';
import { common, type CommonOptions } from '../common';
import { createOutput } from '../output';

interface ValidateCliOptions extends CommonOptions {
  platform: Platform;
  text?: string;
  title?: string;
  media?: DraftMedia[];
  premium?: boolean;
  maxCharacters?: number;
  charactersReservedPerUrl?: number;
}

function parseMedia(value: string): DraftMedia[] {
  const kinds = value.split(',').map((kind) => kind.trim());
  const bad = kinds.find((kind) => kind !== 'image' && kind !== 'video' && kind !== 'gif');
  if (bad !== undefined) throw new InvalidArgumentError(`“${bad}” is not a media kind; use image, video or gif, e.g. image,image.`);
  return kinds.map((kind) => ({ kind: kind as DraftMedia['kind'] }));
}

function parseCount(minimum: number) {
  return (value: string): number => {
    const count = Number(value);
    if (!/^\d+$/.test(value) || count < minimum) throw new InvalidArgumentError(`expected a whole number of at least ${minimum}.`);
    return count;
  };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // `echo … | chorus validate` ends with a newline that is not part of the post.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function human(result: ValidationResult): string {
  const label = PLATFORM_LABELS[result.platform];
  const counts = [`${result.length}/${result.limit} ${result.unit}`];
  if (result.bytes !== undefined) counts.push(`${result.bytes}/${result.byteLimit} bytes`);
  if (result.title) counts.push(`title ${result.title.length}/${result.title.limit}`);
  const lines = [`${label}: ${counts.join(', ')} — ${result.ok ? 'ok' : 'not ok'}`];
  for (const p of result.problems) lines.push(`  ${p.severity === 'error' ? 'error  ' : 'warning'}  ${p.message} (${p.code})`);
  return lines.join('\n');
}

// Pure: checks text against the platform rules in src/shared/platforms; it opens no
// data folder and no engine, so it works anywhere and never waits on a lock.
export function registerValidate(program: Command): void {
  common(program.command('validate'))
    .description('check a post against a platform’s rules (text from --text or stdin)')
    .addOption(new Option('--platform <platform>', 'the platform').choices(PLATFORMS).makeOptionMandatory())
    .option('--text <text>', 'the post text (default: read stdin)')
    .option('--title <title>', 'the title (Reddit, YouTube)')
    .option('--media <kinds>', 'attached media kinds, comma-separated: image,video,gif', parseMedia)
    .option('--premium', 'X: a Premium account (25,000 instead of 280)')
    .option('--max-characters <n>', 'Mastodon: the server’s character limit (default 500)', parseCount(1))
    .option('--characters-reserved-per-url <n>', 'Mastodon: what each URL counts as (default 23)', parseCount(0))
    .action(async (options: ValidateCliOptions, command: Command) => {
      let text = options.text;
      if (text === undefined) {
        if (process.stdin.isTTY) command.error('error: give the post with --text or pipe it on stdin', { exitCode: 2 });
        text = await readStdin();
      }
      const result = validate(
        options.platform,
        { text, ...(options.title !== undefined && { title: options.title }), ...(options.media && { media: options.media }) },
        {
          ...(options.premium && { premium: true }),
          ...(options.maxCharacters !== undefined && { maxCharacters: options.maxCharacters }),
          ...(options.charactersReservedPerUrl !== undefined && { charactersReservedPerUrl: options.charactersReservedPerUrl }),
        },
      );
      createOutput(!!options.json).data(result, () => human(result));
      if (!result.ok) process.exitCode = 1;
    });
}

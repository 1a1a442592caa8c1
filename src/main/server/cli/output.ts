import type { ContractError } from '../../../shared/contract';

export interface Output {
  json: boolean;
  /** Prints data: as one JSON document with --json, otherwise via `human`. */
  data(value: unknown, human: () => string): void;
  /** Prints an error and sets a non-zero exit code. */
  fail(error: ContractError, exitCode?: number): void;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    data(value, human) {
      process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
    },
    fail(error, exitCode = 1) {
      if (json) process.stdout.write(`${JSON.stringify({ error }, null, 2)}\n`);
      else {
        process.stderr.write(`Error (${error.code}): ${error.message}\n`);
        const issues = error.issues ?? [];
        if (issues.length > 1) for (const issue of issues) process.stderr.write(`  ${issue.path.join('.') || '(input)'}: ${issue.message}\n`);
      }
      process.exitCode = exitCode;
    },
  };
}

/** A plain text table, for humans. */
export function table(rows: string[][], header: string[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  return all.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

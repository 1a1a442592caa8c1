import type { Command } from 'commander';
import type { DoctorReport } from '../../../../shared/contract';
import { callAndPrint, common, type CommonOptions } from '../common';

export function registerDoctor(program: Command): void {
  common(program.command('doctor'))
    .description('check the data folder, keychain, Ollama and Chromium')
    .action(async (options: CommonOptions) => {
      const result = await callAndPrint(options, 'system.doctor', {}, (report: DoctorReport) =>
        report.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'}  ${c.id.padEnd(9)} ${c.detail}`).join('\n'),
      );
      // Like `brew doctor`: any failed check makes the exit code non-zero.
      if (result.ok && !result.data.ok) process.exitCode = 1;
    });
}

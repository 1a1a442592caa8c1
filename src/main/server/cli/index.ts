import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { ChorusError } from '../../../shared/contract';
import { appVersion } from '../../engine/system/packageInfo';
import { registerAccounts } from './commands/accounts';
import { registerAgents } from './commands/agents';
import { registerApprovals } from './commands/approvals';
import { registerBrands } from './commands/brands';
import { registerDoctor } from './commands/doctor';
import { registerMcp } from './commands/mcp';
import { registerPosts } from './commands/posts';
import { registerRun } from './commands/run';
import { registerRuns } from './commands/runs';
import { registerServe } from './commands/serve';
import { registerValidate } from './commands/validate';
import { createOutput } from './output';

// One file per command group in ./commands.
export function buildProgram(): Command {
  const program = new Command('chorus')
    .description('Chorus: a local-first social media team of AI agents.')
    .version(appVersion())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerServe(program);
  registerBrands(program);
  registerAccounts(program);
  registerAgents(program);
  registerDoctor(program);
  registerMcp(program);
  registerPosts(program);
  registerRun(program);
  registerRuns(program);
  registerApprovals(program);
  registerValidate(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    const out = createOutput(argv.includes('--json'));
    if (error instanceof ChorusError) out.fail(error.toContractError());
    else if (error instanceof InvalidArgumentError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exitCode = 2;
    } else out.fail({ code: 'internal', message: error instanceof Error ? error.message : String(error) });
  }
}

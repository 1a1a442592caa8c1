import { InvalidArgumentError, type Command } from 'commander';
import { ChorusError, type Account, type Brand } from '../../../../shared/contract';
import { PLATFORM_LABELS, PLATFORMS, type Platform } from '../../../../shared/platforms';
import { common, dataDirOf, type CommonOptions } from '../common';
import { createOutput, table } from '../output';
import { findBrand } from '../brandLookup';
import { openSession, unwrap, type CliSession } from '../session';

function statusText(account: Account): string {
  if (account.status === 'needs_reconnect') return `reconnect: ${account.statusReason ?? 'sign in again'}`;
  return account.status;
}

function accountsTable(accounts: Account[], brands: Map<string, string>): string {
  if (accounts.length === 0) return 'No accounts yet. Try one out with: chorus accounts connect-sandbox --brand "My brand" --platform x';
  return table(
    accounts.map((a) => [
      brands.get(a.brandId) ?? a.brandId,
      PLATFORM_LABELS[a.platform],
      a.handle,
      a.connection,
      statusText(a),
      a.tokenExpiresAt ?? '',
      a.id,
    ]),
    ['BRAND', 'PLATFORM', 'HANDLE', 'CONNECTION', 'STATUS', 'TOKEN EXPIRES', 'ID'],
  );
}

function parsePlatform(value: string): Platform {
  const platform = value.trim().toLowerCase();
  if (!(PLATFORMS as readonly string[]).includes(platform)) {
    throw new InvalidArgumentError(`one of ${PLATFORMS.join(', ')}.`);
  }
  return platform as Platform;
}

/** One session for several contract calls; errors printed like every other command. */
async function withSession(options: CommonOptions, work: (session: CliSession) => Promise<{ data: unknown; human: string }>): Promise<void> {
  const out = createOutput(!!options.json);
  const session = await openSession(dataDirOf(options));
  try {
    const { data, human } = await work(session);
    out.data(data, () => human);
  } catch (error) {
    if (error instanceof ChorusError) out.fail(error.toContractError());
    else throw error;
  } finally {
    await session.close();
  }
}

export function registerAccounts(program: Command): void {
  const accounts = program.command('accounts').description('list and connect social accounts');

  common(accounts.command('list'))
    .description('list connected accounts (never their tokens)')
    .option('--brand <name>', 'only this brand’s accounts (name or id)')
    .action(async (options: CommonOptions & { brand?: string }) => {
      await withSession(options, async (session) => {
        const brand = options.brand ? await findBrand(session, options.brand) : null;
        const list = unwrap<Account[]>(await session.call('accounts.list', brand ? { brandId: brand.id } : {}));
        const names = new Map(unwrap<Brand[]>(await session.call('brands.list', {})).map((b) => [b.id, b.name]));
        return { data: list, human: accountsTable(list, names) };
      });
    });

  common(accounts.command('connect-sandbox'))
    .description('add a sandbox account that publishes nowhere, to try Chorus out')
    .requiredOption('--brand <name>', 'the brand (name or id)')
    .requiredOption('--platform <platform>', `one of ${PLATFORMS.join(', ')}`, parsePlatform)
    .option('--handle <handle>', 'a handle for it (default: sandbox, sandbox-2…)')
    .action(async (options: CommonOptions & { brand: string; platform: Platform; handle?: string }) => {
      await withSession(options, async (session) => {
        const brand = await findBrand(session, options.brand);
        const input = { brandId: brand.id, platform: options.platform, ...(options.handle ? { handle: options.handle } : {}) };
        const account = unwrap<Account>(await session.call('accounts.connectSandbox', input));
        return {
          data: account,
          human: `Connected a ${PLATFORM_LABELS[account.platform]} sandbox account “${account.handle}” to ${brand.name} (${account.id}).`,
        };
      });
    });
}

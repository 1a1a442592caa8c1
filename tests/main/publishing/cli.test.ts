import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../../src/main/engine';
import type { Post } from '../../../src/shared/contract';
import { runCli } from '../../fakes/cliProcess';
import { MemorySecretStore } from '../../fakes/MemorySecretStore';
import { freshDataDir } from '../../fakes/tempDir';

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

async function seeded() {
  const dir = await freshDataDir();
  cleanups.push(dir.cleanup);
  const engine = createEngine({ dataDir: dir.path, host: 'cli', secrets: new MemorySecretStore(), log: () => undefined });
  await engine.start();
  const brand = await engine.services().brands.create({ name: 'Northwind', timezone: 'America/Chicago' }, 'UTC');
  const account = await engine.services().accounts.create({ brandId: brand.id, platform: 'bluesky', handle: 'sandbox:bluesky', connection: 'sandbox' });
  const created = await engine.call('posts.create', { brandId: brand.id, platform: 'bluesky', accountId: account.id, text: 'Fresh roast today' });
  await engine.stop();
  if (!created.ok) throw new Error(created.error.message);
  return { dataDir: dir.path, id: (created.data as Post).id };
}

describe('chorus posts', () => {
  it('lists, schedules in the brand’s zone, and publishes now', { timeout: 90_000 }, async () => {
    const { dataDir, id } = await seeded();
    const list = await runCli(['posts', 'list', '--brand', 'northwind', '--json', '--data-dir', dataDir]);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject([{ id, status: 'draft', text: 'Fresh roast today' }]);

    const scheduled = await runCli(['posts', 'schedule', id, '--at', '2099-03-30 09:00', '--json', '--data-dir', dataDir]);
    expect(scheduled.code).toBe(0);
    // 09:00 in Chicago (CDT, UTC−5) on 30 March.
    expect(JSON.parse(scheduled.stdout)).toMatchObject({ id, status: 'scheduled', scheduledAt: '2099-03-30T14:00:00.000Z', scheduledTimeZone: 'America/Chicago' });

    const human = await runCli(['posts', 'list', '--status', 'scheduled', '--data-dir', dataDir]);
    expect(human.stdout).toMatch(/scheduled\s+bluesky\s+2099-03-30 09:00 America\/Chicago/);

    const now = await runCli(['posts', 'publish-now', id, '--json', '--data-dir', dataDir]);
    expect(now.code).toBe(0);
    expect(['scheduled', 'publishing', 'published']).toContain(JSON.parse(now.stdout).status);
  });

  it('says why with a usage error or a contract error', { timeout: 60_000 }, async () => {
    const { dataDir, id } = await seeded();
    const badTime = await runCli(['posts', 'schedule', id, '--at', 'tomorrow', '--data-dir', dataDir]);
    expect(badTime.code).toBe(2);
    const past = await runCli(['posts', 'schedule', id, '--at', '2001-01-01 09:00', '--json', '--data-dir', dataDir]);
    expect(past.code).toBe(1);
    expect(JSON.parse(past.stdout)).toMatchObject({ error: { code: 'invalid_input' } });
    const noBrand = await runCli(['posts', 'list', '--brand', 'Nobody', '--json', '--data-dir', dataDir]);
    expect(JSON.parse(noBrand.stdout)).toMatchObject({ error: { code: 'not_found' } });
  });
});

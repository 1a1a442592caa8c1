import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { crashingServer } from '../fakes/mcp/servers';
import { ROOT, startHost, watchPage, type RunningHost } from './host';

let dataDir: string;
let host: RunningHost | undefined;

test.beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'chorus-e2e-agents-'));
});

test.afterEach(async () => {
  await host?.stop();
  host = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

async function open(page: Page, url: string, area: 'Settings' | 'Agents'): Promise<void> {
  if (page.url() === 'about:blank') {
    await page.goto(url);
    await expect(page).not.toHaveURL(/token=/);
  }
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: area }).click();
  await expect(page.getByRole('heading', { level: 1, name: area })).toBeVisible();
}

/** Creates a brand with the CLI before the host owns the data folder. */
function createBrand(name: string): void {
  const result = spawnSync(process.execPath, ['bin/chorus.mjs', 'brands', 'create', '--name', name, '--data-dir', dataDir, '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 90_000,
  });
  if (result.status !== 0) throw new Error(`chorus brands create failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
}

test('with no model reachable, the content-creation agent streams a template-made draft', async ({ page }) => {
  const problems = watchPage(page);
  createBrand('Northwind Coffee');
  host = await startHost(dataDir);

  // Point Ollama at a closed port, through the Settings page.
  await open(page, host.url, 'Settings');
  const providers = page.getByTestId('providers-section');
  await providers.getByLabel('Ollama address', { exact: true }).fill('http://127.0.0.1:9');
  await providers.getByRole('button', { name: 'Save address' }).click();
  await expect(providers.getByTestId('provider-ollama').getByTestId('provider-reachable')).toHaveText('Not reachable', { timeout: 30_000 });
  await expect(providers.getByTestId('provider-ollama')).toContainText('http://127.0.0.1:9');
  await expect(providers.getByTestId('openai-key-status')).toHaveText('No key set');

  await open(page, host.url, 'Agents');
  const panel = page.getByTestId('run-panel');
  await expect(panel.getByLabel('Agent', { exact: true })).toHaveValue('content-creation');
  await expect(panel.getByLabel('Brand', { exact: true }).locator('option:checked')).toHaveText('Northwind Coffee');
  await panel.getByLabel('Task', { exact: true }).fill('Draft an X post announcing our autumn blend');
  await panel.getByRole('button', { name: 'Run' }).click();

  const live = page.getByTestId('live-run');
  await expect(live.getByTestId('run-status')).toHaveText('Finished', { timeout: 90_000 });
  await expect(live.getByTestId('template-made')).toHaveText('Template-made (no model was used)');
  // What the drafter wrote arrived as streamed text, then as the structured draft.
  await expect(live.getByTestId('run-stream').last()).toContainText('"platform"');
  const output = live.getByTestId('run-output');
  await expect(output.locator('[data-field="platform"] dd')).toHaveText('X');
  await expect(output.locator('[data-field="text"] dd')).not.toBeEmpty();

  const recent = page.getByTestId('recent-runs').getByTestId('run-item').first();
  await expect(recent).toContainText('Content Creation');
  await expect(recent).toContainText('Finished');
  await expect(recent.getByTestId('template-made')).toBeVisible();
  await page.screenshot({ path: join(ROOT, 'artifacts/e2e/agents-template-run.png'), fullPage: true });
  expect(problems).toEqual([]);
});

test('an imported MCP server that keeps crashing is restarted with backoff, visibly in Settings', async ({ page }) => {
  const problems = watchPage(page);
  host = await startHost(dataDir);
  await open(page, host.url, 'Settings');

  const section = page.getByTestId('mcp-section');
  await expect(section.getByTestId('mcp-empty')).toBeVisible();
  // Starts (about a second through tsx), serves its tools, exits with code 3 after 2.5 s; again and again.
  const config = { mcpServers: { crashy: crashingServer({ CRASH_AFTER_MS: '2500' }) } };
  await section.getByLabel('Config JSON').fill(JSON.stringify(config, null, 2));
  await section.getByRole('button', { name: 'Import' }).click();
  await expect(section.getByText('Imported. 1 server is configured.')).toBeVisible({ timeout: 30_000 });

  const server = section.getByTestId('mcp-server');
  await expect(server).toHaveAttribute('data-server', 'crashy');
  await expect(server.getByTestId('mcp-tools')).toContainText('crashy.echo', { timeout: 30_000 });
  // The crash, then the wait before the next start: seen live through mcp.status events.
  await expect(server.getByTestId('mcp-status')).toHaveText('Restarting', { timeout: 30_000 });
  await expect(server.getByTestId('mcp-last-error')).toContainText('crashing after 2500 ms');
  await expect(server.getByTestId('mcp-restarts')).toHaveText(/Restarted \d+ times?/);

  await server.getByRole('button', { name: 'Show logs' }).click();
  const logs = server.getByTestId('mcp-logs');
  await expect(logs.getByTestId('mcp-log-line').filter({ hasText: 'crashing server up' }).first()).toBeVisible();
  await expect(logs.getByTestId('mcp-log-line').filter({ hasText: 'crashing after 2500 ms' }).first()).toBeVisible();
  await expect(logs.getByTestId('mcp-log-line').filter({ hasText: /restarting in \d+ ms/ }).first()).toBeVisible();

  // It comes back by itself after the backoff and crashes again: the count grows.
  await expect(server.getByTestId('mcp-restarts')).toHaveText(/Restarted ([2-9]|\d\d) times/, { timeout: 60_000 });
  await section.screenshot({ path: join(ROOT, 'artifacts/e2e/settings-mcp.png') });
  expect(problems).toEqual([]);
});

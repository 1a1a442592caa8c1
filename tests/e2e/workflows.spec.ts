import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { FakeOllamaServer } from '../fakes/FakeOllamaServer';
import { workflowReply } from '../fakes/workflowModel';
import { startHost, watchPage, type RunningHost } from './host';

let dataDir: string;
let host: RunningHost | undefined;
let model: FakeOllamaServer;

test.beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'chorus-e2e-workflows-'));
  model = new FakeOllamaServer({ respond: workflowReply });
  const url = await model.start();
  // The real Ollama client talks to a loopback server that answers like a model.
  await writeFile(join(dataDir, 'settings.json'), JSON.stringify({ ollamaUrl: url, ollamaModel: 'llama3.2', modelFallbackOrder: ['ollama'] }));
});

test.afterEach(async () => {
  await host?.stop();
  host = undefined;
  await model.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** A fixed-offset zone where it is about 2 a.m. now, so today's default posting hours are all still ahead. */
function zoneAtTwoInTheMorning(): string {
  const ahead = (2 - new Date().getUTCHours() + 24) % 24;
  const hours = ahead > 14 ? ahead - 24 : ahead;
  // Etc/GMT signs are inverted: Etc/GMT-3 is UTC+3.
  return hours === 0 ? 'Etc/UTC' : `Etc/GMT${hours > 0 ? '-' : '+'}${Math.abs(hours)}`;
}

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name }).click();

test('a daily content run: watch it, approve two drafts, reject one with a comment, see the result in the calendar', async ({ page }) => {
  test.setTimeout(120_000);
  const problems = watchPage(page);
  host = await startHost(dataDir);
  await page.goto(host.url);

  await nav(page, 'Brand');
  await page.getByRole('button', { name: 'New brand' }).click();
  const form = page.getByTestId('brand-form');
  await form.getByLabel('Name', { exact: true }).fill('Fjord Coffee');
  await form.getByLabel('Time zone', { exact: true }).fill(zoneAtTwoInTheMorning());
  await page.getByRole('button', { name: 'Create brand' }).click();
  await expect(page.getByTestId('brand-notice')).toHaveText('Created “Fjord Coffee”.');

  // Sandbox accounts on three platforms: three drafts to decide on.
  await nav(page, 'Settings');
  const accounts = page.getByTestId('accounts-section');
  const connect = accounts.getByTestId('connect-account');
  for (const [platform, count] of [['x', 1], ['linkedin', 2], ['bluesky', 3]] as const) {
    await connect.getByLabel('Platform').selectOption(platform);
    await connect.getByRole('button', { name: /sandbox account/ }).click();
    await expect(accounts.getByTestId('account')).toHaveCount(count);
  }

  // Start the run from the Runs page and watch its timeline.
  await nav(page, 'Runs');
  await page.getByTestId('workflow-select').selectOption('daily-content');
  await page.getByTestId('start-workflow').click();
  const detail = page.getByTestId('run-detail');
  await expect(detail.getByTestId('detail-status')).toHaveAttribute('data-status', 'waiting', { timeout: 60_000 });
  await expect(detail.locator('[data-testid="timeline-step"][data-path="research"]')).toHaveAttribute('data-status', 'succeeded');
  await expect(detail.locator('[data-testid="timeline-step"][data-path="drafts[linkedin]/create[text]/voice#2/write"]')).toHaveAttribute('data-status', 'succeeded');
  await expect(detail.locator('[data-testid="timeline-step"][data-status="waiting"]')).toHaveCount(3);

  // Decide: approve X and LinkedIn, reject Bluesky with a comment.
  await detail.getByTestId('run-approvals-link').click();
  const items = page.getByTestId('approval-item');
  await expect(items).toHaveCount(3);
  const item = (platform: string) => items.filter({ has: page.getByTestId('approval-platform').getByText(platform, { exact: true }) });
  await expect(item('LinkedIn').getByTestId('voice-score')).toHaveText('88 / 100');
  await page.screenshot({ path: 'artifacts/e2e/approvals.png', fullPage: true });
  await item('X').getByTestId('approve-button').click();
  await expect(items).toHaveCount(2);
  await item('LinkedIn').getByTestId('approve-button').click();
  await expect(items).toHaveCount(1);
  await item('Bluesky').getByTestId('reject-button').click();
  await page.getByTestId('reject-comment').fill('Too close to yesterday’s post.');
  await page.getByTestId('reject-confirm').click();
  await expect(items).toHaveCount(0);

  await nav(page, 'Runs');
  await expect(page.getByTestId('run-detail').getByTestId('detail-status')).toHaveAttribute('data-status', 'succeeded', { timeout: 30_000 });
  await page.screenshot({ path: 'artifacts/e2e/runs.png', fullPage: true });

  // The two approved posts are on the calendar; the rejected one is a draft whose history has the comment.
  await nav(page, 'Calendar');
  await expect(page.locator('[data-testid="calendar-post"][data-status="scheduled"]')).toHaveCount(2);
  await expect(page.locator('[data-testid="calendar-post"][data-platform="x"]')).toHaveAttribute('data-status', 'scheduled');
  await expect(page.locator('[data-testid="calendar-post"][data-platform="linkedin"]')).toHaveAttribute('data-status', 'scheduled');
  await page.getByTestId('unscheduled-list').getByRole('button', { name: /Bluesky/ }).click();
  const panel = page.getByTestId('post-panel');
  await expect(panel.getByTestId('post-history')).toContainText('Too close to yesterday’s post.');
  await page.screenshot({ path: 'artifacts/e2e/workflows.png', fullPage: true });
  expect(problems).toEqual([]);
});

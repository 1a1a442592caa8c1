import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ROOT, startHost, watchPage, type RunningHost } from './host';

const BRAND_ZONE = 'America/Chicago';
// The browser runs in another zone than the brand, so every time shown or sent
// must come from the brand's zone, not the machine's.
test.use({ timezoneId: 'Europe/Paris' });

let dataDir: string;
let host: RunningHost | undefined;

test.beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'chorus-e2e-publishing-'));
});

test.afterEach(async () => {
  await host?.stop();
  host = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

/** The next whole minute on the brand's clock, as a datetime-local value. */
function nextMinuteIn(timeZone: string): string {
  const at = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 60_000);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name }).click();

test('a post composed in the UI is scheduled in the brand’s zone and published by the sandbox', async ({ page }) => {
  const problems = watchPage(page);
  host = await startHost(dataDir);
  await page.goto(host.url);
  await expect(page).not.toHaveURL(/token=/);

  // A brand in Chicago.
  await nav(page, 'Brand');
  await page.getByRole('button', { name: 'New brand' }).click();
  const form = page.getByTestId('brand-form');
  await form.getByLabel('Name', { exact: true }).fill('Northwind Coffee');
  await form.getByLabel('Time zone', { exact: true }).fill(BRAND_ZONE);
  await page.getByRole('button', { name: 'Create brand' }).click();
  await expect(page.getByTestId('brand-notice')).toHaveText('Created “Northwind Coffee”.');

  // Sandbox accounts for X and Bluesky: the whole flow without a network.
  await nav(page, 'Settings');
  const accounts = page.getByTestId('accounts-section');
  const connect = accounts.getByTestId('connect-account');
  await connect.getByRole('button', { name: 'Connect X sandbox account' }).click();
  await expect(accounts.getByTestId('account')).toHaveCount(1);
  await connect.getByLabel('Platform').selectOption('bluesky');
  await connect.getByRole('button', { name: 'Connect Bluesky sandbox account' }).click();
  await expect(accounts.getByTestId('account')).toHaveCount(2);
  await expect(accounts.getByTestId('account-status')).toHaveText(['Connected', 'Connected']);

  // Compose: the X variant is too long, so scheduling is refused until it is fixed.
  await nav(page, 'Calendar');
  await expect(page.getByTestId('calendar-zone')).toContainText(`Times in ${BRAND_ZONE}`);
  await page.getByRole('button', { name: 'New post' }).click();
  const composer = page.getByTestId('composer');
  await composer.getByRole('checkbox', { name: /X · sandbox/ }).check();
  await composer.getByRole('checkbox', { name: /Bluesky · sandbox/ }).check();
  await composer.getByLabel('Text', { exact: true }).fill('Fresh beans from Huila, roasted this morning.');
  const xPreview = composer.getByTestId('preview-x');
  await xPreview.getByRole('checkbox', { name: 'Write a different text for X' }).check();
  await xPreview.getByLabel('X text').fill(`Fresh beans from Huila. ${'So good. '.repeat(40)}`);
  await expect(composer.getByTestId('counter-x-0')).toHaveText('384 / 280 weighted characters');
  await expect(composer.getByTestId('problems-x')).toContainText('This post is 384 characters; X allows 280.');
  await expect(composer.getByRole('button', { name: 'Schedule' })).toBeDisabled();
  await expect(composer.getByTestId('schedule-blockers')).toHaveText('Fix the problems for X first.');

  await xPreview.getByLabel('X text').fill('Fresh beans from Huila. #coffee');
  await expect(composer.getByTestId('problems-x')).toHaveCount(0);
  const at = nextMinuteIn(BRAND_ZONE);
  await composer.getByLabel('Publish at').fill(at);
  await expect(composer.getByRole('button', { name: 'Schedule' })).toBeEnabled();
  await composer.getByRole('button', { name: 'Schedule' }).click();
  await expect(page.getByTestId('calendar-notice')).toHaveText(`Scheduled 2 posts for ${at.replace('T', ' ')} (${BRAND_ZONE}).`);

  // On the calendar at the brand's wall-clock time; open the X post.
  const xEvent = page.locator('[data-testid="calendar-post"][data-platform="x"]');
  await expect(xEvent).toHaveCount(1);
  await expect(xEvent.locator('.post-event__time')).toHaveText(at.slice(11));
  const postId = await xEvent.getAttribute('data-post-id');
  expect(postId).toMatch(/^[0-9a-f-]{36}$/);
  await xEvent.click();
  const panel = page.getByTestId('post-panel');
  await expect(panel.getByTestId('post-time')).toContainText(`(${BRAND_ZONE},`);

  // The scheduler publishes it within the minute; the calendar and the panel follow live.
  await expect(panel.getByTestId('post-status')).toHaveText('Published', { timeout: 90_000 });
  await expect(xEvent).toHaveAttribute('data-status', 'published');
  await expect(page.locator('[data-testid="calendar-post"][data-platform="bluesky"]')).toHaveAttribute('data-status', 'published', {
    timeout: 30_000,
  });
  await expect(panel.getByTestId('post-link')).toContainText(`outbox/x/${postId}.json`);
  const kinds = await panel.getByTestId('post-history').locator('li').evaluateAll((items) => items.map((li) => li.getAttribute('data-kind')));
  expect(kinds).toEqual(expect.arrayContaining(['created', 'scheduled', 'attempt', 'published']));
  expect(kinds.indexOf('created')).toBeLessThan(kinds.indexOf('scheduled'));
  expect(kinds.indexOf('scheduled')).toBeLessThan(kinds.indexOf('attempt'));
  expect(kinds.indexOf('attempt')).toBeLessThan(kinds.indexOf('published'));

  // The sandbox wrote the post where its adapter says it does.
  const outbox = join(dataDir, 'outbox', 'x', `${postId}.json`);
  expect(existsSync(outbox)).toBe(true);
  const written = JSON.parse(await readFile(outbox, 'utf8')) as { postId: string; text: string };
  expect(written).toMatchObject({ postId, text: 'Fresh beans from Huila. #coffee' });

  await page.screenshot({ path: join(ROOT, 'artifacts/e2e/publishing.png'), fullPage: true });

  // A published post cannot be moved: a real drag snaps back with the engine's reason.
  const target = page.locator('.rbc-month-view .rbc-day-bg:not(.rbc-off-range-bg)').last();
  await xEvent.dragTo(target);
  await expect(page.getByTestId('calendar-refusal')).toContainText('This post is published; it cannot be moved.');
  await expect(xEvent.locator('.post-event__time')).toHaveText(at.slice(11));

  expect(problems).toEqual([]);
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { ROOT, startHost, watchPage, type RunningHost } from './host';

let dataDir: string;
let host: RunningHost | undefined;

test.beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'chorus-e2e-'));
});

test.afterEach(async () => {
  await host?.stop();
  host = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

async function openBrandPage(page: Page, url: string): Promise<void> {
  await page.goto(url);
  // The token moves out of the address bar into the tab's session storage.
  await expect(page).not.toHaveURL(/token=/);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Brand' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Brand' })).toBeVisible();
}

/** The input labelled `label` in the brand form. */
function field(page: Page, label: string): Locator {
  return page.getByTestId('brand-form').getByLabel(label, { exact: true });
}

/** The error message inside the same field wrapper as the control labelled `label`. */
function errorBeside(page: Page, label: string): Locator {
  // `has` is matched inside each .field, so it must not start from the page.
  return page
    .getByTestId('brand-form')
    .locator('.field', { has: page.getByLabel(label, { exact: true }) })
    .locator('.field__error');
}

async function expectErrorBeside(page: Page, label: string, text: string | RegExp): Promise<void> {
  const error = errorBeside(page, label);
  await expect(error).toHaveText(text);
  await expect(field(page, label)).toHaveAttribute('aria-invalid', 'true');
  const errorId = await error.getAttribute('id');
  expect(errorId).toBeTruthy();
  await expect(field(page, label)).toHaveAttribute('aria-describedby', new RegExp(`(^| )${errorId}( |$)`));
}

test('a brand created in the UI is still there after the host restarts on the same data folder', async ({ page }) => {
  const problems = watchPage(page);
  host = await startHost(dataDir);
  await openBrandPage(page, host.url);

  await page.getByRole('button', { name: 'New brand' }).click();
  await field(page, 'Name').fill('Northwind Coffee');
  await field(page, 'Description').fill('A small roaster in Chicago.');
  await field(page, 'Voice and tone').fill('Warm, plain-spoken, a little dry.');
  await field(page, 'Audience').fill('Home brewers and neighbourhood cafés.');
  await field(page, 'Content pillars').fill('Sourcing stories\nBrewing tips\nEvents');
  await field(page, 'Banned words').fill('cheap, best ever');
  await field(page, 'Default hashtags').fill('#coffee, fairtrade');
  await field(page, 'Time zone').fill('America/Chicago');
  await page.getByRole('button', { name: 'Create brand' }).click();

  await expect(page.getByTestId('brand-notice')).toHaveText('Created “Northwind Coffee”.');
  const list = page.getByTestId('brand-list');
  await expect(list.getByTestId('brand-item')).toHaveCount(1);
  await expect(list).toContainText('Northwind Coffee');
  await expect(list).toContainText('America/Chicago');

  await host.stop();
  // The page notices the host is gone and says it is retrying.
  await expect(page.getByTestId('connection-banner')).toBeVisible();

  host = await startHost(dataDir);
  await openBrandPage(page, host.url);
  await expect(page.getByTestId('brand-list').getByTestId('brand-item')).toHaveCount(1);
  await page.getByTestId('brand-list').getByRole('button', { name: /Northwind Coffee/ }).click();

  await expect(field(page, 'Name')).toHaveValue('Northwind Coffee');
  await expect(field(page, 'Description')).toHaveValue('A small roaster in Chicago.');
  await expect(field(page, 'Voice and tone')).toHaveValue('Warm, plain-spoken, a little dry.');
  await expect(field(page, 'Audience')).toHaveValue('Home brewers and neighbourhood cafés.');
  await expect(field(page, 'Content pillars')).toHaveValue('Sourcing stories\nBrewing tips\nEvents');
  await expect(field(page, 'Banned words')).toHaveValue('cheap, best ever');
  await expect(field(page, 'Default hashtags')).toHaveValue('#coffee, #fairtrade');
  await expect(field(page, 'Time zone')).toHaveValue('America/Chicago');

  await page.screenshot({ path: join(ROOT, 'artifacts/e2e/brand-persisted.png'), fullPage: true });
  expect(problems).toEqual([]);
});

test('contract errors appear beside the field they are about; edits save and deletes ask first', async ({ page }) => {
  const problems = watchPage(page);
  host = await startHost(dataDir);
  await openBrandPage(page, host.url);

  // An empty name.
  await page.getByRole('button', { name: 'New brand' }).click();
  await page.getByRole('button', { name: 'Create brand' }).click();
  await expectErrorBeside(page, 'Name', 'A brand needs a name.');
  await expect(field(page, 'Name')).toBeFocused();
  await expect(page.getByTestId('form-error')).toHaveCount(0);

  // A time zone that does not exist; fixing the name clears its error.
  await field(page, 'Name').fill('Acme');
  await expect(errorBeside(page, 'Name')).toHaveCount(0);
  await field(page, 'Time zone').fill('Mars/Olympus_Mons');
  await page.getByRole('button', { name: 'Create brand' }).click();
  await expectErrorBeside(page, 'Time zone', /IANA time zone/);
  await expect(errorBeside(page, 'Name')).toHaveCount(0);

  // Valid now.
  await field(page, 'Time zone').fill('Europe/Paris');
  await page.getByRole('button', { name: 'Create brand' }).click();
  await expect(page.getByTestId('brand-notice')).toHaveText('Created “Acme”.');

  // A duplicate name (names are unique regardless of case) is a conflict on the name.
  await page.getByRole('button', { name: 'New brand' }).click();
  await field(page, 'Name').fill('ACME');
  await page.getByRole('button', { name: 'Create brand' }).click();
  await expectErrorBeside(page, 'Name', /.+/);
  await expect(page.getByTestId('brand-list').getByTestId('brand-item')).toHaveCount(1);

  // Update errors come back under `patch`; they still land beside the field.
  await page.getByTestId('brand-list').getByRole('button', { name: /Acme/ }).click();
  await field(page, 'Time zone').fill('Nowhere/Special');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expectErrorBeside(page, 'Time zone', /IANA time zone/);

  // Fixing it saves; then the brand is deleted only after the confirmation.
  await field(page, 'Time zone').fill('Asia/Tokyo');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByTestId('brand-notice')).toHaveText('Saved “Acme”.');
  await expect(page.getByTestId('brand-list')).toContainText('Asia/Tokyo');

  await page.getByRole('button', { name: 'Delete brand…' }).click();
  const confirm = page.getByRole('alertdialog');
  await expect(confirm).toContainText('Delete “Acme” with its accounts and posts?');
  await confirm.getByRole('button', { name: 'Delete “Acme”' }).click();
  await expect(page.getByTestId('brand-notice')).toHaveText('Deleted “Acme”.');
  await expect(page.getByTestId('brand-item')).toHaveCount(0);
  await expect(page.getByText('No brands yet.')).toBeVisible();

  expect(problems).toEqual([]);
});

test('a page opened without the token explains how to get in', async ({ page }) => {
  host = await startHost(dataDir);
  const { origin } = new URL(host.url);
  await page.goto(`${origin}/`);
  await expect(page.getByTestId('signed-out')).toContainText('chorus serve');

  await page.goto(`${origin}/#token=wrong-token`);
  await page.reload();
  await expect(page.getByTestId('signed-out')).toContainText('chorus serve');
});

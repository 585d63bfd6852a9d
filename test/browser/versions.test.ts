import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestApp, type Client, type TestApp } from '../helpers/app.js';
import { accessibilityProblems, browserSkip, launch, screenshot, signIn } from '../helpers/browser.js';
import { scenario, type Scenario } from '../helpers/scenario.js';

const skip = browserSkip();
if (skip) console.log(`# ${skip}`);

const CONFLICT = 'Someone else saved this campaign after you opened it. Your changes are not saved.';

describe('two tabs editing one campaign in Chromium', { skip, timeout: 120_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let sc: Scenario;
  let admin: Client & { user: { email: string }; password: string };
  const contexts: BrowserContext[] = [];

  /** A tab of its own (its own session), signed in, on the campaign's page with the edit form open. */
  const tabEditing = async (): Promise<Page> => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'UTC' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, t.url, admin.user.email, admin.password);
    await page.goto(`${t.url}/campaigns/${sc.campaignId}`);
    await page.getByRole('heading', { name: 'Spring Leads', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Edit campaign' }).click();
    return page;
  };
  const dialog = (page: Page) => page.getByRole('dialog');
  const campaign = async () => (await admin.get(`/api/campaigns/${sc.campaignId}`)).body;

  before(async () => {
    t = await startTestApp('postgres');
    browser = await launch();
    sc = await scenario(t.services, { campaign: { name: 'Spring Leads', max_attempts: 3 }, links: [{}] });
    admin = await t.userClient('admin', 'Ada Admin');
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await t?.close();
  });

  test('the second save shows the conflict in the form, keeps the first save, and saves after a reload', async () => {
    const first = await tabEditing();
    const second = await tabEditing();
    const loaded = (await campaign()).version as number;

    // The first tab saves a new name.
    await dialog(first).getByLabel('Name').fill('Spring Leads East');
    await dialog(first).getByRole('button', { name: 'Save campaign' }).click();
    await first.getByRole('heading', { name: 'Spring Leads East', level: 1 }).waitFor();

    // The second tab, opened before, saves its own change: refused, said in the form, typed value kept.
    await dialog(second).getByLabel('Max attempts').fill('5');
    await dialog(second).getByRole('button', { name: 'Save campaign' }).click();
    const conflict = dialog(second).getByRole('alert');
    await conflict.getByText(CONFLICT).waitFor();
    assert.equal(await dialog(second).getByLabel('Max attempts').inputValue(), '5');
    assert.equal(await dialog(second).getByLabel('Name').inputValue(), 'Spring Leads');
    assert.deepEqual(await accessibilityProblems(second), []);
    await screenshot(second, 'campaign-edit-conflict');
    const afterConflict = await campaign();
    assert.equal(afterConflict.name, 'Spring Leads East', 'the first save is intact');
    assert.equal(afterConflict.max_attempts, 3);
    assert.equal(afterConflict.version, loaded + 1);
    // It stays until the person acts: no toast that vanishes.
    await second.waitForTimeout(1500);
    assert.equal(await conflict.getByText(CONFLICT).isVisible(), true);

    // Reload their version: the form shows the first tab's save; the change made again saves.
    await conflict.getByRole('button', { name: 'Reload their version' }).click();
    await conflict.waitFor({ state: 'detached' });
    assert.equal(await dialog(second).getByLabel('Name').inputValue(), 'Spring Leads East');
    assert.equal(await dialog(second).getByLabel('Max attempts').inputValue(), '3');
    await dialog(second).getByLabel('Max attempts').fill('5');
    await dialog(second).getByRole('button', { name: 'Save campaign' }).click();
    await dialog(second).waitFor({ state: 'hidden' });
    const saved = await campaign();
    assert.deepEqual([saved.name, saved.max_attempts, saved.version], ['Spring Leads East', 5, loaded + 2]);

    // The same tab saves again: it holds the version its own save made.
    await second.getByRole('button', { name: 'Edit campaign' }).click();
    await dialog(second).getByLabel('Max attempts').fill('6');
    await dialog(second).getByRole('button', { name: 'Save campaign' }).click();
    await dialog(second).waitFor({ state: 'hidden' });
    assert.deepEqual([(await campaign()).max_attempts, (await campaign()).version], [6, loaded + 3]);
  });
});

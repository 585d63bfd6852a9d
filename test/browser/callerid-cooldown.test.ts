import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { browserSkip, launch, checkedScreenshot as screenshot, signIn } from '../helpers/browser.js';

const skip = browserSkip();
if (skip) console.log(`# ${skip}`);

describe(
  'caller-ID concurrency and cooldown notices in the dashboard, in Chromium',
  { skip, timeout: 180_000 },
  () => {
    let t: TestApp;
    let browser: Browser;

    before(async () => {
      t = await startTestApp('postgres');
      browser = await launch();
    });
    after(async () => {
      await browser?.close();
      await t?.close();
    });

    test('a seller lets a number serve 3 calls, puts it in cooldown, and the notice opens it', async () => {
      const seller = await t.userClient('seller', 'Sally Seller');
      const pool = await seller.post('/api/callerid/pools', { name: 'Outbound A', campaign: 'sa' });
      assert.equal(pool.status, 201);
      const added = await seller.post('/api/callerid/numbers', {
        caller_id: '+13125550101',
        pool_id: pool.body.id,
      });
      assert.equal(added.status, 201);
      const other = await seller.post('/api/callerid/numbers', {
        caller_id: '+13125550102',
        pool_id: pool.body.id,
      });
      assert.equal(other.status, 201);

      const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 }, timezoneId: 'UTC' });
      const page = await ctx.newPage();
      page.setDefaultTimeout(15_000);
      await signIn(page, t.url, seller.user.email, seller.password);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Caller IDs' }).click();
      const row = page.getByRole('row').filter({ hasText: '+13125550101' });
      await row.getByText('0 / 1').waitFor();

      await row.getByRole('button', { name: 'Edit +13125550101' }).click();
      const dialog = page.getByRole('dialog', { name: 'Edit +13125550101' });
      await dialog.getByLabel('Concurrent calls').fill('3');
      await dialog.getByLabel('Status').selectOption('cooldown');
      await dialog.getByRole('button', { name: 'Save changes' }).click();
      await dialog.waitFor({ state: 'detached' });
      await row.getByText('0 / 3').waitFor();
      await row.getByText('until changed by hand').waitFor();

      // The notice, worded for a person, with a link to what it is about.
      await page.goto(`${t.url}/notifications`);
      const notice = page.getByRole('listitem').filter({ hasText: 'Caller ID +13125550101 is in cooldown' });
      await notice
        .getByText('+13125550101 (pool Outbound A, dialer campaign sa) was put in cooldown by hand')
        .waitFor();
      await screenshot(page, 'callerid-cooldown-notice');
      await notice.getByRole('link', { name: 'Open caller IDs in cooldown' }).click();

      await page.waitForURL((u) => u.pathname === '/caller-ids');
      const url = new URL(page.url());
      assert.deepEqual(
        [url.searchParams.get('status'), url.searchParams.get('campaign')],
        ['cooldown', 'sa'],
      );
      await page.getByRole('row').filter({ hasText: '+13125550101' }).waitFor();
      // filtered: the active number of the same pool is not listed
      assert.equal(await page.getByRole('row').filter({ hasText: '+13125550102' }).count(), 0);
      await screenshot(page, 'callerid-cooldown-link');
      await ctx.close();

      // Opening the notice marked it read.
      const list = await seller.get('/api/notifications?unread=true');
      assert.equal(list.body.unread, 0);
    });
  },
);

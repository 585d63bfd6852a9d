import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { browserSkip, launch, checkedScreenshot as screenshot, signIn } from '../helpers/browser.js';
import { callFlow } from '../helpers/calls.js';
import { scenario, type Scenario } from '../helpers/scenario.js';

const skip = browserSkip();
if (skip) console.log(`# ${skip}`);

describe('repeat callers and caller filters in Chromium', { skip, timeout: 180_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let sc: Scenario;
  const contexts: BrowserContext[] = [];
  const newPage = async (width = 1280, height = 900): Promise<Page> => {
    const ctx = await browser.newContext({ viewport: { width, height }, timezoneId: 'UTC' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  };

  before(async () => {
    t = await startTestApp('postgres');
    browser = await launch();
    sc = await scenario(t.services, {
      campaign: { name: 'Medicare Inbound' },
      links: [{ payout: '25', min_billable_duration: 60 }],
    });
    await t.services.users.update(sc.admin, sc.seller.id, { password: 'seller-password-1' });
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await t?.close();
  });

  test('a seller sets "repeat callers within 1 day: no payout" and a caller filter; the second call of a caller is not paid, and its page says why', async () => {
    const page = await newPage();
    await signIn(page, t.url, sc.seller.email, 'seller-password-1', 'Overview');
    await page.goto(`${t.url}/campaigns/${sc.campaignId}`);
    await page.getByRole('heading', { name: 'Medicare Inbound' }).waitFor();
    await page.getByRole('button', { name: 'Edit campaign' }).click();
    const callers = page.getByRole('group', { name: 'Callers' });
    await callers.getByLabel('Repeat caller window').fill('1');
    await callers.getByLabel('Window in').selectOption('days');
    await callers.getByLabel('A repeat caller').selectOption('no_payout');
    // a state the server does not know: its message, next to the field
    await callers.getByLabel('Block callers from').fill('Texas');
    await page.getByRole('button', { name: 'Save campaign' }).click();
    await callers
      .getByText(/"TEXAS" is neither an area code/)
      .first()
      .waitFor();
    await callers.getByLabel('Block callers from').fill('TX');
    await callers.getByLabel('Block anonymous callers').check();
    await page.getByRole('button', { name: 'Save campaign' }).click();
    const header = page.locator('main');
    await header.getByText(/repeat callers within 1 d are routed with no payout/).waitFor();
    await header.getByText(/callers from TX blocked · anonymous callers blocked/).waitFor();
    const saved = await t.services.campaigns.get(sc.seller, sc.campaignId);
    assert.deepEqual(
      [saved.duplicate_window_seconds, saved.duplicate_action, saved.caller_filter],
      [86400, 'no_payout', { block_areas: ['TX'], block_anonymous: true }],
    );

    // the same caller twice, a minute apart; then a Texas caller
    const c = callFlow(t.services);
    const ids: number[] = [];
    for (const [uid, caller] of [
      ['rep-1', '+12125550101'],
      ['rep-2', '+12125550101'],
    ]) {
      t.clock.advance(60_000);
      await c.route(uid!, sc.did, caller);
      ids.push((await c.end(uid!, 'ANSWER', { billsec: 120 })).callId!);
    }
    t.clock.advance(60_000);
    const tx = await c.route('rep-3', sc.did, '+15125550102');
    assert.equal(tx.action === 'reject' && tx.reason, 'caller_blocked');
    await c.end('rep-3', '');

    await page.goto(`${t.url}/calls/${ids[1]}`);
    const main = page.locator('main');
    await main.getByRole('cell', { name: 'repeat caller', exact: true }).waitFor();
    await main
      .getByText(
        new RegExp(
          `repeat caller \\(call ${ids[0]}, 1 min ago, answered by link ${sc.links[0]}\\); no payout`,
        ),
      )
      .waitFor();
    await main.getByRole('link', { name: `Call #${ids[0]}` }).waitFor();
    await screenshot(page, 'call-detail-repeat-caller');
    await page.goto(`${t.url}/calls`);
    const rows = main.getByRole('table', { name: 'Calls' }).locator('tbody tr');
    await rows.first().waitFor();
    const converted = await rows.evaluateAll((trs) =>
      trs.map((tr) => (tr.querySelector('td[data-label="Converted"]')?.textContent ?? '').trim()),
    );
    // newest first: the Texas caller (rejected), the repeat (not paid), the first call (paid)
    assert.deepEqual(converted, ['No', 'No', 'Yes']);
    await main.getByText('caller blocked').first().waitFor();
  });
});

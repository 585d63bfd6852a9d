import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { browserSkip, launch, checkedScreenshot as screenshot, signIn, spills } from '../helpers/browser.js';
import { callFlow } from '../helpers/calls.js';
import { scenario, type Scenario } from '../helpers/scenario.js';

const skip = browserSkip();
if (skip) console.log(`# ${skip}`);

describe('reports and buyer statements in Chromium', { skip, timeout: 180_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let sc: Scenario;
  const contexts: BrowserContext[] = [];
  const newPage = async (width = 1280, height = 900): Promise<Page> => {
    const ctx = await browser.newContext({ viewport: { width, height }, timezoneId: 'America/New_York' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  };

  before(async () => {
    t = await startTestApp('postgres');
    browser = await launch();
    sc = await scenario(t.services, {
      campaign: { name: 'Final Expense Inbound' },
      links: [
        { forwarding_priority: 1, payout: '18', min_billable_duration: 60 },
        { forwarding_priority: 2, payout: '12', min_billable_duration: 60 },
      ],
    });
    await t.services.clients.update(sc.clients[0]!.id, { name: 'Acme Insurance Center' });
    await t.services.clients.update(sc.clients[1]!.id, { name: 'Blue Ridge Benefits' });
    await t.services.users.update(sc.admin, sc.seller.id, { password: 'seller-password-1' });
    const c = callFlow(t.services);
    const plays: [string, string, (id: string) => Promise<unknown>][] = [
      ['2026-11-09T14:00:00Z', '+12125550101', (id) => c.end(id, 'ANSWER', { billsec: 240 })],
      ['2026-11-09T15:30:00Z', '+15125550102', (id) => c.end(id, 'ANSWER', { billsec: 30 })],
      ['2026-11-10T16:00:00Z', '+14155550103', (id) => c.end(id, 'NOANSWER')],
      [
        '2026-11-10T17:00:00Z',
        '+13055550104',
        async (id) => {
          await c.next(id, 'BUSY');
          await c.end(id, 'ANSWER', { billsec: 600 });
        },
      ],
      ['2026-11-11T18:00:00Z', '+12125550105', (id) => c.end(id, 'ANSWER', { billsec: 95 })],
    ];
    let n = 0;
    for (const [at, caller, play] of plays) {
      t.clock.set(at);
      const id = `report-ui-${++n}`;
      await c.route(id, sc.did, caller);
      t.clock.advance(5000);
      await play(id);
    }
    // back to now: a session cookie issued on the calls' dates would have expired in the browser
    t.clock.set(new Date());
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await t?.close();
  });

  test('a seller reads a report by buyer, charts and totals, and opens a buyer’s printable statement', async () => {
    const page = await newPage();
    await signIn(page, t.url, sc.seller.email, 'seller-password-1', 'Overview');
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: 'Reports' }).waitFor();
    const form = page.getByRole('form', { name: 'Report' });
    await form.getByLabel('From').fill('2026-11-09');
    await form.getByLabel('To').fill('2026-11-11');
    await form.getByLabel('Group by').selectOption('buyer');
    // a seller is never offered a report by seller
    assert.equal(await form.getByLabel('Group by').locator('option[value="seller"]').count(), 0);
    await form.getByRole('button', { name: 'Show report' }).click();
    await page.waitForURL(/group_by=buyer/);

    const main = page.locator('main');
    const stat = (label: string) => main.locator('.stat', { hasText: label }).locator('.value');
    await main.getByRole('cell', { name: 'Acme Insurance Center' }).waitFor();
    assert.equal(await stat('Calls').first().textContent(), '5');
    assert.equal(await stat('Converted').first().textContent(), '3');
    // 240 s and 95 s at Acme (18 each), 600 s at Blue Ridge (12): revenue $48
    assert.equal(await stat('Revenue').textContent(), '$48.00');
    const acme = main.getByRole('row', { name: /Acme Insurance Center/ });
    assert.match((await acme.textContent()) ?? '', /\$36\.00/);
    await main.getByRole('img', { name: /Calls per day: 5 in all/ }).waitFor();
    await main.getByRole('img', { name: /Revenue, cost and profit per day/ }).waitFor();
    const csv = main.getByRole('link', { name: 'CSV of these rows' });
    assert.match((await csv.getAttribute('href')) ?? '', /\/api\/reports\/export\.csv\?.*group_by=buyer/);
    await screenshot(page, 'reports');

    await acme.getByRole('link', { name: 'Acme Insurance Center' }).click();
    await page.getByRole('heading', { name: 'Statement: Acme Insurance Center' }).waitFor();
    await main.getByText('$36.00').first().waitFor();
    assert.equal(
      await main.getByRole('table', { name: 'Converted calls', exact: true }).locator('tbody tr').count(),
      2,
    );
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('nav#sidebar').isVisible(), false, 'printing leaves out the navigation');
    assert.equal(await page.getByRole('button', { name: 'Print' }).isVisible(), false);
    await page.emulateMedia({ media: 'screen' });
    await screenshot(page, 'buyer-statement');
  });

  test('an admin reads by state in another zone, and the report fits a 390 px phone', async () => {
    const page = await newPage(390, 844);
    const admin = await t.userClient('admin', 'Ada Admin');
    await signIn(page, t.url, admin.user.email, admin.password, 'Overview');
    await page.goto(`${t.url}/reports?from=2026-11-09&to=2026-11-11&tz=UTC&group_by=state&interval=day`);
    const main = page.locator('main');
    await main.getByRole('cell', { name: 'NY (US)' }).waitFor();
    const rows = await main.locator('tbody tr').allTextContents();
    assert.equal(rows.length, 4, rows.join(' | ')); // NY (two calls), TX, CA, FL
    assert.deepEqual(await spills(page, { scrollingTables: true }), []);
    await screenshot(page, 'reports-phone');
  });
});

import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { browserSkip, launch, checkedScreenshot as screenshot, signIn } from '../helpers/browser.js';
import { callFlow } from '../helpers/calls.js';
import { scenario } from '../helpers/scenario.js';

const skip = browserSkip();
if (skip) console.log(`# ${skip}`);

describe('buyers’ postbacks in the dashboard, in Chromium', { skip, timeout: 180_000 }, () => {
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

  test('staff make a buyer’s key (shown once), its CRM reverses a call with it, and the call page shows the postback', async () => {
    const sc = await scenario(t.services, { links: [{ payout: '2.5', min_billable_duration: 60 }] });
    const flow = callFlow(t.services);
    await flow.route('1796414400.501', sc.did, '+14155550123');
    await flow.end('1796414400.501', 'ANSWER', { billsec: 95 });
    const callId = flow.known('1796414400.501')!.callId!;
    const staff = await t.userClient('staff', 'Stan Staff');
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'UTC' });
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, t.url, staff.user.email, staff.password);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
    await page.getByRole('button', { name: 'Postback URL of Client 0' }).click();
    const dialog = page.getByRole('dialog', { name: 'Postback URL: Client 0' });
    await dialog.getByText('has no postback key').waitFor();
    await dialog.getByRole('button', { name: 'Make a key' }).click();
    const secret = (await dialog.getByTestId('postback-secret').textContent())!;
    assert.match(secret, /^pbsk_/);
    const url = (await dialog.getByTestId('postback-url').textContent())!;
    const keyId = /key_id=(pbk_[\w-]{16})/.exec(url)![1]!;
    assert.ok(url.startsWith(`${t.url}/postback/conversions?`), url);
    await screenshot(page, 'client-postback-url');

    // the buyer's CRM, with what the page showed
    const params: Record<string, string> = {
      action: 'reverse',
      call_id: String(callId),
      key_id: keyId,
      nonce: randomUUID(),
      reason: 'no sale',
      ts: String(Math.floor(t.clock.now().getTime() / 1000)),
    };
    const canonical = Object.keys(params)
      .sort()
      .map((k) => `${k}=${encodeURIComponent(params[k]!)}`)
      .join('&');
    const sig = createHmac('sha256', secret).update(canonical).digest('hex');
    const res = await fetch(`${t.url}/postback/conversions?${canonical}&sig=${sig}`);
    assert.equal(res.status, 200, await res.clone().text());

    // a new key: the old secret is gone from the page, the latest postback is listed
    await dialog.getByRole('button', { name: 'New key' }).click();
    await dialog.getByTestId('postback-secret').filter({ hasNotText: secret }).waitFor();
    await dialog.getByRole('cell', { name: `#${callId}` }).waitFor();
    await dialog.getByRole('button', { name: 'Close' }).first().click();

    await page.goto(`${t.url}/calls/${callId}`);
    await page.getByRole('heading', { name: 'Buyer postbacks' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'no sale' });
    await row.getByText('applied').waitFor();
    await row.getByText('Not converted').waitFor();
    await screenshot(page, 'call-detail-postbacks');
    await ctx.close();
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startWorker } from '../../src/ops/worker.js';
import { verifyWebhookSignature } from '../../src/webhooks/signature.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { browserSkip, launch, checkedScreenshot as screenshot, signIn } from '../helpers/browser.js';
import { startReceiver } from '../helpers/webhook-receiver.js';

const skip = browserSkip();
if (skip) console.log(`# ${skip}`);

describe('webhooks in the dashboard, in Chromium', { skip, timeout: 180_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  let worker: ReturnType<typeof startWorker>;
  const contexts: BrowserContext[] = [];
  const newPage = async (width = 1280, height = 860): Promise<Page> => {
    const ctx = await browser.newContext({ viewport: { width, height }, timezoneId: 'UTC' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  };

  before(async () => {
    t = await startTestApp('postgres');
    rx = await startReceiver();
    browser = await launch();
    // the receiver is on loopback, which sellers' webhooks may reach only when an admin allows it
    const admin = await t.userClient('admin');
    assert.equal(
      (await admin.put('/api/settings/webhooks.sellers_private_addresses', { value: true })).status,
      200,
    );
    // the worker role's delivery job, as `capconduit start` runs it
    const quiet = { info() {}, error() {} };
    worker = startWorker([{ name: 'wh', everyMs: 100, run: () => t.services.webhookDelivery.runOnce() }], {
      log: quiet,
    });
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await worker?.stop();
    await rx?.close();
    await t?.close();
  });

  test('a seller subscribes a local receiver, copies the secret, sends a test event and sees it delivered', async () => {
    const seller = await t.userClient('seller', 'Sally Seller');
    const page = await newPage();
    await signIn(page, t.url, seller.user.email, seller.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await page.getByText('No subscription yet').waitFor();

    await page.getByRole('button', { name: 'Add subscription' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add subscription' });
    await dialog.getByLabel('URL').fill('ftp://nowhere.example/');
    await dialog.getByLabel('call.converted').check();
    await dialog.getByRole('button', { name: 'Create subscription' }).click();
    // the browser's own URL check lets ftp:// through: the API's reason shows at the field
    await dialog.getByText('url must start with http:// or https://').first().waitFor();
    await dialog.getByLabel('URL').fill(rx.url('/from-browser'));
    await dialog.getByLabel('Description').fill('My CRM');
    await dialog.getByRole('button', { name: 'Create subscription' }).click();

    const shown = page.getByRole('dialog', { name: 'Signing secret' });
    const secret = (await shown.getByTestId('webhook-secret').textContent()) ?? '';
    assert.match(secret, /^whsec_/);
    await screenshot(page, 'webhook-secret');
    await shown.getByRole('button', { name: 'Done' }).click();

    const row = page.getByRole('row').filter({ hasText: 'My CRM' });
    assert.match(
      (await row.textContent()) ?? '',
      /call\.ended.*call\.converted|call\.converted.*call\.ended/,
    );
    await row.getByRole('button', { name: /Send test event/ }).click();
    await page.getByText(/A test event is on its way/).waitFor();

    const log = page.getByRole('table', { name: 'Webhook deliveries' });
    await log.getByRole('row').filter({ hasText: 'webhook.test' }).filter({ hasText: 'delivered' }).waitFor();
    const got = rx.received.filter((r) => r.path === '/from-browser');
    assert.equal(got.length, 1);
    assert.equal(got[0]!.json.type, 'webhook.test');
    const signature = got[0]!.headers['x-capconduit-signature'] as string;
    assert.equal(verifyWebhookSignature(secret, signature, got[0]!.body, { now: t.clock.now() }), true);
    assert.match((await log.getByRole('row').nth(1).textContent()) ?? '', /HTTP 200/);
    await screenshot(page, 'webhooks');

    // a failed delivery is sent again from the log
    rx.answer(500);
    await row.getByRole('button', { name: /Send test event/ }).click();
    const failing = log.getByRole('row').filter({ hasText: 'HTTP 500' });
    await failing.waitFor();
    await failing.getByRole('button', { name: /Redeliver/ }).click();
    await log.getByRole('row').filter({ hasText: 'HTTP 500' }).waitFor({ state: 'detached' });
    assert.equal(rx.received.filter((r) => r.path === '/from-browser').length, 3);
    // its details: the event id receivers dedupe on, the body sent, both attempts
    await log
      .getByRole('row')
      .nth(1)
      .getByRole('button', { name: /Details/ })
      .click();
    const detail = page.getByRole('dialog', { name: 'Delivery of webhook.test' });
    const attempts = detail.getByRole('table', { name: 'Attempts' });
    await attempts.getByRole('row').filter({ hasText: 'HTTP 500' }).waitFor();
    assert.match((await attempts.textContent()) ?? '', /HTTP 200.*HTTP 500.*receiver says 500/s);
    const retried = rx.received.filter((r) => r.path === '/from-browser')[2]!;
    assert.match((await detail.textContent()) ?? '', new RegExp(retried.json.id));
    await screenshot(page, 'webhook-delivery');
    await detail.getByRole('button', { name: 'Close' }).click();

    // at phone width nothing scrolls sideways
    const phone = await newPage(390, 844);
    await signIn(phone, t.url, seller.user.email, seller.password);
    await phone.goto(`${t.url}/webhooks`);
    await phone.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await phone.getByRole('row').filter({ hasText: 'My CRM' }).waitFor();
    await phone.getByText('webhook.test').first().waitFor();
    const overflow = await phone.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px at phone width`);
    await screenshot(phone, 'webhooks-phone');
  });

  test('an admin subscribes to every seller’s events and sees whose they are', async () => {
    const admin = await t.userClient('admin', 'Ada Admin');
    const seller = await t.userClient('seller', 'Sam Seller');
    const page = await newPage();
    await signIn(page, t.url, admin.user.email, admin.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('button', { name: 'Add subscription' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add subscription' });
    await dialog.getByLabel('Whose events').waitFor();
    await screenshot(page, 'webhook-form');
    await dialog.getByLabel('URL').fill(rx.url('/platform'));
    await dialog.getByLabel('Description').fill('Platform monitor');
    await dialog.getByLabel('caller_id.cooled_down').check();
    await dialog.getByRole('button', { name: 'Create subscription' }).click();
    await page.getByRole('dialog', { name: 'Signing secret' }).getByRole('button', { name: 'Done' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Platform monitor' });
    assert.match((await row.textContent()) ?? '', /All sellers/);

    await page.getByRole('button', { name: 'Add subscription' }).click();
    await dialog.getByLabel('Whose events').selectOption({ label: `Sam Seller (${seller.user.email})` });
    await dialog.getByLabel('URL').fill(rx.url('/for-sam'));
    await dialog.getByLabel('Description').fill('For Sam');
    await dialog.getByRole('button', { name: 'Create subscription' }).click();
    await page.getByRole('dialog', { name: 'Signing secret' }).getByRole('button', { name: 'Done' }).click();
    const sams = page.getByRole('row').filter({ hasText: 'For Sam' });
    assert.match((await sams.textContent()) ?? '', /Sam Seller/);
    // the seller sees it as theirs; the platform's subscription is not theirs to see
    const mine = await seller.get('/api/webhooks');
    assert.deepEqual(
      mine.body.items.map((s: { description: string }) => s.description),
      ['For Sam'],
    );
  });
});

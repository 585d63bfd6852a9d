import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { browserSkip, launch, checkedScreenshot as screenshot, signIn } from '../helpers/browser.js';

const skip = browserSkip();
if (skip) console.log(`# ${skip}`);

interface Person {
  email: string;
  password: string;
  id: number;
}

describe('agents in the dashboard, in Chromium', { skip, timeout: 180_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let staff: Person;
  let agent: Person;
  const contexts: BrowserContext[] = [];

  const person = async (role: 'admin' | 'staff' | 'agent', name: string): Promise<Person> => {
    const c = await t.userClient(role, name);
    return { email: c.user.email, password: c.password, id: c.user.id };
  };
  const newPage = async (): Promise<Page> => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 }, timezoneId: 'UTC' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  };
  const secretOf = async (endpoint: string) =>
    (await t.db.query<{ password: string }>('SELECT password FROM ps_auths WHERE id = $1', [endpoint]))
      .rows[0]?.password;

  before(async () => {
    t = await startTestApp('postgres');
    browser = await launch();
    staff = await person('staff', 'Sam Staff');
    agent = await person('agent', 'Alex Agent');
    await person('agent', 'Bea Backup');
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await t?.close();
  });

  test('staff give an agent user an extension, see the secret once, make a new one, and delete another', async () => {
    const page = await newPage();
    await signIn(page, t.url, staff.email, staff.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Agents' }).click();
    await page.getByText('No agents yet').waitFor();

    await page.getByRole('button', { name: 'Add agent' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add agent' });
    // Staff do not manage users: they pick an existing agent user, with no "new user" choice.
    assert.equal(await dialog.getByRole('radio').count(), 0);
    await dialog.getByLabel('Agent user').selectOption({ label: `Alex Agent (${agent.email})` });
    await dialog.getByLabel('Extension').fill('1001');
    await dialog.getByRole('button', { name: 'Create agent' }).click();

    const shown = page.getByRole('dialog', { name: 'Phone settings for Alex Agent' });
    const secret = (await shown.getByTestId('sip-secret').textContent()) ?? '';
    assert.equal(secret, await secretOf('agent-1001'));
    assert.match((await shown.textContent()) ?? '', /agent-1001/);
    await screenshot(page, 'agent-secret');
    await shown.getByRole('button', { name: 'Done' }).click();
    assert.doesNotMatch((await page.locator('main').textContent()) ?? '', new RegExp(secret));

    const row = page.getByRole('row').filter({ hasText: 'Alex Agent' });
    await row.getByText('1001').waitFor();
    assert.match((await row.textContent()) ?? '', /offline/);
    // The phone registers: the page shows it without a reload.
    await t.services.agentStatus.setRegistration('agent-1001', 'registered', {
      userAgent: 'Zoiper 5',
      address: '192.0.2.33:5060',
    });
    await row.getByText('Zoiper 5').waitFor({ timeout: 10_000 });
    await screenshot(page, 'agents');

    await row.getByRole('button', { name: /New secret/ }).click();
    await page.getByRole('button', { name: 'Make a new secret' }).click();
    const again = page.getByRole('dialog', { name: 'Phone settings for Alex Agent' });
    const newSecret = (await again.getByTestId('sip-secret').textContent()) ?? '';
    assert.notEqual(newSecret, secret);
    assert.equal(newSecret, await secretOf('agent-1001'));
    await again.getByRole('button', { name: 'Done' }).click();

    await page.getByRole('button', { name: 'Add agent' }).click();
    await dialog.getByLabel('Agent user').selectOption({ index: 1 });
    await dialog.getByLabel('Extension').fill('1002');
    await dialog.getByRole('button', { name: 'Create agent' }).click();
    await page
      .getByRole('dialog', { name: 'Phone settings for Bea Backup' })
      .getByRole('button', { name: 'Done' })
      .click();
    await page
      .getByRole('row')
      .filter({ hasText: 'Bea Backup' })
      .getByRole('button', { name: /Delete/ })
      .click();
    await page
      .getByRole('dialog', { name: 'Delete agent' })
      .getByRole('button', { name: 'Delete agent' })
      .click();
    await page.getByRole('row').filter({ hasText: 'Bea Backup' }).waitFor({ state: 'detached' });
    assert.equal(await secretOf('agent-1002'), undefined);
  });

  test('an agent signs in to My phone, sees the registration and sets their status', async () => {
    const page = await newPage();
    await signIn(page, t.url, agent.email, agent.password, 'My phone');
    const menu = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
    assert.deepEqual(menu, ['My phone', 'Dialer']);
    const main = page.locator('main');
    await main.getByText('Zoiper 5').waitFor();
    assert.match((await main.textContent()) ?? '', /1001/);

    await page.getByRole('button', { name: 'Available', exact: true }).click();
    await main.locator('.badge', { hasText: 'available' }).waitFor();
    await page.getByLabel('Pause reason').fill('Lunch');
    await page.getByRole('button', { name: 'Pause' }).click();
    await main.locator('.badge', { hasText: 'paused' }).waitFor();
    const saved = await t.services.agents.mine({ id: agent.id, role: 'agent', email: agent.email, name: '' });
    assert.deepEqual([saved.status, saved.pause_reason], ['paused', 'Lunch']);

    // A call the agent dials rings their phone: the page follows the server by itself.
    await t.services.agentStatus.applyEvent('agent-1001', { type: 'call_offered', call: 'ch-b1' });
    await main.locator('.badge', { hasText: 'ringing' }).waitFor({ timeout: 10_000 });
    assert.equal(await page.getByRole('button', { name: 'Go offline' }).isDisabled(), true);
    await screenshot(page, 'my-phone');

    // Pages for other roles stay closed.
    await page.goto(`${t.url}/agents`);
    await page.getByRole('heading', { name: 'Not available to your account' }).waitFor();
  });
});

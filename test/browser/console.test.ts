import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserSkip, launch, checkedScreenshot as screenshot, signIn } from '../helpers/browser.js';
import { startRig, waitFor, type Rig } from '../helpers/callcontrol.js';
import { startFakeAri, type FakeAri } from '../helpers/fake-ari/index.js';

const skip = browserSkip();
if (skip) console.log(`# ${skip}`);

/** A signed-in client of the rig, with what its person types into the login form. */
const credentials = (c: unknown) => {
  const p = c as { user: { email: string }; password: string };
  return { email: p.user.email, password: p.password };
};

describe('call control in the dashboard (fake ARI), in Chromium', { skip, timeout: 240_000 }, () => {
  let rig: Rig;
  let browser: Browser;
  let spare: FakeAri;
  let recordedCall = 0;
  const contexts: BrowserContext[] = [];

  const newPage = async (width = 1280, height = 900): Promise<Page> => {
    const ctx = await browser.newContext({ viewport: { width, height }, timezoneId: 'UTC' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  };
  const openCall = async (userId: number) =>
    waitFor('a call in progress', async () => {
      const res = await rig.admin.get('/api/agent-calls?open=true');
      return res.body.items.find((c: any) => c.agent_id === userId)?.id as number | undefined;
    });

  before(async () => {
    rig = await startRig('postgres');
    browser = await launch();
    // Another Asterisk, with credentials of its own, for the servers page.
    spare = await startFakeAri({ username: 'cc-spare', password: 'Zq7-spare-ari-pass' });
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await spare?.stop();
    await rig?.close();
  });

  test('an agent calls a number from the console: the number checked, rung through ARI to connected, held, recorded, hung up', async () => {
    const page = await newPage();
    const me = credentials(rig.agent.client);
    await signIn(page, rig.t.url, me.email, me.password, 'My phone');
    const main = page.locator('main');
    await main.getByText('Live', { exact: true }).waitFor();
    const call = page.getByRole('region', { name: 'Make a call' });

    // Checked in the page as the server would: nothing is sent for a number that cannot be one.
    const number = call.getByLabel('Number to call');
    await number.fill('212 555');
    await call.getByRole('button', { name: 'Call', exact: true }).click();
    await call.getByText('is not a valid number for US').waitFor();
    assert.equal(rig.originates(), 0);

    // The server's refusal is shown in its own words (the phone is not registered).
    await rig.t.services.agentStatus.setRegistration(rig.agent.endpoint, 'unregistered', { pbx: 'pbx1' });
    await number.fill('');
    const pad = call.getByRole('group', { name: 'Dial pad' });
    for (const key of '2125550151') await pad.getByRole('button', { name: key, exact: true }).click();
    assert.equal(await number.inputValue(), '2125550151');
    await call.getByRole('button', { name: 'Call', exact: true }).click();
    await call.getByRole('alert').getByText('the phone of agent 1001 is not registered').waitFor();
    await rig.t.services.agentStatus.setRegistration(rig.agent.endpoint, 'registered', { pbx: 'pbx1' });
    await page.getByRole('button', { name: 'Available', exact: true }).click();
    await main
      .locator('.badge', { hasText: /^available$/ })
      .first()
      .waitFor();

    await call.getByRole('button', { name: 'Call', exact: true }).click();
    const current = page.getByRole('region', { name: 'Current call' });
    await current.getByText('+12125550151').waitFor();
    await current.locator('.badge', { hasText: 'agent ringing' }).waitFor();
    const id = await openCall(rig.agent.userId);

    // The agent's phone answers, then the customer's: the page follows by itself.
    rig.fake.answer((await rig.legChannel(id, 'agent')).id);
    await current.locator('.badge', { hasText: 'customer dialing' }).waitFor();
    rig.fake.answer((await rig.legChannel(id, 'customer')).id);
    await current.locator('.badge', { hasText: 'connected' }).waitFor();
    await rig.until(id, 'connected');
    await main.locator('.badge', { hasText: 'on call' }).first().waitFor();

    await current.getByRole('button', { name: 'Hold' }).click();
    await current.locator('.badge', { hasText: 'on hold' }).waitFor();
    assert.equal(await current.getByRole('button', { name: 'Resume' }).getAttribute('aria-pressed'), 'true');
    assert.ok((await rig.call(id)).legs.find((l: any) => l.role === 'customer').held);
    await current.getByRole('button', { name: 'Resume' }).click();
    await current.locator('.badge', { hasText: 'connected' }).waitFor();

    await current.getByRole('button', { name: 'Record' }).click();
    await current.getByText('● recording').waitFor();
    await current.getByRole('button', { name: 'Keypad' }).click();
    await current
      .getByRole('group', { name: /Keypad/ })
      .getByRole('button', { name: '5' })
      .click();
    await current.getByText('Sent: 5').waitFor();
    const timer = current.getByRole('timer');
    assert.match((await timer.textContent()) ?? '', /^\d+:\d\d$/);
    await screenshot(page, 'agent-console');

    rig.t.clock.advance(4000);
    await current.getByRole('button', { name: 'Stop recording' }).click();
    await current.getByRole('button', { name: 'Record' }).waitFor();
    await current.getByRole('button', { name: 'Hang up' }).click();
    await page.getByRole('region', { name: 'Make a call' }).getByText('ended: agent hung up').waitFor();
    const ended = await rig.until(id, 'ended');
    assert.equal(ended.hangup_by, 'agent');
    await main.locator('.badge', { hasText: 'wrap up' }).first().waitFor();

    // Recent calls, with the recording to download.
    const recent = page.getByRole('region', { name: 'Recent calls' });
    const row = recent.getByRole('row').filter({ hasText: '+12125550151' });
    const link = row.getByRole('link', { name: /Download/ });
    await link.waitFor();
    const href = (await link.getAttribute('href')) ?? '';
    const file = await page.evaluate(async (url) => {
      const r = await fetch(url);
      return {
        status: r.status,
        type: r.headers.get('content-type'),
        size: (await r.arrayBuffer()).byteLength,
      };
    }, href);
    assert.deepEqual([file.status, file.type], [200, 'audio/wav']);
    assert.ok(file.size > 44);
    recordedCall = id;
    await screenshot(page, 'agent-console-ended');
    await rig.agent.client.put('/api/me/agent/status', { status: 'available' });

    // At phone width the console fits the screen.
    const phone = await newPage(390, 844);
    await signIn(phone, rig.t.url, me.email, me.password, 'My phone');
    await phone.getByRole('group', { name: 'Dial pad' }).waitFor();
    await phone
      .getByRole('region', { name: 'Recent calls' })
      .getByRole('link', { name: /Download/ })
      .waitFor();
    const overflow = await phone.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    assert.ok(overflow <= 1, `the console scrolls sideways by ${overflow}px at phone width`);
  });

  test('an agent consults another agent from the console, then completes the transfer', async () => {
    const page = await newPage();
    const me = credentials(rig.agent.client);
    await signIn(page, rig.t.url, me.email, me.password, 'My phone');
    const call = page.getByRole('region', { name: 'Make a call' });
    await call.getByLabel('Number to call').fill('+1 310 555 0142');
    await call.getByRole('button', { name: 'Call', exact: true }).click();
    const current = page.getByRole('region', { name: 'Current call' });
    await current.getByText('+13105550142').waitFor();
    const id = await openCall(rig.agent.userId);
    rig.fake.answer((await rig.legChannel(id, 'agent')).id);
    rig.fake.answer((await rig.legChannel(id, 'customer')).id);
    await current.locator('.badge', { hasText: 'connected' }).waitFor();

    await current.getByLabel('Transfer to').fill('1002');
    await current.getByRole('button', { name: 'Consult first' }).click();
    await current.locator('.badge', { hasText: 'consulting' }).waitFor();
    await current.getByText('agent-1002').waitFor();
    const complete = current.getByRole('button', { name: 'Complete transfer' });
    assert.equal(await complete.isDisabled(), true, 'nothing to hand over before the target answers');
    rig.fake.answer((await rig.legChannel(id, 'consult')).id);
    await current.getByText('answered, you are talking to them').waitFor();
    await complete.click();

    // The customer is with agent 1002; agent 1001 is free for the next call.
    await page.getByRole('region', { name: 'Make a call' }).getByText('was transferred').waitFor();
    const after = await rig.until(id, 'connected', (c) =>
      c.legs.some((l: any) => l.role === 'transfer' && l.state === 'up'),
    );
    assert.ok(after.legs.some((l: any) => l.role === 'agent' && l.state === 'gone'));
    await waitFor('agent 1002 on the call', async () => {
      const a = await rig.other.client.get('/api/me/agent');
      return a.body.status === 'on_call';
    });
    await rig.admin.post(`/api/agent-calls/${id}/hangup`);
    await rig.until(id, 'ended');
    for (const a of [rig.agent, rig.other])
      await a.client.put('/api/me/agent/status', { status: 'available' });
  });

  test('the live wall shows every agent and their call as it happens; staff hang up, and call for an agent', async () => {
    const page = await newPage();
    const staff = credentials(rig.staff);
    await signIn(page, rig.t.url, staff.email, staff.password);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Live wall' }).click();
    await page.getByRole('heading', { name: 'Live wall', level: 1 }).waitFor();
    const row1 = page.getByRole('row').filter({ hasText: 'Agent 1001' });
    const row2 = page.getByRole('row').filter({ hasText: 'Agent 1002' });
    await row1.locator('.badge', { hasText: /^available$/ }).waitFor();

    // The agent calls from their own console (here through the API): the wall shows it by itself.
    const res = await rig.agent.client.post('/api/agent-calls', { number: '+13105550177' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const id: number = res.body.id;
    await row1.getByText('+13105550177').waitFor();
    await row1.locator('.badge', { hasText: 'agent ringing' }).waitFor();
    rig.fake.answer((await rig.legChannel(id, 'agent')).id);
    rig.fake.answer((await rig.legChannel(id, 'customer')).id);
    await row1.locator('.badge', { hasText: 'connected' }).waitFor();
    await row1.locator('.badge', { hasText: 'on call' }).waitFor();

    // Staff start a call for the other agent.
    await row2.getByRole('button', { name: /Call for/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Call for Agent 1002' });
    await dialog.getByLabel('Number to call').fill('(212) 555-0199');
    await dialog.getByRole('button', { name: 'Call for Agent 1002' }).click();
    await row2.getByText('+12125550199').waitFor();
    const other = await openCall(rig.other.userId);
    assert.equal((await rig.call(other)).state, 'agent_ringing');
    await row2.locator('.badge', { hasText: 'ringing' }).first().waitFor();
    await screenshot(page, 'live-wall');

    // Staff hang up the first agent's call.
    await row1.getByRole('button', { name: /Hang up/ }).click();
    await page
      .getByRole('dialog', { name: 'Hang up' })
      .getByRole('button', { name: 'Hang up the call' })
      .click();
    const ended = await rig.until(id, 'ended');
    assert.equal(ended.end_cause, 'hung_up_by_staff');
    await row1.locator('.badge', { hasText: 'wrap up' }).waitFor();
    await row1.getByText('+13105550177').waitFor({ state: 'detached' });

    await rig.admin.post(`/api/agent-calls/${other}/hangup`);
    await row2.getByText('+12125550199').waitFor({ state: 'detached' });
    for (const a of [rig.agent, rig.other])
      await a.client.put('/api/me/agent/status', { status: 'available' });
  });

  test('a call’s page lists its recordings with their duration and a download link', async () => {
    assert.ok(recordedCall, 'the console test recorded a call');
    const page = await newPage();
    const admin = credentials(rig.admin);
    await signIn(page, rig.t.url, admin.email, admin.password);
    await page.goto(`${rig.t.url}/calls/${recordedCall}`);
    const section = page.getByRole('region', { name: 'Recordings' });
    const row = section.getByRole('row').filter({ hasText: `cc-${recordedCall}-` });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /done/);
    assert.match((await row.textContent()) ?? '', /\ds/);
    const href = (await row.getByRole('link', { name: /Download/ }).getAttribute('href')) ?? '';
    const status = await page.evaluate(async (url) => (await fetch(url)).status, href);
    assert.equal(status, 200);
    await screenshot(page, 'call-detail-recordings');
  });

  test('an admin adds an Asterisk server, tests the connection, and never sees its password', async () => {
    const page = await newPage();
    const admin = credentials(rig.admin);
    await signIn(page, rig.t.url, admin.email, admin.password);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Asterisk servers' })
      .click();
    await page.getByRole('heading', { name: 'Asterisk servers', level: 1 }).waitFor();
    await page.getByRole('row').filter({ hasText: 'PBX one' }).waitFor();

    await page.getByRole('button', { name: 'Add server' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add Asterisk server' });
    await dialog.getByLabel('Name', { exact: true }).fill('PBX spare');
    await dialog.getByLabel('PBX name').fill('pbx2');
    await dialog.getByLabel('ARI URL').fill(`${spare.url}/ari/`);
    await dialog.getByLabel('ARI user').fill('cc-spare');
    await dialog.getByLabel('ARI password').fill('wrong-password');
    await dialog.getByLabel('Stasis application').fill('spare');
    // Not enabled: the connector leaves it alone; the test is only "Test connection".
    await dialog.getByLabel(/Enabled/).uncheck();
    await dialog.getByRole('button', { name: 'Add server' }).click();
    const row = page.getByRole('row').filter({ hasText: 'PBX spare' });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', new RegExp(spare.url.replace(/\./g, '\\.')));

    await row.getByRole('button', { name: /Test connection/ }).click();
    await page.getByRole('status').filter({ hasText: 'PBX spare did not answer' }).waitFor();
    await row.locator('.badge', { hasText: 'error' }).waitFor();

    // The right password, given on edit; the edit form starts with the password field empty.
    await row.getByRole('button', { name: /Edit/ }).click();
    const edit = page.getByRole('dialog', { name: 'Edit PBX spare' });
    assert.equal(await edit.getByLabel('ARI password').inputValue(), '');
    await edit.getByLabel('ARI password').fill('Zq7-spare-ari-pass');
    await edit.getByRole('button', { name: 'Save server' }).click();
    await edit.waitFor({ state: 'detached' });
    await row.getByRole('button', { name: /Test connection/ }).click();
    await page.getByRole('status').filter({ hasText: 'Connected to PBX spare' }).waitFor();
    await row.locator('.badge', { hasText: /^ok$/ }).waitFor();

    // Editing without a password keeps the stored one.
    await row.getByRole('button', { name: /Edit/ }).click();
    await edit.getByLabel('Name', { exact: true }).fill('PBX spare two');
    await edit.getByRole('button', { name: 'Save server' }).click();
    const renamed = page.getByRole('row').filter({ hasText: 'PBX spare two' });
    await renamed.getByRole('button', { name: /Test connection/ }).click();
    await page.getByRole('status').filter({ hasText: 'Connected to PBX spare two' }).waitFor();
    await screenshot(page, 'asterisk-servers');

    // The password is nowhere in the page, nor in anything the API sent it.
    const html = await page.content();
    assert.doesNotMatch(html, /Zq7-spare-ari-pass/);
    const listed = await page.evaluate(async () => (await fetch('/api/asterisk-servers')).text());
    assert.doesNotMatch(listed, /Zq7-spare-ari-pass|wrong-password/);

    // A server with a call in progress cannot be deleted: the API says why.
    const res = await rig.agent.client.post('/api/agent-calls', { number: '+12125550151' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    await page
      .getByRole('row')
      .filter({ hasText: 'PBX one' })
      .getByRole('button', { name: /Delete/ })
      .click();
    const confirm = page.getByRole('dialog', { name: 'Delete Asterisk server' });
    await confirm.getByRole('button', { name: 'Delete server' }).click();
    await confirm.getByRole('alert').getByText('call(s) in progress on this server').waitFor();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await rig.agent.client.post(`/api/agent-calls/${res.body.id}/hangup`);

    await renamed.getByRole('button', { name: /Delete/ }).click();
    await confirm.getByRole('button', { name: 'Delete server' }).click();
    await renamed.waitFor({ state: 'detached' });
  });
});

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Debian's Chromium (`apt-get install chromium`), never a downloaded browser. Locally the
 * browser tests are skipped, saying so, when it is missing; under CI they must run.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function browserSkip(): string | false {
  if (existsSync(CHROMIUM)) return false;
  if (process.env.CI)
    throw new Error(`CI must run the browser tests but ${CHROMIUM} is missing (apt-get install chromium)`);
  return `no Chromium at ${CHROMIUM}: browser tests SKIPPED (apt-get install chromium, or set CHROMIUM_PATH)`;
}

/**
 * Chromium for a test file. Every page it opens is watched for Content-Security-Policy
 * violations (the server's policy, src/http/app.ts): closing the browser fails the file if the
 * dashboard did anything its policy forbids, which would break it in a user's browser too.
 */
export async function launch(): Promise<Browser> {
  const browser = await launchChromium();
  const violations: string[] = [];
  const newPage = browser.newPage.bind(browser);
  browser.newPage = async (options) => {
    const page = await newPage(options);
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text()))
        violations.push(`${page.url()}: ${m.text()}`);
    });
    return page;
  };
  const close = browser.close.bind(browser);
  browser.close = async (options) => {
    await close(options);
    if (violations.length > 0)
      throw new Error(`the dashboard broke its Content-Security-Policy:\n${violations.join('\n')}`);
  };
  return browser;
}

function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // This machine's network is closed: Chromium's own background traffic only slows it down.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
      '--disable-extensions',
    ],
  });
}

/**
 * Screenshots land in docs/screenshots/ when UPDATE_SCREENSHOTS=1 (`npm run screenshots`),
 * otherwise in a temporary folder, so a test run never rewrites tracked files.
 */
const SHOTS = process.env.UPDATE_SCREENSHOTS
  ? new URL('../../docs/screenshots/', import.meta.url).pathname
  : join(tmpdir(), 'capconduit-screenshots');
mkdirSync(SHOTS, { recursive: true });

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });
}

/** Signs in through the login form, as a person would, and waits for the page the role lands on. */
export async function signIn(
  page: Page,
  baseUrl: string,
  email: string,
  password: string,
  landing = 'Overview',
): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: landing, level: 1 }).waitFor();
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * WCAG 2 A/AA problems axe-core finds on the page as it is now (labels, contrast, roles, names),
 * serious and critical ones, as "rule: target" lines; empty when there are none.
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  // Evaluated through the debugger protocol, which the page's Content-Security-Policy does not
  // govern (an inline <script> tag would be refused, as it must be for anything else).
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(`${AXE}\n;void 0`);
  const result = await page.evaluate<{ id: string; impact: string | null; nodes: { target: string[] }[] }[]>(`
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } })
      .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => ({ target: n.target })) })))
  `);
  return result
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}

/** Saves the view (`screenshot`) and checks it for WCAG 2 A/AA problems (axe-core): none allowed. */
export async function checkedScreenshot(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  assert.deepEqual(await accessibilityProblems(page), [], `accessibility problems on ${name}`);
}

/**
 * Elements in the page's main area whose content is wider than their box, scrolled or not: at phone
 * width every view must fit, so this is what a narrow screen cuts off, spills or hides sideways.
 * `scrollingTables`: a table inside its scrolling wrapper (`.table-wrap`) may be wider.
 */
export async function spills(page: Page, opts: { scrollingTables?: boolean } = {}): Promise<string[]> {
  const tables = opts.scrollingTables ? " || el.closest('.table-wrap')" : '';
  return page.evaluate<string[]>(`[...document.querySelectorAll('main *')]
    .filter((el) => {
      const cs = getComputedStyle(el);
      if (cs.display === 'inline' || el.closest('.sr-only')${tables}) return false; // sr-only: clipped on purpose
      return el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0;
    })
    .map((el) => el.tagName.toLowerCase() + '.' + [...el.classList].join('.') + ': ' + (el.textContent || '').trim().slice(0, 40))`);
}

/**
 * The HTML report in a real browser: Debian's Chromium, headless, driven by playwright-core.
 * Checks the page has no console errors, makes no request but itself, shows the card's sections
 * and the chart, and saves a screenshot under test-output/ for people to look at.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { abortedResult, passedResult } from '../fixtures/results';
import { reportOf } from '../render/report-fixtures';

const CHROMIUM =
  process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/lib/chromium/chromium'].find((p) => existsSync(p));
const OUTPUT = join(__dirname, '..', '..', 'test-output', 'report');
const SECTIONS = [
  'application',
  'experiment',
  'hypothesis',
  'scope',
  'duration',
  'abort-conditions',
  'results',
  'conclusions',
  'timings',
  'timeline',
  'chart',
];

let userDataDir: string;
let context: BrowserContext;

beforeAll(async () => {
  if (!CHROMIUM)
    throw new Error(
      'Chromium not found: run scripts/test-prerequisites.sh (npm test runs it) or set CHROMIUM_PATH',
    );
  userDataDir = mkdtempSync(join(tmpdir(), 'chaos-cadence-chromium-'));
  mkdirSync(OUTPUT, { recursive: true });
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
  });
});

afterAll(async () => {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

/** Opens a report file and records console errors and every request. */
async function open(name: string, html: string) {
  const file = join(OUTPUT, `${name}.html`);
  writeFileSync(file, html);
  const url = pathToFileURL(file).href;
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(url, { waitUntil: 'load' });
  return { page, url, consoleErrors, requests };
}

describe.each([
  ['passed', passedResult],
  ['aborted', abortedResult],
])('the %s report in headless Chromium', (name, result) => {
  it('loads without console errors and requests nothing but itself', async () => {
    const { page, url, consoleErrors, requests } = await open(name, reportOf(result));

    await page.close();
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([url]);
  });

  it('shows every section of the experiment card, the outcome and the chart, and saves a screenshot', async () => {
    const { page } = await open(name, reportOf(result));

    for (const section of SECTIONS) {
      expect(await page.locator(`[data-section="${section}"]`).first().isVisible()).toBe(true);
    }
    const badge = page.locator('article.card .badge').first();
    expect(await badge.textContent()).toBe(result.outcome.toUpperCase());
    const chart = page.locator('svg.chart').first();
    expect(await chart.isVisible()).toBe(true);
    const box = await chart.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(400);
    expect(await page.locator('svg.chart polyline.series').count()).toBeGreaterThanOrEqual(2);
    const screenshot = join(OUTPUT, `${name}.png`);
    await page.screenshot({ path: screenshot, fullPage: true });
    await page.close();
    expect(existsSync(screenshot)).toBe(true);
  });
});

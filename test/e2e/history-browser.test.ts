/**
 * The history page (`chaos-cadence history --html`) in a real browser: Debian's Chromium, headless,
 * driven by playwright-core. Checks the page has no console errors, makes no request but itself,
 * shows the score over months per application, the recovery and time-to-detect trends and the runs
 * with links to their reports, and saves a screenshot under test-output/ for people to look at.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { renderHistoryHtml } from '../../lib/history/page';
import { yearOfJournals } from '../fixtures/history';

const CHROMIUM =
  process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/lib/chromium/chromium'].find((p) => existsSync(p));
const OUTPUT = join(__dirname, '..', '..', 'test-output', 'history');

let userDataDir: string;
let context: BrowserContext;
let page: Page;
let url: string;
const consoleErrors: string[] = [];
const requests: string[] = [];

beforeAll(async () => {
  if (!CHROMIUM)
    throw new Error(
      'Chromium not found: run scripts/test-prerequisites.sh (npm test runs it) or set CHROMIUM_PATH',
    );
  userDataDir = mkdtempSync(join(tmpdir(), 'chaos-cadence-chromium-'));
  mkdirSync(OUTPUT, { recursive: true });
  const html = renderHistoryHtml(yearOfJournals(), {
    source: 's3://results-bucket/runs/',
    now: new Date('2026-12-15T12:00:00Z'),
    cadencePeriods: { 'web-cpu-80': 35 * 86400, 'cart-cpu-90': 35 * 86400, 'api-cpu-70': 35 * 86400 },
    reportHref: (j) => `reports/${j.runId}.html`,
  });
  const file = join(OUTPUT, 'history.html');
  writeFileSync(file, html);
  url = pathToFileURL(file).href;
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
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(url, { waitUntil: 'load' });
});

afterAll(async () => {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

describe('the history page in headless Chromium', () => {
  it('loads without console errors and requests nothing but itself', () => {
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([url]);
  });

  it('charts the score over the months for each application, its mean and each experiment drawn', async () => {
    const applications = page.locator('[data-section="application"]');

    expect(await applications.count()).toBe(2);
    const shop = page.locator('[data-application="sock-shop"]');
    const chart = shop.locator('svg.chart').first();
    expect(await chart.isVisible()).toBe(true);
    expect((await chart.boundingBox())?.width ?? 0).toBeGreaterThan(600);
    const lines = await chart.locator('polyline.series').all();
    expect(await Promise.all(lines.map((line) => line.getAttribute('data-label')))).toEqual([
      'sock-shop (mean)',
      'cart-cpu-90',
      'web-cpu-80',
    ]);
  });

  it('shows recovery time and time-to-detect trends per experiment', async () => {
    const times = page.locator('[data-application="sock-shop"] svg.chart[id^="times-"]');

    expect(await times.count()).toBe(2);
    expect(await times.first().locator('polyline.series').count()).toBeGreaterThanOrEqual(1);
  });

  it('lists the runs newest first, each linked to its report, without the dry run', async () => {
    const rows = page.locator('[data-section="runs"] tbody tr');

    expect(await rows.count()).toBe(30);
    expect(await rows.first().locator('a').getAttribute('href')).toMatch(
      /^reports\/sched-2026-12-0\d-(web|cart)-cpu-(80|90)\.html$/,
    );
    expect(await page.locator('[data-section="runs"]').textContent()).not.toContain('manual-dry-run');
  });

  it('marks the experiment that stopped running as stale in the score table, and saves a screenshot', async () => {
    const api = page.locator('[data-section="scores"] tr[data-experiment="api-cpu-70"]');

    expect(await api.textContent()).toContain('stale since 2026-06-02');
    const screenshot = join(OUTPUT, 'history.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(existsSync(screenshot)).toBe(true);
  });
});

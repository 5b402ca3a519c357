import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { historyModel } from '../../lib/history/page';
import { yearOfJournals } from '../fixtures/history';
import { runCli } from './helpers';

/** A rehearsal-style folder: `<run id>/journal.json` and `report.html`, plus a non-journal JSON file. */
function rehearsalFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cc-history-'));
  for (const journal of yearOfJournals()) {
    mkdirSync(join(dir, journal.runId));
    writeFileSync(join(dir, journal.runId, 'journal.json'), JSON.stringify(journal));
    writeFileSync(join(dir, journal.runId, 'report.html'), '<!doctype html>');
    writeFileSync(join(dir, journal.runId, 'calls.json'), '[]');
  }
  return dir;
}

describe('chaos-cadence history --from DIR', () => {
  it('prints the runs of the folder, newest first, without asking AWS', async () => {
    const dir = rehearsalFolder();

    const result = await runCli(['history', '--from', dir, '--limit', '2']);

    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('manual-dry-run (dry run)');
    expect(lines[2]).toMatch(/^2026-12-03 09:00Z +sched-2026-12-03-(web|cart)-cpu-\d\d /);
  });

  it('writes the history page with --html, each run linked to the report beside its journal', async () => {
    const dir = rehearsalFolder();
    const page = join(dir, 'history.html');

    const result = await runCli(['history', '--from', dir, '--html', page]);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Wrote ${page}: 30 experiment runs of 3 experiments from ${dir}.\n`);
    const html = readFileSync(page, 'utf8');
    expect(html).toContain(
      '<a href="sched-2026-12-03-web-cpu-80/report.html">sched-2026-12-03-web-cpu-80</a>',
    );
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/<(script|link|img)\b/);
  });

  it('fails with exit 2 naming the folder when it does not exist', async () => {
    const result = await runCli(['history', '--from', '/nonexistent/chaos-cadence', '--html', 'x.html']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--from /nonexistent/chaos-cadence: no such folder');
    expect(existsSync('x.html')).toBe(false);
  });
});

describe('historyModel', () => {
  const model = historyModel(yearOfJournals(), {
    source: 'test',
    now: new Date('2026-12-15T12:00:00Z'),
    cadencePeriods: { 'api-cpu-70': 35 * 86400 },
  });

  it('has one point per month from the first run to now', () => {
    expect(model.months[0]).toBe('2026-01');
    expect(model.months[model.months.length - 1]).toBe('2026-12');
    expect(model.months).toHaveLength(12);
  });

  it("scores each application as the mean of its experiments' scores", () => {
    const shop = model.applications.find((a) => a.application === 'sock-shop');
    const scores = shop?.experiments.map((e) => e.score.score) ?? [];

    expect(shop?.score).toBe(Math.round(scores.reduce((a, b) => a + b, 0) / scores.length));
    expect(shop?.series.map((s) => s.label)).toEqual(['sock-shop (mean)', 'cart-cpu-90', 'web-cpu-80']);
  });

  it('lets the score of an experiment that stopped running decay as it goes stale', () => {
    const api = model.applications.find((a) => a.application === 'payments')?.series[1]?.values ?? [];

    expect(api[5]).toBe(95); // June: 100, x 0.9 for May's failed run, then a pass: 0.5 x 100 + 0.5 x 90
    expect(api[11]).toBeLessThan(api[7] ?? 0);
  });
});

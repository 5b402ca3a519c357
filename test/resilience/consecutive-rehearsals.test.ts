/**
 * Six consecutive rehearsals of one experiment on successive cadence dates, each scenario different,
 * written to one --out folder: each rehearsal reads the journals the earlier ones left there (through
 * the real PublishResults core and the simulated S3), so the sixth email shows the trend and the
 * score change. The sixth email is a golden file.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nextRuns } from '../../lib/cadence/next-runs';
import { expectGolden } from '../render/golden';
import { runCli } from '../cli/helpers';

/** The example's cadence: the first Tuesday of every month, 10:00 Berlin time. */
const DATES = nextRuns('cron(0 10 ? * TUE#1 *)', 'Europe/Berlin', 6, new Date('2026-06-15T00:00:00Z'));
const SCENARIOS = ['no-recovery', 'healthy', 'healthy', 'not-steady-before', 'healthy', 'no-recovery'];

describe('six consecutive rehearsals of web-cpu-80', () => {
  let out: string;
  const emails: string[] = [];

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'cc-six-rehearsals-'));
    for (const [i, scenario] of SCENARIOS.entries()) {
      const at = DATES[i]?.toISOString() ?? '';
      const result = await runCli([
        'rehearse',
        '--scenario',
        `scenarios/${scenario}.yaml`,
        '--at',
        at,
        '--out',
        out,
        '--json',
      ]);
      // 1 and 2 are failures of the command; 0, 3 and 6 are these scenarios' outcomes (passed, deviated, skipped).
      if (result.code === 1 || result.code === 2)
        throw new Error(`rehearsal ${i + 1} failed: ${result.stderr}`);
      const { dir } = JSON.parse(result.stdout) as { dir: string };
      emails.push(readFileSync(join(dir, 'email.txt'), 'utf8'));
    }
  }, 60_000);

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs on the six successive cadence dates, one folder each', () => {
    expect(DATES.map((d) => d.toISOString().slice(0, 10))).toEqual([
      '2026-07-07',
      '2026-08-04',
      '2026-09-01',
      '2026-10-06',
      '2026-11-03',
      '2026-12-01',
    ]);
    expect(readdirSync(out)).toHaveLength(6);
  });

  it('lists the last six outcomes with their dates in the sixth email, this run marked', () => {
    const sixth = emails[5] ?? '';

    expect(sixth).toContain(
      [
        'Resilience trend: web-cpu-80 (last 6 of 6 runs)',
        '-----------------------------------------------',
        '2026-07-07          DEVIATED',
        '2026-08-04          PASSED',
        '2026-09-01          PASSED',
        '2026-10-06          SKIPPED',
        '2026-11-03          PASSED',
        '2026-12-01          DEVIATED  << this run',
      ].join('\n'),
    );
  });

  it('shows the score now and before, and the first deviation since the last one', () => {
    const sixth = emails[5] ?? '';

    // 0 -> 50 -> 75 -> 67.5 (skipped: x0.9) -> 83.75 -> 41.9
    expect(sixth).toContain('Resilience score    42 / 100 (before this run: 84 / 100; -42)');
    expect(sixth).toContain('Changed             first deviation since 2026-07-07');
    expect(sixth).toContain('Application score   sock-shop: 42 / 100 (mean of 1 experiment)');
  });

  it('builds the history run by run: the first email has no earlier run, the second one earlier run', () => {
    expect(emails[0]).toContain('Resilience score    0 / 100 (first run on record)');
    expect(emails[1]).toContain('Resilience score    50 / 100 (before this run: 0 / 100; +50)');
    expect(emails[1]).toContain('Changed             first pass on record (1 earlier run since 2026-07-07)');
  });

  it('writes the sixth email as the golden file says', () => {
    expectGolden('rehearsal-6th-run.email.txt', emails[5] ?? '');
  });

  it('rejects an --at that is not an ISO 8601 date-time with exit 2, naming the option', async () => {
    const result = await runCli(['rehearse', '--at', 'next tuesday', '--out', out]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '--at must be an ISO 8601 date-time such as 2026-12-01T10:00:00Z (got "next tuesday")',
    );
  });
});

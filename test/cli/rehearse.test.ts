import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseExperimentList } from '../../lib/cli/arguments';
import { formatProgress } from '../../lib/cli/commands/rehearse';
import { PACKAGE_ROOT, runCli, testCli } from './helpers';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'cc-rehearse-'));
}

describe('chaos-cadence rehearse', () => {
  it('rehearses the default scenario: exit 0, progress lines, verdict and the five files', async () => {
    const out = tempDir();

    const result = await runCli(['rehearse', '--out', out]);

    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('against scenarios/healthy.yaml');
    expect(result.stdout).toMatch(/^\+ {2}0:00 {2}CheckGuardRails +allowed: web-cpu-80$/m);
    expect(result.stdout).toMatch(/^\+ +\d+:\d\d {2}PollStopConditions +\S/m);
    expect(result.stdout).toMatch(/Verdict \(rehearsal-[^)]+\):\n {2}web-cpu-80 {2}PASSED/);
    const [runDir] = readdirSync(out);
    expect(readdirSync(join(out, runDir!)).sort()).toEqual(
      ['calls.json', 'email.txt', 'journal.json', 'metrics.json', 'report.html'].sort(),
    );
    const journal = JSON.parse(readFileSync(join(out, runDir!, 'journal.json'), 'utf8')) as {
      experiments: { outcome: string }[];
    };
    expect(journal.experiments.map((e) => e.outcome)).toEqual(['passed']);
  });

  it('finds the default scenario in the package, whatever the working directory', async () => {
    const out = tempDir();
    const cli = testCli({ cwd: out });

    const result = await runCli(
      ['rehearse', '--config', join(PACKAGE_ROOT, 'chaos-cadence.config.yaml'), '--out', '.', '--json'],
      cli,
    );

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      scenario: join(PACKAGE_ROOT, 'scenarios', 'healthy.yaml'),
    });
  });

  it('prints a machine-readable summary with --json and no progress lines', async () => {
    const out = tempDir();

    const result = await runCli([
      'rehearse',
      '--out',
      out,
      '--scenario',
      'scenarios/alarm-fires.yaml',
      '--json',
    ]);

    const summary = JSON.parse(result.stdout) as {
      status: string;
      experiments: { name: string; outcome: string }[];
    };
    expect(summary.status).toBe('SUCCEEDED');
    expect(summary.experiments).toEqual([
      expect.objectContaining({ name: 'web-cpu-80', outcome: 'aborted' }),
    ]);
    expect(result.stdout).not.toMatch(/^\+/m);
  });

  it('exits 3 when the experiment deviates: a CI pipeline tells the finding apart from a pass', async () => {
    const result = await runCli(['rehearse', '--out', tempDir(), '--scenario', 'scenarios/no-recovery.yaml']);

    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/web-cpu-80 {2}DEVIATED/);
  });

  it('exits 5 when the fault had no observable effect: "nothing was proven" is not success', async () => {
    const result = await runCli([
      'rehearse',
      '--out',
      tempDir(),
      '--scenario',
      'scenarios/no-cpu-effect.yaml',
      '--json',
    ]);

    const summary = JSON.parse(result.stdout) as { exitCode: number; experiments: { outcome: string }[] };
    expect(result.code).toBe(5);
    expect(summary.exitCode).toBe(5);
    expect(summary.experiments.map((e) => e.outcome)).toContain('inconclusive');
  });

  it('fails with exit 2 naming the scenario path when it does not exist', async () => {
    const out = tempDir();

    const result = await runCli(['rehearse', '--out', out, '--scenario', 'scenarios/nope.yaml']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(join(PACKAGE_ROOT, 'scenarios', 'nope.yaml'));
    expect(existsSync(join(out, 'rehearsal'))).toBe(false);
  });

  it('fails with exit 2 naming the scenario path and the bad key when the scenario is invalid', async () => {
    const dir = tempDir();
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'now: 2026-12-01T10:00:00Z\nchangeCalendar: MAYBE\n');

    const result = await runCli(['rehearse', '--out', dir, '--scenario', file]);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: changeCalendar`),
    );
  });

  it('fails with exit 2 naming the config path when the config is invalid', async () => {
    const dir = tempDir();
    const file = join(dir, 'chaos-cadence.config.yaml');
    writeFileSync(file, 'experiments: []\n');

    const result = await runCli(['rehearse', '--out', dir, '--config', file]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}: experiments: experiments needs at least one experiment`);
  });

  it('fails with exit 2 when --experiments names an experiment the config lacks', async () => {
    const result = await runCli(['rehearse', '--out', tempDir(), '--experiments', 'web-cpu-80,db-cpu']);

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: unknown experiment db-cpu in --experiments (hint: chaos-cadence.config.yaml defines web-cpu-80)\n',
    );
  });
});

describe('parseExperimentList', () => {
  it('splits names on commas and drops blanks', () => {
    expect(parseExperimentList('a, b,,c')).toEqual(['a', 'b', 'c']);
  });
});

describe('formatProgress', () => {
  it('shows the time in the run, the state and the detail', () => {
    expect(
      formatProgress({ color: false }, { atSeconds: 15, state: 'PollStopConditions', detail: 'alarm OK' }),
    ).toBe('+  0:15  PollStopConditions        alarm OK');
  });
});

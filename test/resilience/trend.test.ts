import { parseCadencePeriods } from '../../lambdas/publish-results/env';
import {
  buildTrend,
  experimentRuns,
  timeToDetectSeconds,
  type ExperimentRun,
} from '../../lambdas/shared/resilience/trend';
import type { ScoredOutcome } from '../../lambdas/shared/resilience/score';
import { cadencePeriods, cadencePeriodSeconds } from '../../lib/cadence/period';
import { parseConfigText } from '../../lib/config/load';
import { buildJournal } from '../../lambdas/shared/render/journal';
import { abortedResult, passedResult, run } from '../fixtures/results';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function history(experiment: string, application: string, outcomes: ScoredOutcome[]): ExperimentRun[] {
  return outcomes.map((outcome, i) => ({
    runId: `run-${i + 1}`,
    experiment,
    application,
    outcome,
    at: `2026-0${i + 1}-06T09:00:00.000Z`,
  }));
}

describe('buildTrend', () => {
  it('says nothing changed when the outcome is the same as the previous run', () => {
    const runs = history('web', 'shop', ['passed', 'passed']);

    const trend = buildTrend(runs, { runId: 'run-2', experiment: 'web' }, {});

    expect(trend?.change).toBeUndefined();
    expect(trend?.now.score).toBe(100);
    expect(trend?.before?.score).toBe(100);
  });

  it('names the last run with the same outcome: "first abort since"', () => {
    const runs = history('web', 'shop', ['aborted', 'passed', 'passed', 'aborted']);

    const trend = buildTrend(runs, { runId: 'run-4', experiment: 'web' }, {});

    expect(trend?.change).toBe('first abort since 2026-01-06');
  });

  it('lists at most the last six outcomes, this run last and marked', () => {
    const runs = history('web', 'shop', [
      'passed',
      'skipped',
      'passed',
      'failed',
      'passed',
      'deviated',
      'passed',
      'passed',
    ]);

    const trend = buildTrend(runs, { runId: 'run-7', experiment: 'web' }, {});

    expect(trend?.recent.map((p) => [p.outcome, p.current])).toEqual([
      ['skipped', false],
      ['passed', false],
      ['failed', false],
      ['passed', false],
      ['deviated', false],
      ['passed', true],
    ]);
    expect(trend?.runsOnRecord).toBe(7);
  });

  it("scores the application as the mean of its experiments, other applications' left out", () => {
    const runs = [
      ...history('web', 'shop', ['passed']),
      ...history('db', 'shop', ['deviated']).map((r) => ({ ...r, runId: 'db-1' })),
      ...history('api', 'other', ['deviated']).map((r) => ({ ...r, runId: 'api-1' })),
    ];

    const trend = buildTrend(runs, { runId: 'run-1', experiment: 'web' }, {}, '2026-01-06T10:00:00Z');

    expect(trend).toMatchObject({ applicationScore: 50, applicationExperiments: 2 });
  });

  it('is undefined for a run that is not in the history', () => {
    expect(
      buildTrend(history('web', 'shop', ['passed']), { runId: 'nope', experiment: 'web' }, {}),
    ).toBeUndefined();
  });
});

describe('experimentRuns', () => {
  it('leaves dry runs out and keeps one entry per run and experiment', () => {
    const real = buildJournal({ run, results: [passedResult] }, '2026-03-03T09:10:00Z');
    const dry = buildJournal(
      { run: { ...run, runId: 'dry', dryRun: true }, results: [passedResult] },
      '2026-03-03T09:10:00Z',
    );

    const runs = experimentRuns([real, dry, real]);

    expect(runs.map((r) => [r.runId, r.experiment, r.outcome])).toEqual([
      [run.runId, 'web-cpu-80', 'passed'],
    ]);
  });
});

describe('timeToDetectSeconds', () => {
  it('measures from the fault start to the first stop-condition alarm in ALARM', () => {
    const faultStart = abortedResult.fault?.startedAt ?? '';
    const firstAlarm = abortedResult.alarmTransitions.find((t) => t.to === 'ALARM')?.at ?? '';

    expect(timeToDetectSeconds(abortedResult)).toBe(
      Math.round((Date.parse(firstAlarm) - Date.parse(faultStart)) / 1000),
    );
  });

  it('is undefined when no alarm fired', () => {
    expect(timeToDetectSeconds({ ...passedResult, alarmTransitions: [] })).toBeUndefined();
  });
});

describe('cadence periods', () => {
  it('takes the longest gap between runs: 35 days for the first Tuesday of the month', () => {
    expect(
      cadencePeriodSeconds('cron(0 10 ? * TUE#1 *)', 'Europe/Berlin', new Date('2026-01-01T00:00:00Z')),
    ).toBe(35 * 86400);
  });

  it('has no period for a one-time schedule', () => {
    expect(
      cadencePeriodSeconds('at(2027-01-05T10:00:00)', 'UTC', new Date('2026-01-01T00:00:00Z')),
    ).toBeUndefined();
  });

  it("gives each experiment its cadence group's period", () => {
    const config = parseConfigText(
      readFileSync(join(__dirname, '..', '..', 'chaos-cadence.config.yaml'), 'utf8'),
    );

    expect(cadencePeriods(config, new Date('2026-01-01T00:00:00Z'))).toEqual({ 'web-cpu-80': 35 * 86400 });
  });

  it('reads them from the environment, and rejects a bad value naming the variable', () => {
    expect(parseCadencePeriods('{"web-cpu-80":3024000}')).toEqual({ 'web-cpu-80': 3024000 });
    expect(parseCadencePeriods(undefined)).toEqual({});
    expect(() => parseCadencePeriods('{"web-cpu-80":"monthly"}')).toThrow(
      'CHAOS_CADENCE_PERIODS.web-cpu-80 must be a positive number of seconds (got "monthly")',
    );
  });
});

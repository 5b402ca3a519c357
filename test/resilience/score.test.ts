import {
  applicationScore,
  resilienceScore,
  SCORE_RULES,
  type ResilienceScore,
  type ScoredOutcome,
} from '../../lambdas/shared/resilience/score';

const DAY = 24 * 3600;
/** The example cadence (first Tuesday of the month): its longest gap is 35 days. */
const PERIOD = 35 * DAY;

/** Runs on the first Tuesdays from July 2026, one outcome each. */
const DATES = ['2026-07-07', '2026-08-04', '2026-09-01', '2026-10-06', '2026-11-03', '2026-12-01'];
function runs(...outcomes: ScoredOutcome[]) {
  return outcomes.map((outcome, i) => ({ at: `${DATES[i] ?? '2027-01-05'}T09:00:00.000Z`, outcome }));
}

describe('resilienceScore', () => {
  it.each<[string, ReturnType<typeof runs>, string, Pick<ResilienceScore, 'score' | 'state'>]>([
    ['a fresh experiment (no runs yet)', runs(), '2026-07-07T10:00:00Z', { score: 0, state: 'untested' }],
    [
      'a fresh experiment after its first pass',
      runs('passed'),
      '2026-07-07T10:00:00Z',
      { score: 100, state: 'current' },
    ],
    [
      'steady passes',
      runs('passed', 'passed', 'passed', 'passed', 'passed', 'passed'),
      '2026-12-01T10:00:00Z',
      { score: 100, state: 'current' },
    ],
    // 100, 100, 100, 100, 100 then 0.5 x 0 + 0.5 x 100
    [
      'a deviation after five passes',
      runs('passed', 'passed', 'passed', 'passed', 'passed', 'deviated'),
      '2026-12-01T10:00:00Z',
      { score: 50, state: 'current' },
    ],
    // 0 -> 50 -> 75 -> 87.5
    [
      'passes after a deviation, recovering by halves',
      runs('deviated', 'passed', 'passed', 'passed'),
      '2026-10-06T10:00:00Z',
      { score: 88, state: 'current' },
    ],
    [
      'an abort counts against, like a deviation',
      runs('passed', 'aborted'),
      '2026-08-04T10:00:00Z',
      { score: 50, state: 'current' },
    ],
    // 100 x 0.9 x 0.9: runs that tested nothing decay the score, never count as passes
    [
      'a pass followed by a skipped and an inconclusive run',
      runs('passed', 'skipped', 'inconclusive'),
      '2026-09-01T10:00:00Z',
      { score: 81, state: 'current' },
    ],
    // 0 -> 0 (x 0.9 of nothing) -> 50
    [
      'a failed run neither helps nor hurts a score of 0',
      runs('deviated', 'failed', 'passed'),
      '2026-09-01T10:00:00Z',
      { score: 50, state: 'current' },
    ],
    [
      'only skipped runs',
      runs('skipped', 'skipped', 'skipped'),
      '2026-09-01T10:00:00Z',
      { score: 0, state: 'untested' },
    ],
    [
      'only runs that tested nothing (skipped, failed, inconclusive)',
      runs('skipped', 'failed', 'inconclusive'),
      '2026-09-01T10:00:00Z',
      { score: 0, state: 'untested' },
    ],
    // last tested 2026-07-07; 2026-09-15 is 70 days = exactly two periods: not yet stale
    [
      'a pass exactly two cadence periods ago',
      runs('passed'),
      '2026-09-15T09:00:00Z',
      { score: 100, state: 'current' },
    ],
    // 2026-10-06 is 91 days = 2.6 periods: stale, x 0.75
    [
      'stale: a pass more than two cadence periods ago',
      runs('passed'),
      '2026-10-06T09:00:00Z',
      { score: 75, state: 'stale' },
    ],
    // 2027-01-05 is 182 days = 5.2 periods: x 0.75 x 0.9^3
    [
      'stale for long: a further 10 % per period beyond two',
      runs('passed'),
      '2027-01-05T09:00:00Z',
      { score: 55, state: 'stale' },
    ],
    // skipped runs keep coming but test nothing: decay and staleness both apply (100 x 0.9^3 x 0.75)
    [
      'stale although it ran: only skips since the last pass',
      runs('passed', 'skipped', 'skipped', 'skipped'),
      '2026-10-06T10:00:00Z',
      { score: 55, state: 'stale' },
    ],
  ])('%s', (_name, history, at, expected) => {
    const result = resilienceScore(history, { at, cadencePeriodSeconds: PERIOD });

    expect({ score: result.score, state: result.state }).toEqual(expected);
  });

  it('counts the runs and the tested runs, and remembers the last tested run', () => {
    const result = resilienceScore(runs('passed', 'skipped', 'deviated', 'failed'), {
      at: '2026-10-06T10:00:00Z',
      cadencePeriodSeconds: PERIOD,
    });

    expect(result).toEqual({
      score: 41, // 100 -> 90 (skipped) -> 45 (deviated) -> 40.5 (failed)
      state: 'current',
      lastTestedAt: '2026-09-01T09:00:00.000Z',
      runs: 4,
      tested: 2,
    });
  });

  it('ignores runs after the moment of scoring and takes runs in any order', () => {
    const history = runs('deviated', 'passed', 'passed').reverse();

    const result = resilienceScore(history, { at: '2026-08-04T10:00:00Z' });

    expect(result.score).toBe(50);
    expect(result.runs).toBe(2);
  });

  it('is never stale without a cadence period (a one-time schedule)', () => {
    const result = resilienceScore(runs('passed'), { at: '2030-01-01T00:00:00Z' });

    expect(result).toMatchObject({ score: 100, state: 'current' });
  });

  it('weighs the newest tested run by the documented recency weight', () => {
    expect(SCORE_RULES.recencyWeight).toBe(0.5);
    expect(resilienceScore(runs('deviated', 'passed'), { at: '2026-09-01T00:00:00Z' }).score).toBe(50);
  });
});

describe('applicationScore', () => {
  const score = (value: number, state: ResilienceScore['state'] = 'current'): ResilienceScore => ({
    score: value,
    state,
    runs: 1,
    tested: state === 'untested' ? 0 : 1,
  });

  it.each<[string, ResilienceScore[], number | undefined]>([
    ['no experiments', [], undefined],
    ['one experiment', [score(42)], 42],
    ['the mean of its experiments', [score(100), score(50), score(75)], 75],
    ['an untested experiment counts 0', [score(100), score(0, 'untested')], 50],
  ])('%s', (_name, scores, expected) => {
    expect(applicationScore(scores)).toBe(expected);
  });
});

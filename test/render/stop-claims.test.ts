// Truth of every sentence about a stop: over every outcome and every stop state, no journal, report or
// email text claims that a fault was stopped unless a read confirmed it; an unconfirmed stop is said to
// be "not confirmed", with the command that checks it.
import type { RecoveryProgress } from '../../lambdas/check-steady-state/check-steady-state';
import type { Outcome, PollResult, SteadyStateCheck, StopResult } from '../../lambdas/shared/types';
import { verdict, type VerdictInput } from '../../lambdas/verdict/verdict';
import { run, webCpu80Plan } from '../fixtures/results';
import { emailOf, journalOf, reportOf } from './report-fixtures';

const at = (s: number) => new Date(Date.parse('2026-03-03T09:00:00Z') + s * 1000).toISOString();
const clock = { now: () => new Date(at(900)) };
const check = (phase: 'before' | 'after', steady: boolean, s: number): SteadyStateCheck => ({
  phase,
  steady,
  attempt: 1,
  checkedAt: at(s),
  probes: [
    {
      id: 'alarm:x',
      kind: 'alarm',
      ok: steady,
      expected: 'state OK',
      observed: steady ? 'state OK' : 'state ALARM',
      checkedAt: at(s),
    },
  ],
});
const recovered = (steady: boolean): RecoveryProgress => ({
  checks: [check('after', steady, 430)],
  steady,
  again: false,
  waitSeconds: 30,
  faultEndedAt: at(400),
  deadline: at(700),
});
const finished: PollResult = {
  action: 'finished',
  detail: 'fault completed',
  faultState: 'completed',
  polledAt: at(400),
  polls: 26,
  waitSeconds: 15,
  alarmStates: { 'sock-shop-5xx': 'OK' },
  transitions: [],
};
const alarmFired: PollResult = {
  ...finished,
  action: 'stop',
  reason: 'stop-condition',
  detail: 'alarm sock-shop-5xx is in ALARM',
  faultState: 'running',
  polledAt: at(120),
  firstAlarmAt: at(110),
  stoppedBy: 'poll',
  triggeredAt: at(110),
  transitions: [{ alarmName: 'sock-shop-5xx', from: 'OK', to: 'ALARM', at: at(110) }],
};
const base: VerdictInput = {
  run,
  plan: webCpu80Plan,
  guardRails: { allowed: true, reason: 'all guard rails passed', checks: [], checkedAt: at(0) },
  before: check('before', true, 1),
  fault: { kind: 'fis', id: 'EXP1', startedAt: at(2), state: 'initiating', dryRun: false },
  poll: finished,
  stop: null,
  after: recovered(true),
  errors: {},
  stopError: null,
};

/** One input per outcome (the stop is set per stop state below). */
const INPUTS: Readonly<Record<Outcome, VerdictInput>> = {
  passed: base,
  deviated: { ...base, after: recovered(false) },
  aborted: { ...base, poll: alarmFired },
  inconclusive: {
    ...base,
    poll: {
      ...finished,
      effect: {
        status: 'not-seen',
        detail: 'CPU never reached 60 % during the fault: highest i-1 18 %',
        checkedAt: at(400),
      },
    },
  },
  skipped: { ...base, before: check('before', false, 1), fault: null, poll: null, after: null },
  failed: {
    ...base,
    poll: { ...alarmFired, action: 'continue' },
    after: null,
    errors: { PollStopConditions: { Error: 'Lambda.Unknown', Cause: 'boom' } },
  },
};

const confirmed = (reason: StopResult['reason']): StopResult => ({
  requestedAt: at(121),
  confirmation: 'confirmed',
  confirmedState: 'stopped',
  alreadyEnded: false,
  reason,
});
/** Every stop state: none, confirmed stopped, confirmed already ended, requested and not confirmed. */
const STOP_STATES: Readonly<Record<string, (reason: StopResult['reason']) => StopResult | null>> = {
  none: () => null,
  confirmed,
  'already ended': (reason) => ({ ...confirmed(reason), alreadyEnded: true, confirmedState: 'completed' }),
  'not confirmed': (reason) => ({
    requestedAt: at(121),
    confirmation: 'not-confirmed',
    alreadyEnded: false,
    reason,
    readError: 'fis:GetExperiment failed: InternalServerError',
    checkCommand: 'aws fis get-experiment --id EXP1',
  }),
};

/** Sentences that say a fault was stopped (or is confirmed so). */
const STOPPED_CLAIM =
  /the fault was stopped|fault stopped|was stopped early|confirmed stopped|stopped \(confirmed/i;

const CASES = (Object.keys(INPUTS) as Outcome[]).flatMap((outcome) =>
  Object.keys(STOP_STATES).map((state) => [outcome, state] as const),
);

describe('texts about stopping a fault', () => {
  it.each(CASES)('%s with stop %s: no text claims a stop no read confirmed', (outcome, state) => {
    const input = INPUTS[outcome];
    const stop = STOP_STATES[state]?.(outcome === 'failed' ? 'error' : 'stop-condition') ?? null;
    const result = verdict({ ...input, stop }, clock);
    expect(result.outcome).toBe(outcome);

    const texts = [JSON.stringify(journalOf(result)), reportOf(result), emailOf(result)].map((t) =>
      t.replace(/\s+/g, ' '),
    );

    for (const text of texts) {
      if (state !== 'confirmed') expect(text).not.toMatch(STOPPED_CLAIM);
      if (state === 'not confirmed' && outcome !== 'skipped') {
        expect(text).toMatch(/not.confirmed/);
        expect(text).toContain('aws fis get-experiment --id EXP1');
      }
    }
  });
});

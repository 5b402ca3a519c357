// Every text true to the run: the verdict and the card rendered for every outcome x stop state x
// impact, each text checked against the facts that were fed in (no fixed sentence may claim what did
// not happen).
import { foldDuring, type DuringCheck } from '../../../lambdas/poll-stop-conditions/during';
import { buildCard } from '../../../lambdas/shared/render/card';
import { renderEmailText } from '../../../lambdas/shared/render/text';
import type {
  DuringSummary,
  EffectResult,
  Impact,
  PollResult,
  ProbeResult,
  StopResult,
  SteadyStateCheck,
} from '../../../lambdas/shared/types';
import { impactRank, OUTCOMES } from '../../../lambdas/shared/vocabulary';
import { verdict, type VerdictInput } from '../../../lambdas/verdict/verdict';
import { observedPlan } from '../../fixtures/observed-results';
import { publishInput, run } from '../../fixtures/results';
import { buildJournal } from '../../../lambdas/shared/render/journal';

const T0 = Date.parse('2026-03-03T09:00:20.000Z');
const at = (s: number): string => new Date(T0 + s * 1000).toISOString();
const HTTP = 'http:GET https://shop.example.com/health';
const METRIC = 'metric:AWS/ApplicationELB/TargetResponseTime';
const ASG = 'asgCapacity:sock-shop-asg';
const ALARM = 'alarm:sock-shop-5xx';

/** How the run ended, as the poll saw it. */
const ENDINGS = [
  'ran its course',
  'not recovered',
  'alarm stop condition',
  'probe stop condition',
  'kill switch',
  'no effect',
  'effect unverifiable',
  'poll error',
  'not steady before',
] as const;
type Ending = (typeof ENDINGS)[number];

/** The stop: none, confirmed by a read, the fault had already ended, requested but not confirmed, stopping failed. */
const STOPS = ['none', 'confirmed', 'already ended', 'not confirmed', 'stop failed'] as const;
type StopState = (typeof STOPS)[number];

const IMPACT_CASES: readonly Impact[] = ['none', 'degraded', 'outage'];

function probe(id: string, ok: boolean, observed: string, s: number, value?: number): ProbeResult {
  const kind = id.split(':')[0] as ProbeResult['kind'];
  return {
    id,
    kind,
    ok,
    expected: 'x',
    observed,
    checkedAt: at(s),
    ...(value !== undefined ? { value } : {}),
  };
}

/** Probes every 15 s for `seconds`; `impact` decides which one fails from 60 s on. */
function during(impact: Impact, seconds: number): DuringSummary {
  let summary: DuringSummary | undefined;
  for (let s = 15; s <= seconds; s += 15) {
    const failing = s >= 60;
    const checks: DuringCheck[] = [
      probe(ALARM, true, 'state OK', s),
      impact === 'outage' && failing
        ? probe(HTTP, false, 'HTTP 503 in 9 ms', s, 503)
        : probe(HTTP, true, 'HTTP 200 in 9 ms', s, 200),
      probe(ASG, true, '3 InService', s, 3),
      impact === 'degraded' && failing
        ? probe(METRIC, false, 'p99 = 0.9', s, 0.9)
        : probe(METRIC, true, 'p99 = 0.2', s, 0.2),
    ].map((result) => ({ evaluated: true, result }));
    summary = foldDuring(summary, checks, observedPlan.steadyState, at(s));
  }
  return summary as DuringSummary;
}

function check(phase: 'before' | 'after', s: number, steady: boolean): SteadyStateCheck {
  return {
    phase,
    attempt: 1,
    checkedAt: at(s),
    steady,
    probes: [
      probe(ALARM, true, 'state OK', s),
      probe(ASG, steady, steady ? '3 InService' : '2 InService', s, steady ? 3 : 2),
    ],
  };
}

function stopOf(state: StopState, reason: StopResult['reason']): StopResult | null {
  switch (state) {
    case 'none':
    case 'stop failed':
      return null;
    case 'confirmed':
      return {
        requestedAt: at(121),
        confirmation: 'confirmed',
        confirmedState: 'stopped',
        alreadyEnded: false,
        reason,
      };
    case 'already ended':
      return {
        requestedAt: at(121),
        confirmation: 'confirmed',
        confirmedState: 'completed',
        alreadyEnded: true,
        reason,
      };
    case 'not confirmed':
      return {
        requestedAt: at(121),
        confirmation: 'not-confirmed',
        alreadyEnded: false,
        reason,
        readError: 'fis:GetExperiment failed: InternalServerError',
        checkCommand: 'aws fis get-experiment --id EXP1',
      };
  }
}

const EFFECTS: Record<'seen' | 'not-seen' | 'no-data', EffectResult> = {
  seen: { status: 'seen', detail: 'CPU reached 60 % on every target (i-1 81 %)', checkedAt: at(300) },
  'not-seen': {
    status: 'not-seen',
    detail: 'CPU never reached 60 % during the fault: highest i-1 18 %',
    checkedAt: at(300),
  },
  'no-data': {
    status: 'no-data',
    detail: 'no CPUUtilization datapoint was published yet',
    checkedAt: at(300),
  },
};

function inputFor(ending: Ending, stopState: StopState, impact: Impact): VerdictInput {
  const stops = ['alarm stop condition', 'probe stop condition', 'kill switch', 'poll error'].includes(
    ending,
  );
  const seconds = stops ? 120 : 360;
  const reason: StopResult['reason'] =
    ending === 'alarm stop condition'
      ? 'stop-condition'
      : ending === 'probe stop condition'
        ? 'probe'
        : ending === 'kill switch'
          ? 'kill-switch'
          : 'error';
  const alarmed = ending === 'alarm stop condition';
  const poll: PollResult = {
    action: stops && ending !== 'poll error' ? 'stop' : 'finished',
    ...(stops && ending !== 'poll error' ? { reason } : {}),
    detail: alarmed
      ? 'alarm sock-shop-5xx is in ALARM'
      : ending === 'probe stop condition'
        ? `probe ${HTTP} failed continuously for 60 s`
        : 'fault completed',
    faultState: stops ? 'running' : 'completed',
    polledAt: at(seconds),
    polls: seconds / 15,
    waitSeconds: 15,
    alarmStates: { 'sock-shop-5xx': alarmed ? 'ALARM' : 'OK' },
    transitions: alarmed ? [{ alarmName: 'sock-shop-5xx', from: 'OK', to: 'ALARM', at: at(100) }] : [],
    ...(alarmed ? { firstAlarmAt: at(100) } : {}),
    ...(ending === 'probe stop condition' ? { probeFailingSince: at(60) } : {}),
    during: during(impact, seconds),
    effect:
      EFFECTS[ending === 'no effect' ? 'not-seen' : ending === 'effect unverifiable' ? 'no-data' : 'seen'],
  };
  const recovered = ending !== 'not recovered';
  const before = check('before', -10, ending !== 'not steady before');
  if (ending === 'not steady before') {
    return {
      run,
      plan: observedPlan,
      guardRails: { allowed: true, checks: [], checkedAt: at(-15) },
      before,
      fault: null,
      poll: null,
      stop: null,
      after: null,
      errors: {},
      stopError: null,
    };
  }
  return {
    run,
    plan: observedPlan,
    guardRails: { allowed: true, checks: [], checkedAt: at(-15) },
    before,
    fault: { kind: 'fis', id: 'EXP1', startedAt: at(0), state: 'running', dryRun: false },
    poll,
    stop: stopOf(stopState, reason),
    after:
      ending === 'poll error'
        ? null
        : {
            checks: [check('after', seconds + 10, recovered)],
            steady: recovered,
            again: false,
            waitSeconds: 30,
            faultEndedAt: at(seconds),
            deadline: at(seconds + 300),
          },
    errors:
      ending === 'poll error'
        ? { PollStopConditions: { Error: 'ThrottledError', Cause: 'Rate exceeded' } }
        : {},
    stopError: stopState === 'stop failed' ? { Error: 'AccessDeniedException', Cause: 'no' } : null,
  };
}

const combos = ENDINGS.flatMap((ending) =>
  STOPS.flatMap((stop) => IMPACT_CASES.map((impact) => [ending, stop, impact] as const)),
);

describe('verdict texts, for every outcome x stop state x impact', () => {
  const rendered = combos.map(([ending, stopState, impact]) => {
    const input = inputFor(ending, stopState, impact);
    const result = verdict(input, { now: () => new Date(at(900)) });
    const card = buildCard(result, { region: 'eu-central-1', partition: 'aws' });
    const email = renderEmailText(
      buildJournal(publishInput(result), at(900)),
      {
        execution: 'https://x',
        dashboard: 'https://x',
        reportConsole: 'https://x',
        journalConsole: 'https://x',
      },
      { region: 'eu-central-1', partition: 'aws' },
    ).replace(/\s+/g, ' ');
    return { ending, stopState, impact, input, result, email, card };
  });

  it('covers every outcome', () => {
    expect([...new Set(rendered.map((r) => r.result.outcome))].sort()).toEqual([...OUTCOMES].sort());
  });

  it.each(rendered.map((r) => [`${r.ending} / stop ${r.stopState} / impact ${r.impact}`, r] as const))(
    '%s: every text is true to the facts',
    (_name, r) => {
      const { result, email, input, impact, stopState, ending } = r;
      const injected = input.fault !== null;
      const confirmed = stopState === 'confirmed' || stopState === 'already ended';

      // The fault is said to be stopped only when a read confirmed it.
      if (!confirmed)
        expect(email).not.toMatch(/the fault was stopped|fault was stopped early|stopped in \d+ s/i);
      const stopped = ['alarm stop condition', 'probe stop condition', 'kill switch', 'poll error'].includes(
        ending,
      );
      if (stopped && stopState === 'not confirmed') {
        expect(result.reason).toMatch(/stop requested at .*, not confirmed/);
      }
      if (stopState === 'stop failed' && ending === 'poll error')
        expect(result.reason).toContain('STOPPING THE FAULT FAILED');

      // The observed impact is the one the probes saw (HTTP failing: outage; another probe: degraded; alarms: degraded).
      const expectedImpact: Impact =
        !injected || ['skipped', 'failed'].includes(result.outcome)
          ? 'none'
          : impactRank(impact) >= impactRank(ending === 'alarm stop condition' ? 'degraded' : 'none')
            ? impact === 'none' && (ending === 'alarm stop condition' || ending === 'not recovered')
              ? 'degraded'
              : impact
            : 'degraded';
      if (['passed', 'deviated', 'aborted', 'inconclusive'].includes(result.outcome)) {
        expect(result.observedImpact).toBe(expectedImpact);
      }

      // Passed only within the expectation, with the steady state back and the effect not disproven.
      if (result.outcome === 'passed') {
        expect(impactRank(result.observedImpact)).toBeLessThanOrEqual(
          impactRank(observedPlan.expectedImpact),
        );
        expect(input.after?.steady).toBe(true);
        expect(result.effect?.status).not.toBe('not-seen');
      }
      if (ending === 'no effect' && result.outcome !== 'failed') expect(result.outcome).toBe('inconclusive');

      const { expected, detected, handled } = result.conclusions;
      const alarmed = (input.poll?.transitions ?? []).some((t) => t.to === 'ALARM');
      // Detected yes only when an alarm reached ALARM; "missed" only when impact went unseen.
      if (detected.answer === 'yes') expect(alarmed).toBe(true);
      if (detected.text.includes('monitoring missed'))
        expect([alarmed, result.observedImpact !== 'none']).toEqual([false, true]);
      if (result.observedImpact === 'none') expect(email).not.toContain('monitoring missed');
      // "every probe held" only when none failed during the fault.
      if (email.includes('every probe held')) expect(impact).toBe('none');
      // Handled yes only when the steady state returned.
      if (handled.answer === 'yes') expect(input.after?.steady).toBe(true);
      if (expected.answer === 'yes')
        expect(impactRank(result.observedImpact)).toBeLessThanOrEqual(
          impactRank(observedPlan.expectedImpact),
        );
      // Effect words follow the effect status.
      if (email.includes('Effect seen:')) expect(result.effect?.status).toBe('seen');
      if (!injected) expect(email).toContain('not measured (no fault was injected)');
      // Autoscaling claims follow the numbers (capacity stays at 3 in every combination).
      expect(email).not.toContain('autoscaling added capacity');
    },
  );
});

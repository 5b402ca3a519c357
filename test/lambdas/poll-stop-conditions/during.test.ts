import { foldDuring, probeStop, type DuringCheck } from '../../../lambdas/poll-stop-conditions/during';
import {
  MAX_EFFECT_TARGETS,
  MAX_SEGMENTS,
  type DuringSummary,
  type EffectResult,
  type PollResult,
  type ProbeResult,
  type ProbeSpec,
} from '../../../lambdas/shared/types';
import { verdict, type VerdictInput } from '../../../lambdas/verdict/verdict';
import { observedPlan } from '../../fixtures/observed-results';
import { run } from '../../fixtures/results';

const T0 = Date.parse('2026-03-03T09:00:00.000Z');
const at = (s: number): string => new Date(T0 + s * 1000).toISOString();
const HTTP = 'http:GET https://shop.example.com/health';
const specs: readonly ProbeSpec[] = observedPlan.steadyState.map((p) =>
  p.id === HTTP ? { ...p, stopAfterSeconds: 60 } : p,
);

function result(id: string, ok: boolean, s: number, observed: string, value?: number): DuringCheck {
  const probe: ProbeResult = {
    id,
    kind: specs.find((p) => p.id === id)?.kind ?? 'http',
    ok,
    expected: 'x',
    observed,
    checkedAt: at(s),
    ...(value !== undefined ? { value } : {}),
  };
  return { evaluated: true, result: probe };
}

function fold(steps: readonly [number, boolean][]): DuringSummary {
  let summary: DuringSummary | undefined;
  for (const [s, ok] of steps) {
    summary = foldDuring(
      summary,
      [result(HTTP, ok, s, ok ? 'HTTP 200 in 9 ms' : 'HTTP 503 in 9 ms')],
      specs,
      at(s),
    );
  }
  return summary as DuringSummary;
}

describe('foldDuring', () => {
  it('counts checks and failures, with the first and last failure', () => {
    const summary = fold([
      [15, true],
      [30, false],
      [45, false],
      [60, true],
      [75, false],
    ]);

    expect(summary.probes[0]).toMatchObject({
      checks: 5,
      failures: 3,
      firstFailureAt: at(30),
      lastFailureAt: at(75),
      failingSince: at(75),
      longestFailureSeconds: 15,
    });
  });

  it('run-length encodes the series into stretches of the same result', () => {
    const summary = fold([
      [15, true],
      [30, true],
      [45, false],
      [60, false],
      [75, true],
    ]);

    expect(summary.probes[0]?.segments.map((s) => [s.ok, s.checks, s.from, s.to])).toEqual([
      [true, 2, at(15), at(30)],
      [false, 2, at(45), at(60)],
      [true, 1, at(75), at(75)],
    ]);
  });

  it('keeps at most MAX_SEGMENTS stretches, the first ones and the latest, and counts the dropped', () => {
    const steps = Array.from({ length: 100 }, (_, i) => [15 * (i + 1), i % 2 === 0] as [number, boolean]);

    const probe = fold(steps).probes[0];

    expect(probe?.segments).toHaveLength(MAX_SEGMENTS);
    expect([probe?.segments[0]?.from, probe?.segments.at(-1)?.from]).toEqual([at(15), at(1500)]);
    expect(probe?.droppedSegments).toBe(100 - MAX_SEGMENTS);
  });

  it('keeps the worst observation of a numeric probe: the furthest out of bounds', () => {
    const id = 'asgCapacity:sock-shop-asg';
    let summary: DuringSummary | undefined;
    for (const [s, n] of [
      [15, 2],
      [30, 1],
      [45, 2],
    ] as const) {
      summary = foldDuring(summary, [result(id, false, s, `${n} InService`, n)], specs, at(s));
    }

    expect(summary?.probes[0]).toMatchObject({
      worst: { observed: '1 InService', value: 1 },
      min: 1,
      max: 2,
    });
  });

  it('counts a check that could not be evaluated apart, neither ok nor failed', () => {
    const summary = foldDuring(
      undefined,
      [{ evaluated: false, id: HTTP, kind: 'http', checkedAt: at(15), error: 'Rate exceeded' }],
      specs,
      at(15),
    );

    expect(summary.probes[0]).toMatchObject({ checks: 0, failures: 0, unevaluated: 1 });
  });
});

describe('probeStop', () => {
  it('fires when a probe has failed continuously for its stopAfter', () => {
    const summary = fold([
      [15, false],
      [30, false],
      [45, false],
      [60, false],
      [75, false],
    ]);

    expect(probeStop(summary, specs, at(75))).toMatchObject({ stopAfterSeconds: 60, failingSeconds: 60 });
  });

  it('does not fire when the failures were interrupted by a success', () => {
    const summary = fold([
      [15, false],
      [30, false],
      [45, true],
      [60, false],
      [75, false],
    ]);

    expect(probeStop(summary, specs, at(75))).toBeUndefined();
  });
});

describe('the state payload with probes during a 12-hour fault', () => {
  /** The budget for a state's data: half of Step Functions' 256 KiB (DESIGN.md, "Limits"). */
  const BUDGET_BYTES = 128 * 1024;
  const POLLS = (12 * 3600) / 5; // the shortest poll interval, PT5S
  const bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

  /** Every probe flapping at every poll (the worst case for the series) and 100 targets' effect. */
  function worstPoll(): PollResult {
    let during: DuringSummary | undefined;
    for (let i = 1; i <= POLLS; i += 1) {
      const ok = i % 2 === 0;
      const s = i * 5;
      during = foldDuring(
        during,
        specs.map((spec) =>
          result(spec.id, ok, s, ok ? 'fine' : `failing observation number ${i} with some detail`, i),
        ),
        specs,
        at(s),
      );
    }
    const effect: EffectResult = {
      status: 'seen',
      detail: 'CPU reached 60 % on every target',
      threshold: 'CPUUtilization >= 60 %',
      targets: Array.from({ length: MAX_EFFECT_TARGETS }, (_, i) => ({
        id: `i-0a1b2c3d4e5f${String(i).padStart(5, '0')}`,
        periodSeconds: 60,
        maxCpu: 81.5,
        datapoints: 720,
        command: 'Success',
      })),
      command: 'SSM invocations: 100 of 100 Success',
      checkedAt: at(POLLS * 5),
    };
    return {
      action: 'finished',
      detail: 'fault completed',
      faultState: 'completed',
      polledAt: at(POLLS * 5),
      polls: POLLS,
      waitSeconds: 5,
      alarmStates: { 'sock-shop-5xx': 'OK' },
      transitions: [],
      during: during,
      effect,
    };
  }

  it(`keeps the poll result within ${BUDGET_BYTES / 1024} KiB after ${POLLS} polls`, () => {
    const poll = worstPoll();

    expect(poll.during?.probes.every((p) => p.checks === POLLS)).toBe(true);
    expect(bytes(poll)).toBeLessThan(BUDGET_BYTES / 4);
  });

  it('keeps the whole Map iteration state (verdict input and result) within the budget', () => {
    const poll = worstPoll();
    const input: VerdictInput = {
      run,
      plan: { ...observedPlan, steadyState: specs },
      guardRails: { allowed: true, checks: [], checkedAt: at(0) },
      before: null,
      fault: { kind: 'ssm', id: 'cmd-1', startedAt: at(0), state: 'running', dryRun: false },
      poll,
      stop: null,
      after: null,
      errors: {},
      stopError: null,
    };

    const output = verdict(input, { now: () => new Date(at(POLLS * 5 + 60)) });

    expect(bytes(input) + bytes(output)).toBeLessThan(BUDGET_BYTES);
  });
});

/**
 * The steady-state probes while the fault runs: one check per poll, folded into a compact summary
 * (counts, first and last failure, the worst observation, the longest failure, min and max, and the
 * series run-length encoded with a cap), so the state stays small however long the fault runs.
 */
import type { Runtime } from '../shared/aws';
import { ThrottledError, TransientError } from '../shared/errors';
import {
  KEPT_FIRST_SEGMENTS,
  MAX_SEGMENTS,
  type DuringProbe,
  type DuringSummary,
  type ProbeResult,
  type ProbeSegment,
  type ProbeSpec,
} from '../shared/types';
import { runProbe } from '../check-steady-state/probes';

/** A probe check during the fault: a result, or "could not be evaluated" (throttled, transient). */
export type DuringCheck =
  | { readonly evaluated: true; readonly result: ProbeResult }
  | {
      readonly evaluated: false;
      readonly id: string;
      readonly kind: ProbeSpec['kind'];
      readonly checkedAt: string;
      readonly error: string;
    };

/** The probes of a plan that run during the fault (not `during: false`). */
export function duringProbes(specs: readonly ProbeSpec[]): ProbeSpec[] {
  return specs.filter((s) => s.during !== false);
}

/**
 * Runs the during-fault probes concurrently. A throttled or transient AWS error does not fail the
 * poll (stopping the fault must not depend on a probe): the check counts as not evaluated.
 */
export function checkDuring(specs: readonly ProbeSpec[], runtime: Runtime): Promise<DuringCheck[]> {
  return Promise.all(
    duringProbes(specs).map(async (spec): Promise<DuringCheck> => {
      try {
        return { evaluated: true, result: await runProbe(spec, runtime) };
      } catch (error) {
        if (!(error instanceof ThrottledError || error instanceof TransientError)) throw error;
        return {
          evaluated: false,
          id: spec.id,
          kind: spec.kind,
          checkedAt: runtime.now().toISOString(),
          error: error.message,
        };
      }
    }),
  );
}

function seconds(from: string, to: string): number {
  return Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
}

/** How far out of bounds a failing value is, for "worst": higher is worse. */
function badness(spec: ProbeSpec | undefined, value: number | undefined): number | undefined {
  if (value === undefined || !spec) return undefined;
  switch (spec.kind) {
    case 'asgCapacity':
      return spec.minInService - value;
    case 'metric':
      if (spec.max !== undefined && value > spec.max) return value - spec.max;
      if (spec.min !== undefined && value < spec.min) return spec.min - value;
      return 0;
    default:
      return undefined;
  }
}

function addSegment(
  segments: readonly ProbeSegment[],
  result: ProbeResult,
): {
  segments: ProbeSegment[];
  dropped: number;
} {
  const last = segments[segments.length - 1];
  if (last && last.ok === result.ok) {
    return {
      segments: [...segments.slice(0, -1), { ...last, to: result.checkedAt, checks: last.checks + 1 }],
      dropped: 0,
    };
  }
  const next = [
    ...segments,
    { from: result.checkedAt, to: result.checkedAt, ok: result.ok, checks: 1, observed: result.observed },
  ];
  if (next.length <= MAX_SEGMENTS) return { segments: next, dropped: 0 };
  // Drop the oldest stretch after the first few: the start and the latest stretches tell the story.
  return {
    segments: [...next.slice(0, KEPT_FIRST_SEGMENTS), ...next.slice(KEPT_FIRST_SEGMENTS + 1)],
    dropped: 1,
  };
}

function foldProbe(
  previous: DuringProbe | undefined,
  check: DuringCheck,
  spec: ProbeSpec | undefined,
): DuringProbe {
  const base: DuringProbe = previous ?? {
    id: check.evaluated ? check.result.id : check.id,
    kind: check.evaluated ? check.result.kind : check.kind,
    checks: 0,
    failures: 0,
    unevaluated: 0,
    longestFailureSeconds: 0,
    segments: [],
    droppedSegments: 0,
  };
  if (!check.evaluated) return { ...base, unevaluated: base.unevaluated + 1 };
  const r = check.result;
  const { segments, dropped } = addSegment(base.segments, r);
  const value = r.value;
  const numeric = {
    ...(value !== undefined
      ? { min: Math.min(base.min ?? value, value), max: Math.max(base.max ?? value, value) }
      : {}),
  };
  if (r.ok) {
    const { failingSince: _ended, ...rest } = base;
    return {
      ...rest,
      ...numeric,
      checks: base.checks + 1,
      segments,
      droppedSegments: base.droppedSegments + dropped,
    };
  }
  const failingSince = base.failingSince ?? r.checkedAt;
  const worseThanBefore = (): boolean => {
    if (!base.worst) return true;
    const now = badness(spec, value);
    const before = badness(spec, base.worst.value);
    return now !== undefined && before !== undefined && now > before;
  };
  const observed = r.error !== undefined ? `${r.observed} (${r.error})` : r.observed;
  return {
    ...base,
    ...numeric,
    checks: base.checks + 1,
    failures: base.failures + 1,
    firstFailureAt: base.firstFailureAt ?? r.checkedAt,
    lastFailureAt: r.checkedAt,
    failingSince,
    longestFailureSeconds: Math.max(base.longestFailureSeconds, seconds(failingSince, r.checkedAt)),
    ...(worseThanBefore()
      ? { worst: { observed, at: r.checkedAt, ...(value !== undefined ? { value } : {}) } }
      : {}),
    segments,
    droppedSegments: base.droppedSegments + dropped,
  };
}

/** Folds one poll's checks into the summary so far. */
export function foldDuring(
  previous: DuringSummary | undefined,
  checks: readonly DuringCheck[],
  specs: readonly ProbeSpec[],
  at: string,
): DuringSummary {
  const probes = checks.map((check) => {
    const id = check.evaluated ? check.result.id : check.id;
    return foldProbe(
      previous?.probes.find((p) => p.id === id),
      check,
      specs.find((s) => s.id === id),
    );
  });
  return {
    checks: (previous?.checks ?? 0) + 1,
    firstAt: previous?.firstAt ?? at,
    lastAt: at,
    probes,
  };
}

/** A probe whose `stopAfter` ran out: failing continuously at least that long. */
export interface ProbeStop {
  readonly probe: DuringProbe;
  readonly stopAfterSeconds: number;
  readonly failingSeconds: number;
}

/** The first probe whose failure streak reached its `stopAfter` (none: undefined). */
export function probeStop(
  summary: DuringSummary,
  specs: readonly ProbeSpec[],
  now: string,
): ProbeStop | undefined {
  for (const spec of specs) {
    if (spec.stopAfterSeconds === undefined) continue;
    const probe = summary.probes.find((p) => p.id === spec.id);
    if (!probe?.failingSince) continue;
    const failingSeconds = seconds(probe.failingSince, now);
    if (failingSeconds >= spec.stopAfterSeconds) {
      return { probe, stopAfterSeconds: spec.stopAfterSeconds, failingSeconds };
    }
  }
  return undefined;
}

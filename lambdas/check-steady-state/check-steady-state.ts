import type { Runtime } from '../shared/aws';
import { reverifyEffect } from '../shared/effect';
import type {
  EffectResult,
  ExperimentPlan,
  FaultRef,
  PollResult,
  SteadyStateCheck,
  StopResult,
} from '../shared/types';
import { runProbes } from './probes';

/** How many after-fault checks a result keeps (the first and the most recent ones). */
export const MAX_KEPT_CHECKS = 3;

/** The re-checks after the fault so far (the `$.after` of an iteration). */
export interface RecoveryProgress {
  /** Every check after the fault, in order (bounded by {@link MAX_KEPT_CHECKS}). */
  readonly checks: readonly SteadyStateCheck[];
  /** Whether the last check held. */
  readonly steady: boolean;
  /** Check again after `waitSeconds` (not steady and the recovery window is still open). */
  readonly again: boolean;
  readonly waitSeconds: number;
  /** When the fault ended (stop requested, or seen finished), the recovery window's start. */
  readonly faultEndedAt: string;
  /** When the recovery window closes. */
  readonly deadline: string;
  /** Effect verification re-read over the whole fault (late datapoints), when the poll had not seen it. */
  readonly effect?: EffectResult;
}

/** CheckSteadyStateBefore's input. */
export interface BeforeInput {
  readonly phase: 'before';
  readonly plan: ExperimentPlan;
}

/** CheckSteadyStateAfter's input. */
export interface AfterInput {
  readonly phase: 'after';
  readonly plan: ExperimentPlan;
  readonly progress: RecoveryProgress | null;
  readonly poll: PollResult | null;
  readonly stop: StopResult | null;
  /** The fault (its start bounds the effect window). Absent in older executions. */
  readonly fault?: FaultRef | null;
}

/** What the CheckSteadyState function receives: one of the two phases. */
export type CheckSteadyStateInput = BeforeInput | AfterInput;

/** When the fault ended: the stop request, else the poll that saw it finished, else now. */
export function faultEndedAt(poll: PollResult | null, stop: StopResult | null, now: Date): string {
  return stop?.requestedAt ?? poll?.polledAt ?? now.toISOString();
}

/** Checks the steady-state probes once, before the fault. */
export async function checkSteadyStateBefore(
  plan: ExperimentPlan,
  runtime: Runtime,
): Promise<SteadyStateCheck> {
  const probes = await runProbes(plan.steadyState, runtime);
  return {
    phase: 'before',
    steady: probes.every((p) => p.ok),
    attempt: 1,
    checkedAt: runtime.now().toISOString(),
    probes,
  };
}

/**
 * One re-check after the fault: the steady-state probes plus `recovery.expect`. Says whether to check
 * again (not steady and the recovery window, counted from the fault's end, leaves room for another
 * check).
 */
export async function checkSteadyStateAfter(input: AfterInput, runtime: Runtime): Promise<RecoveryProgress> {
  const { plan } = input;
  const ended = input.progress?.faultEndedAt ?? faultEndedAt(input.poll, input.stop, runtime.now());
  const deadline = new Date(Date.parse(ended) + plan.recovery.windowSeconds * 1000);
  const previous = input.progress?.checks ?? [];
  const probes = await runProbes([...plan.steadyState, ...plan.recovery.expect], runtime);
  const now = runtime.now();
  const check: SteadyStateCheck = {
    phase: 'after',
    steady: probes.every((p) => p.ok),
    attempt: (previous[previous.length - 1]?.attempt ?? 0) + 1,
    checkedAt: now.toISOString(),
    probes,
  };
  const all = [...previous, check];
  const checks =
    all.length > MAX_KEPT_CHECKS ? [all[0] as SteadyStateCheck, ...all.slice(-(MAX_KEPT_CHECKS - 1))] : all;
  const waitSeconds = plan.recovery.intervalSeconds;
  const again = !check.steady && now.getTime() + waitSeconds * 1000 <= deadline.getTime();
  const effect = await effectAfter(input, ended, runtime);
  return {
    ...(effect ? { effect } : {}),
    checks,
    steady: check.steady,
    again,
    waitSeconds,
    faultEndedAt: ended,
    deadline: deadline.toISOString(),
  };
}

/** The effect over the whole fault: re-read until seen (never fails the check: the poll's answer stands). */
async function effectAfter(
  input: AfterInput,
  ended: string,
  runtime: Runtime,
): Promise<EffectResult | undefined> {
  const previous = input.progress?.effect ?? input.poll?.effect;
  if (!input.fault) return previous;
  try {
    return await reverifyEffect(
      input.plan.effect,
      previous,
      { start: input.fault.startedAt, end: ended, ended: true },
      runtime.clients.cloudWatch,
      runtime.now().toISOString(),
    );
  } catch {
    return previous;
  }
}

/** The CheckSteadyState core: dispatches on the phase. */
export function checkSteadyState(
  input: CheckSteadyStateInput,
  runtime: Runtime,
): Promise<SteadyStateCheck | RecoveryProgress> {
  return input.phase === 'before'
    ? checkSteadyStateBefore(input.plan, runtime)
    : checkSteadyStateAfter(input, runtime);
}

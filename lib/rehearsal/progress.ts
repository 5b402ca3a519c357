import type { ReleaseRunLockResult } from '../../lambdas/check-guard-rails/run-lock';
import type { RecoveryProgress } from '../../lambdas/check-steady-state/check-steady-state';
import type {
  FaultRef,
  GuardRailsResult,
  PollResult,
  ProbeResult,
  PublishOutput,
  SteadyStateCheck,
  StopResult,
  TravellingResult,
} from '../../lambdas/shared/types';
import type { SweepOutcome } from '../../lambdas/sweep/sweep';
import type { GuardRailsFailedOutput } from '../../lambdas/verdict/verdict';
import { isTaskState, TASKS, type TaskCore } from '../workflow/tasks';

/** One progress line: the time in the run, the state entered, a short detail. */
export interface ProgressLine {
  readonly atSeconds: number;
  readonly state: string;
  readonly detail: string;
}

/** What each core returns (the result a Task's progress line describes). */
interface CoreResults {
  readonly checkGuardRails: GuardRailsResult;
  readonly releaseRunLock: ReleaseRunLockResult;
  readonly guardRailsFailed: GuardRailsFailedOutput;
  readonly checkSteadyStateBefore: SteadyStateCheck;
  readonly checkSteadyStateAfter: RecoveryProgress;
  readonly startFault: FaultRef;
  readonly pollStopConditions: PollResult;
  readonly stopFault: StopResult;
  readonly verdict: TravellingResult;
  readonly publishResults: PublishOutput;
}

const failing = (probes: readonly ProbeResult[]): string =>
  probes
    .filter((p) => !p.ok)
    .map((p) => `${p.id} ${p.observed}`)
    .join('; ');

/** One line per core, from the result type that core returns. */
const DESCRIBE: { readonly [C in TaskCore]: (result: CoreResults[C]) => string } = {
  checkGuardRails: (r) =>
    r.allowed ? `allowed: ${r.experiments.map((e) => e.name).join(', ')}` : `not allowed: ${r.reason ?? ''}`,
  releaseRunLock: (r) => r.detail,
  guardRailsFailed: (r) => `${r.results.length} failed result(s): ${r.decision.reason ?? ''}`,
  checkSteadyStateBefore: (r) => {
    const phase = `${r.phase} #${r.attempt}`;
    return r.steady ? `steady (${phase})` : `not steady (${phase}): ${failing(r.probes)}`;
  },
  checkSteadyStateAfter: (r) => {
    const count = r.checks.length;
    if (r.steady) return `steady again (check ${count})`;
    const next = r.again ? `, re-check in ${r.waitSeconds} s` : ', recovery window over';
    return `not steady (check ${count})${next}: ${failing(r.checks[count - 1]?.probes ?? [])}`;
  },
  startFault: (r) => `${r.kind} ${r.id} ${r.state}${r.dryRun ? ' (dry run)' : ''}`,
  pollStopConditions: (r) => `${r.action}: ${r.detail}`,
  stopFault: (r) =>
    r.confirmation === 'not-confirmed'
      ? `stop requested, not confirmed: ${r.checkCommand ?? ''}`
      : `fault ${r.confirmedState ?? 'stopped'}${r.alreadyEnded ? ' (had already ended)' : ''}`,
  verdict: (r) => `${r.outcome.toUpperCase()}: ${r.reason}`,
  publishResults: (r) => `journal ${r.journalKey}`,
};

function describeCore<C extends TaskCore>(core: C, result: unknown): string {
  // The state's core returned it, so it has that core's result type (the table says which core).
  return DESCRIBE[core](result as CoreResults[C]);
}

/**
 * A short line (at most 160 characters) about what a Task state found, described by the core the task
 * table says the state runs. States outside the table (a test's own definition) and results that are
 * not the core's (a test's own handler) get no detail.
 */
export function describeTaskResult(state: string, result: unknown): string {
  if (!isTaskState(state) || result === null || typeof result !== 'object') return '';
  try {
    return shorten(describeCore(TASKS[state].core, result));
  } catch {
    return '';
  }
}

/** The shortened text, with `...` when it was cut. */
export function shorten(text: string, max = 160): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/** A failed state's line: the error, and its cause when it says more. */
export function describeError(event: { Error: string; Cause: unknown }): string {
  const cause =
    typeof event.Cause === 'string' ? event.Cause : (event.Cause as { message?: string } | null)?.message;
  const text = cause && cause !== event.Error ? `${event.Error} (${cause})` : event.Error;
  return shorten(text);
}

/** The sweep's progress line: what it stopped and what it did with the run lock. */
export function describeSweep(outcome: SweepOutcome): string {
  const stopped =
    outcome.stopped.length > 0
      ? `stopped ${outcome.stopped.join(', ')}`
      : 'no fault of the run still running';
  return shorten(`${stopped}; ${outcome.runLock.detail}`);
}

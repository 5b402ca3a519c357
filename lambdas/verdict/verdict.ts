import { faultIds, faultLabel } from '../shared/fault-ref';
import type { Runtime } from '../shared/aws';
import type {
  Conclusions,
  ExperimentPlan,
  ExperimentResult,
  FaultRef,
  GuardRailsResult,
  Impact,
  RunConfig,
  Outcome,
  PollResult,
  RunContext,
  SteadyStateCheck,
  StopResult,
  TravellingResult,
} from '../shared/types';
import type { RecoveryProgress } from '../check-steady-state/check-steady-state';
import { hasFaultEnded, impactRank, INJECTED_OUTCOMES } from '../shared/vocabulary';
import { metricEffectChecks } from '../shared/effect';
import { ERROR_NAMES } from '../shared/error-names';
import { conclude, notTested } from './conclusions';
import { duringEvidence, gatherFacts, type Facts } from './facts';
import { STOPPED_BY_TEXT, stopBrief } from '../shared/stop-text';

/** An error as a Step Functions Catch records it. */
export interface CaughtError {
  readonly Error: string;
  readonly Cause: string;
}

/** Everything one Map iteration gathered: the Verdict state's input. */
export interface VerdictInput {
  readonly run: RunContext;
  readonly plan: ExperimentPlan;
  readonly guardRails: Omit<GuardRailsResult, 'experiments'>;
  readonly before: SteadyStateCheck | null;
  readonly fault: FaultRef | null;
  readonly poll: PollResult | null;
  readonly stop: StopResult | null;
  readonly after: RecoveryProgress | null;
  /** Errors caught, keyed by the state that failed. */
  readonly errors: Readonly<Record<string, CaughtError>>;
  /** Set when even stopping the fault failed. */
  readonly stopError: CaughtError | null;
}

/** The fault as the run last saw it, and when it ended (absent while it may still be running). */
export interface FinalFault {
  readonly fault: FaultRef;
  readonly endedAt?: string;
}

/**
 * The fault's final state: the stop confirmation when StopFault ran, else the last poll's
 * `faultState`, else (nothing watched it after the start) StartFault's answer. It ended at the
 * recovery window's start when the steady state was re-checked, else at the stop request, else at the
 * poll that saw it end; no end time while its last known state is still injecting.
 */
export function finalFault(
  input: Pick<VerdictInput, 'fault' | 'poll' | 'stop' | 'after'>,
): FinalFault | undefined {
  const { fault, poll, stop, after } = input;
  if (!fault) return undefined;
  const state = stop?.confirmedState ?? poll?.faultState ?? fault.state;
  const last: FaultRef = { ...fault, state };
  if (!hasFaultEnded(state)) return { fault: last };
  const endedAt = after?.faultEndedAt ?? stop?.requestedAt ?? poll?.polledAt;
  return { fault: last, ...(endedAt !== undefined ? { endedAt } : {}) };
}

function seconds(from: string | undefined, to: string | undefined): number | undefined {
  if (from === undefined || to === undefined) return undefined;
  return Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
}

function failingProbes(check: SteadyStateCheck | undefined): string {
  return (check?.probes ?? [])
    .filter((p) => !p.ok)
    .map((p) => `${p.id} (expected ${p.expected}, saw ${p.observed})`)
    .join('; ');
}

/** The facts of the run behind the verdict and its texts (injected: a fault started, not a dry run). */
export function factsOf(input: VerdictInput, injected: boolean): Facts {
  const effect = input.after?.effect ?? input.poll?.effect;
  const final = finalFault(input);
  return gatherFacts({
    plan: input.plan,
    injected,
    before: input.before,
    ...(input.poll?.during ? { during: input.poll.during } : {}),
    transitions: input.poll?.transitions ?? [],
    ...(input.fault ? { faultStartedAt: input.fault.startedAt } : {}),
    after: input.after?.checks ?? [],
    recovered: input.after?.steady === true,
    ...(input.after?.faultEndedAt !== undefined
      ? { faultEndedAt: input.after.faultEndedAt }
      : final?.endedAt !== undefined
        ? { faultEndedAt: final.endedAt }
        : {}),
    ...(effect ? { effect } : {}),
    stop: input.stop,
  });
}

/** The impact seen: the worst of during the fault (HTTP probe failing: outage; any other: degraded), alarms and after. */
export function observedImpact(input: VerdictInput): Impact {
  return factsOf(input, true).impact;
}

/**
 * A minimal `failed` result: used when the orchestration failed, and by the sweep after an execution
 * ended without publishing.
 */
export function failedResult(
  plan: ExperimentPlan,
  run: RunContext,
  reason: string,
  advice: string,
  error: ExperimentResult['error'],
  now: Date,
): ExperimentResult {
  return {
    name: plan.name,
    application: plan.application,
    outcome: 'failed',
    reason,
    advice,
    hypothesis: plan.hypothesis,
    expectedImpact: plan.expectedImpact,
    observedImpact: 'none',
    conclusions: notTested(
      'the orchestration failed, so the hypothesis was not tested; fix the cause and run again',
    ),
    startedAt: run.startedAt,
    endedAt: now.toISOString(),
    steadyStateAfter: [],
    alarmTransitions: [],
    ...(error ? { error } : {}),
    plan,
  };
}

interface Judgement {
  readonly outcome: Outcome;
  readonly reason: string;
  readonly advice?: string;
}

/**
 * The stop's outcome, for a reason line: "the fault was stopped" only when a read confirmed it;
 * "stop requested at T, not confirmed; check with `...`" when none could.
 */
function stopClause(input: VerdictInput): string {
  const { stop } = input;
  if (stop) return `; ${stopBrief(stop)}`;
  if (input.stopError) {
    return `; STOPPING THE FAULT FAILED (${input.stopError.Error}): check ${input.fault ? `${input.fault.kind} ${input.fault.id}` : `faults tagged with run ${input.run.runId}`} by hand`;
  }
  return '';
}

function describeStop(input: VerdictInput, timeToStop: number | undefined): string {
  const poll = input.poll;
  const by = poll?.stoppedBy ? ` by ${STOPPED_BY_TEXT[poll.stoppedBy]}` : '';
  const after =
    timeToStop !== undefined
      ? `; stop requested ${timeToStop} s after the ${poll?.reason === 'probe' ? 'probe began failing' : 'trigger'}${by}`
      : by
        ? `; stop requested${by}`
        : '';
  const clause = stopClause(input);
  switch (poll?.reason) {
    case 'stop-condition':
      return `stop condition fired: ${poll.detail}${after}${clause}`;
    case 'probe':
      return `probe stop condition: ${poll.detail}${after}${clause}`;
    case 'kill-switch':
      return `kill switch: ${poll.detail}${after}${clause}`;
    case 'time-over':
      return `time over: ${poll.detail}${after}${clause}`;
    default:
      return `stop requested: ${poll?.detail ?? 'unknown reason'}${clause}`;
  }
}

/** StartFault refusing on purpose: say why in the reason, not "the fault was stopped". */
function refusedStart(caught: CaughtError, runId: string): Judgement | undefined {
  const message = causeMessage(caught.Cause).slice(0, 300);
  if (caught.Error === ERROR_NAMES.previousFaultRunning) {
    return {
      outcome: 'failed',
      reason: `not injected: an earlier fault of this run is still running (${message.split(';')[0] ?? message})`,
      advice: `Stop that fault by hand (it carries run ${runId}) and check why stopping it failed; nothing of this experiment was injected.`,
    };
  }
  if (caught.Error === ERROR_NAMES.dryRunNotHonoured) {
    return {
      outcome: 'failed',
      reason: `FIS did not honour the dry run; its stop was requested at once`,
      advice: `Check that FIS supports actionsMode skip-all in this region and SDK (${message}).`,
    };
  }
  return undefined;
}

function judge(input: VerdictInput, timeToStop: number | undefined): Judgement {
  const { guardRails, before, fault, poll, after, stopError } = input;
  const errorState = Object.keys(input.errors)[0];
  if (!guardRails.allowed) {
    return {
      outcome: 'skipped',
      reason: guardRails.reason ?? 'guard rails said no',
      advice: 'Nothing was injected. Fix the guard rail that said no, or wait for the next cadence date.',
    };
  }
  if (errorState !== undefined) {
    const caught = input.errors[errorState] as CaughtError;
    const refusal = refusedStart(caught, input.run.runId);
    if (refusal) return refusal;
    const stopped = stopError
      ? ` AND STOPPING THE FAULT FAILED (${stopError.Error}): check ${fault ? `${fault.kind} ${faultIds(fault).join(', ')}` : `faults tagged with run ${input.run.runId}`} by hand`
      : fault || errorState === 'StartFault'
        ? stopClause(input) || '; no stop was recorded'
        : '; nothing was injected';
    return {
      outcome: 'failed',
      reason: `${errorState} failed: ${caught.Error}${stopped}`,
      advice: `Read the ${errorState} logs of execution ${input.run.runId} (${caught.Cause.slice(0, 200)}).`,
    };
  }
  if (before && !before.steady) {
    return {
      outcome: 'skipped',
      reason: `steady state did not hold before the fault: ${failingProbes(before)}`,
      advice: 'Nothing was injected. Bring the system back to its steady state (or fix the probe) first.',
    };
  }
  if (input.run.dryRun) {
    return {
      outcome: 'skipped',
      reason: `dry run: guard rails and steady state held, targets resolved, nothing injected (${poll?.detail ?? 'no fault'})`,
    };
  }
  if (!poll) return { outcome: 'failed', reason: 'internal: the fault was never polled' };
  if (poll.action === 'stop' && poll.reason === 'error') {
    // Not a stop condition firing: the workflow could not watch the fault (e.g. a missing alarm).
    return {
      outcome: 'failed',
      reason: `the fault could not be watched, so its stop was requested: ${poll.detail}${stopClause(input)}`,
      advice:
        'Check that every stop-condition alarm exists in this account and region under the configured name.',
    };
  }
  if (poll.action === 'stop') return { outcome: 'aborted', reason: describeStop(input, timeToStop) };
  if (poll.faultState === 'failed') {
    return {
      outcome: 'failed',
      reason: `the fault itself failed: ${poll.detail}`,
      advice: `Open ${fault ? faultLabel(fault) : 'SSM command ?'} for the reason (targets, permissions, SSM agent).`,
    };
  }
  if (poll.faultState === 'cancelled') {
    return { outcome: 'aborted', reason: `the fault was cancelled outside the workflow: ${poll.detail}` };
  }
  if (poll.faultState === 'stopped') {
    const after = timeToStop !== undefined ? `; stopped ${timeToStop} s after the trigger` : '';
    return {
      outcome: 'aborted',
      reason:
        poll.stoppedBy !== undefined
          ? `stopped by ${STOPPED_BY_TEXT[poll.stoppedBy]}: ${poll.detail}${after}`
          : `the fault was stopped outside the workflow: ${poll.detail}`,
    };
  }
  const facts = factsOf(input, true);
  if (facts.effect?.status === 'not-seen') {
    return {
      outcome: 'inconclusive',
      reason: `the fault had no observable effect; nothing was proven: ${facts.effect.detail}`,
      advice:
        input.plan.effect?.kind === 'metric'
          ? `${metricEffectChecks(input.plan.effect)}; then run it again.`
          : 'Check that the SSM agent is online on the targets, that the stress tool is installed (installDependencies: true), and that the targets publish CPU at 1-minute periods (detailed monitoring); then run it again.',
    };
  }
  const unverified =
    facts.effect && facts.effect.status !== 'seen' ? ` (effect not verified: ${facts.effect.detail})` : '';
  const expected = impactRank(input.plan.expectedImpact);
  const duringWorst = impactRank(facts.duringImpact) > impactRank('none') || facts.alarmsFired.length > 0;
  const exceededDuring =
    duringWorst && Math.max(impactRank(facts.duringImpact), facts.alarmsFired.length > 0 ? 1 : 0) > expected;
  if (exceededDuring) {
    const evidence = [
      ...facts.failedDuring.map(duringEvidence),
      ...(facts.alarmsFired.length > 0
        ? [`alarm ${[...new Set(facts.alarmsFired.map((t) => t.alarmName))].join(', ')} reached ALARM`]
        : []),
    ].join('; ');
    return {
      outcome: 'deviated',
      reason: `the hypothesis did not hold while the fault ran: impact "${facts.impact}" exceeded the expected "${input.plan.expectedImpact}" (${evidence})${after?.steady ? '; the system recovered afterwards' : after ? `; not steady again within ${input.plan.recovery.windowSeconds} s` : ''}`,
    };
  }
  if (after && !after.steady) {
    const last = after.checks[after.checks.length - 1];
    return {
      outcome: 'deviated',
      reason: `steady state did not return within ${input.plan.recovery.windowSeconds} s: ${failingProbes(last) || 'no check after the fault'}`,
    };
  }
  if (impactRank(facts.impact) > expected) {
    return {
      outcome: 'deviated',
      reason: `the hypothesis did not hold after the fault: impact "${facts.impact}" exceeded the expected "${input.plan.expectedImpact}" (${failingProbes(after?.checks[0])}); steady again within the recovery window`,
    };
  }
  if (after?.steady) {
    return {
      outcome: 'passed',
      reason: `hypothesis held: impact ${facts.impact}, steady again after ${after.checks[after.checks.length - 1]?.attempt ?? after.checks.length} check(s)${unverified}`,
    };
  }
  const last = after?.checks[after.checks.length - 1];
  return {
    outcome: 'deviated',
    reason: `steady state did not return within ${input.plan.recovery.windowSeconds} s: ${failingProbes(last) || 'no check after the fault'}`,
  };
}

function conclusionsOf(input: VerdictInput, judgement: Judgement, facts: Facts): Conclusions {
  if (INJECTED_OUTCOMES.includes(judgement.outcome))
    return conclude(judgement.outcome, facts, input.plan, judgement.reason);
  if (judgement.outcome === 'skipped') return notTested('the fault was not injected; nothing to conclude');
  return notTested(
    input.poll?.faultState === 'failed'
      ? 'the fault itself failed, so the hypothesis was not tested; fix the fault and run again'
      : 'the orchestration failed; nothing to conclude',
  );
}

/**
 * From the triggering transition (alarm StateUpdatedTimestamp, kill switch LastModifiedDate, time limit)
 * to the stop request: StopFault's when the poll stopped it, else the request another part recorded
 * (abort-on-event, halt) or FIS's own end time (native stop conditions). For every stop reason.
 */
export function timeToStopSeconds(input: Pick<VerdictInput, 'poll' | 'stop'>): number | undefined {
  const poll = input.poll;
  // A poll result without `stoppedBy` that said stop is the poll's own stop (results of older runs).
  const by = poll?.stoppedBy ?? (poll?.action === 'stop' ? 'poll' : undefined);
  if (!poll || by === undefined) return undefined;
  const requestedAt = by === 'poll' ? input.stop?.requestedAt : poll.stopRequestedAt;
  return seconds(poll.triggeredAt ?? poll.probeFailingSince ?? poll.firstAlarmAt, requestedAt);
}

/**
 * Judges one experiment: outcome (`passed | deviated | aborted | skipped | failed`), observed impact,
 * the experiment card's conclusions and timings (`timeToStopSeconds` from the stop condition first
 * seen in ALARM to the stop request; `recoverySeconds` from the fault's end to the steady state
 * holding again).
 */
export function verdict(input: VerdictInput, runtime: Pick<Runtime, 'now'>): ExperimentResult {
  const now = runtime.now();
  const timeToStop = timeToStopSeconds(input);
  const judgement = judge(input, timeToStop);
  const afterChecks = input.after?.checks ?? [];
  const recoveredAt = input.after?.steady ? afterChecks[afterChecks.length - 1]?.checkedAt : undefined;
  const recovery = recoveredAt !== undefined ? seconds(input.after?.faultEndedAt, recoveredAt) : undefined;
  const errorState = Object.keys(input.errors)[0];
  const caught = errorState !== undefined ? input.errors[errorState] : undefined;
  const final = finalFault(input);
  const faultFields = {
    ...(final ? { fault: final.fault } : {}),
    ...(final?.endedAt !== undefined ? { faultEndedAt: final.endedAt } : {}),
  };
  if (judgement.outcome === 'failed' && caught) {
    const base = failedResult(
      input.plan,
      input.run,
      judgement.reason,
      judgement.advice ?? '',
      { error: caught.Error, cause: caught.Cause, ...(errorState ? { state: errorState } : {}) },
      now,
    );
    return {
      ...base,
      startedAt: input.before?.checkedAt ?? input.run.startedAt,
      ...(input.before ? { steadyStateBefore: input.before } : {}),
      steadyStateAfter: afterChecks,
      ...faultFields,
      ...(input.stop ? { stop: input.stop } : {}),
      alarmTransitions: input.poll?.transitions ?? [],
    };
  }
  const injected = judgement.outcome !== 'skipped' && input.fault !== null && !input.run.dryRun;
  const facts = factsOf(input, injected);
  const impact = facts.impact;
  const effect = input.after?.effect ?? input.poll?.effect;
  return {
    name: input.plan.name,
    application: input.plan.application,
    outcome: judgement.outcome,
    reason: judgement.reason,
    ...(judgement.advice !== undefined ? { advice: judgement.advice } : {}),
    hypothesis: input.plan.hypothesis,
    expectedImpact: input.plan.expectedImpact,
    observedImpact: impact,
    conclusions: conclusionsOf(input, judgement, facts),
    ...(timeToStop !== undefined ? { timeToStopSeconds: timeToStop } : {}),
    ...(input.poll?.stoppedBy !== undefined ? { stoppedBy: input.poll.stoppedBy } : {}),
    ...(recovery !== undefined ? { recoverySeconds: recovery } : {}),
    ...(injected && facts.timeToDetectSeconds !== undefined
      ? { timeToDetectSeconds: facts.timeToDetectSeconds }
      : {}),
    ...(input.poll?.during ? { during: input.poll.during } : {}),
    ...(effect && injected ? { effect } : {}),
    ...(facts.capacity.length > 0 ? { capacity: facts.capacity } : {}),
    startedAt: input.before?.checkedAt ?? input.guardRails.checkedAt,
    endedAt: now.toISOString(),
    ...(input.before ? { steadyStateBefore: input.before } : {}),
    steadyStateAfter: afterChecks,
    ...faultFields,
    ...(input.stop ? { stop: input.stop } : {}),
    alarmTransitions: input.poll?.transitions ?? [],
    plan: input.plan,
  };
}

/**
 * The Verdict state's answer: {@link verdict} without the plan, which already travels once in the state
 * (PublishResults joins it again).
 */
export function verdictState(input: VerdictInput, runtime: Pick<Runtime, 'now'>): TravellingResult {
  const { plan: _plan, ...result } = verdict(input, runtime);
  return result;
}

/** What the GuardRailsFailed state passes in: CheckGuardRails failed after its retries. */
export interface GuardRailsFailedInput {
  readonly kind: 'guard-rails-failed';
  readonly run: RunContext;
  readonly request: { readonly experiments?: readonly string[] };
  readonly config: RunConfig;
  readonly error: CaughtError;
}

/** The guard-rail decision and one `failed` result per experiment of the run, for PublishResults. */
export interface GuardRailsFailedOutput {
  readonly decision: Omit<GuardRailsResult, 'experiments'>;
  readonly results: readonly ExperimentResult[];
}

/** A Lambda error's Cause is `{"errorType":..,"errorMessage":..}`; the message is what people need. */
function causeMessage(cause: string): string {
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // not JSON: the cause is the message
  }
  return cause;
}

/**
 * The results of a run whose guard rails could not be checked (CheckGuardRails failed after its
 * retries): nothing was injected, and each experiment of the run (the named ones that are deployed,
 * or all) gets a `failed` result saying what to check, so the run is still journaled and emailed.
 */
export function guardRailsFailed(
  input: GuardRailsFailedInput,
  runtime: Pick<Runtime, 'now'>,
): GuardRailsFailedOutput {
  const now = runtime.now();
  const message = causeMessage(input.error.Cause);
  const names = input.request.experiments ?? [];
  const plans = (names.length > 0 ? [...new Set(names)] : Object.keys(input.config.plans))
    .map((name) => input.config.plans[name])
    .filter((plan): plan is ExperimentPlan => plan !== undefined);
  const reason = `guard rails could not be checked (${input.error.Error}: ${message.slice(0, 300)}); nothing was injected`;
  const advice =
    input.error.Error === ERROR_NAMES.unknownExperiment
      ? 'Run again with the name of a deployed experiment (see the list in the reason).'
      : `Read the CheckGuardRails logs of execution ${input.run.runId}; check that the kill-switch parameter exists and is readable, and that the workflow may call states:ListExecutions and ssm:GetCalendarState.`;
  const results = plans.map((plan) => ({
    ...failedResult(
      plan,
      input.run,
      reason,
      advice,
      { error: input.error.Error, cause: input.error.Cause, state: 'CheckGuardRails' },
      now,
    ),
    conclusions: notTested(
      'the guard rails could not be checked, so nothing was injected; fix the cause and run again',
    ),
  }));
  return {
    decision: {
      allowed: false,
      reason,
      checks: [],
      checkedAt: now.toISOString(),
    },
    results,
  };
}

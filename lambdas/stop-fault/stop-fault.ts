import type { ExperimentSummary } from '@aws-sdk/client-fis';
import type { Runtime } from '../shared/aws';
import { checkCommand, confirmStop, hasStopped, requestStop, type StopDeps } from '../shared/stop';
import type {
  ExperimentPlan,
  FaultRef,
  FaultState,
  RunContext,
  StopReason,
  StopResult,
} from '../shared/types';
import { observeFault } from '../poll-stop-conditions/poll-stop-conditions';
import { sleep } from '../poll-stop-conditions/sleep';
import {
  faultComment,
  findRunCommands,
  findRunExperiments,
  findUnfinishedFaults,
  toFaultState,
} from '../shared/faults';
import { FAULT_STATES } from '../shared/vocabulary';

export { findRunExperiments } from '../shared/faults';

/** How often and how long StopFault re-reads the fault's state to confirm the stop. */
export const CONFIRM_INTERVAL_SECONDS = 5;
/** At most this many confirmation reads (about a minute). */
export const CONFIRM_ATTEMPTS = 12;

/** StopFault's input. `fault` is `null` when StartFault failed: the fault is then found by run id. */
export interface StopFaultInput {
  readonly run: RunContext;
  readonly plan: ExperimentPlan;
  readonly fault: FaultRef | null;
  readonly reason: StopReason;
}

/** The service accepted the stop request, but the fault still runs after the confirmation reads. */
export class FaultNotStoppedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FaultNotStoppedError';
  }
}

/** What stopping one fault gave: confirmed with its state, or requested and not confirmed. */
export type FaultStopOutcome =
  | {
      readonly confirmed: true;
      readonly state: FaultState;
      readonly alreadyEnded: boolean;
      readonly requestedAt: string;
    }
  | {
      readonly confirmed: false;
      readonly alreadyEnded: boolean;
      readonly requestedAt: string;
      readonly readError: string;
      readonly checkCommand: string;
    };

/** The stop dependencies of a core runtime (the virtual clock's sleep in the rehearsal). */
export function stopDeps(runtime: Runtime): StopDeps {
  return { fis: runtime.clients.fis, ssm: runtime.clients.ssm, now: runtime.now, sleep };
}

/**
 * Stops one known fault: the stop request first (retried on throttling and 5xx, "already ended" is
 * success), then reads its state until it has ended (about a minute). Reads that fail throughout give
 * `confirmed: false` (the workflow does not spin on it). A fault still injecting after every read
 * throws {@link FaultNotStoppedError} so the state's Retry asks again (never reported as stopped).
 */
export async function stopKnownFault(fault: FaultRef, runtime: Runtime): Promise<FaultStopOutcome> {
  if (fault.state === 'dry-run') {
    return {
      confirmed: true,
      state: 'dry-run',
      alreadyEnded: true,
      requestedAt: runtime.now().toISOString(),
    };
  }
  const request = await requestStop(fault, stopDeps(runtime));
  const confirmation = await confirmStop(
    async () => (await observeFault(fault, runtime)).state,
    { sleep },
    CONFIRM_ATTEMPTS,
    CONFIRM_INTERVAL_SECONDS,
  );
  if (!confirmation.confirmed) {
    return {
      confirmed: false,
      alreadyEnded: request.alreadyEnded,
      requestedAt: request.requestedAt,
      readError: confirmation.readError,
      checkCommand: checkCommand(fault),
    };
  }
  const { state } = confirmation;
  if (!hasStopped(state)) {
    throw new FaultNotStoppedError(
      `${fault.kind} ${fault.id} is still ${state} ${CONFIRM_ATTEMPTS} reads after the stop request`,
    );
  }
  // Ended on its own before the request: the service said so, or it completed/failed (not stopped by us).
  const alreadyEnded = request.alreadyEnded || state === 'completed' || state === 'failed';
  return { confirmed: true, state, alreadyEnded, requestedAt: request.requestedAt };
}

/** The faults a run may have started for one plan, found by run id (FIS tags, SSM comment). */
async function findFaults(run: RunContext, plan: ExperimentPlan, runtime: Runtime): Promise<FaultRef[]> {
  if (plan.fault.kind === 'fis') {
    const experiments = await findRunExperiments(run.runId, plan.name, runtime);
    return experiments
      .filter((e): e is ExperimentSummary & { id: string } => typeof e.id === 'string')
      .map((e) => ({
        kind: 'fis' as const,
        id: e.id,
        startedAt: (e.creationTime ?? runtime.now()).toISOString(),
        state: toFaultState(e.state?.status),
        dryRun: run.dryRun,
      }));
  }
  const comment = faultComment(run.runId, plan.name);
  const commands = await findRunCommands(
    plan.fault.documentName,
    run.startedAt,
    (c) => c === comment,
    runtime,
  );
  return commands.map((c) => ({
    kind: 'ssm' as const,
    id: c.id,
    startedAt: (c.requestedAt ?? runtime.now()).toISOString(),
    state: 'running' as const,
    targets: c.targets,
    dryRun: false,
  }));
}

/**
 * Stops the fault (FIS StopExperiment or SSM CancelCommand) first and confirms it ended after.
 * Idempotent: stopping an ended fault is success (`alreadyEnded`). Without a fault reference (StartFault
 * failed after possibly injecting), finds the run's faults by run id and stops each. When no read can
 * confirm the stop, the result is `not-confirmed` with the command that checks it.
 */
export async function stopFault(input: StopFaultInput, runtime: Runtime): Promise<StopResult> {
  const requestedAt = runtime.now().toISOString();
  const faults = input.fault ? [input.fault] : await findFaults(input.run, input.plan, runtime);
  // This experiment's own fault first; then, on the error path, any earlier one of the run.
  const outcomes = await Promise.all(faults.map((fault) => stopKnownFault(fault, runtime)));
  const earlier = input.reason === 'error' ? await stopEarlierFaults(input, runtime) : [];
  const common = {
    requestedAt: outcomes[0]?.requestedAt ?? requestedAt,
    alreadyEnded: outcomes.every((o) => o.alreadyEnded),
    reason: input.reason,
    ...(earlier.length ? { earlierFaults: earlier } : {}),
  };
  const unconfirmed = outcomes.filter((o) => !o.confirmed);
  if (unconfirmed.length > 0) {
    return {
      ...common,
      confirmation: 'not-confirmed',
      readError: unconfirmed.map((o) => o.readError).join('; '),
      checkCommand: unconfirmed.map((o) => o.checkCommand).join(' ; '),
    };
  }
  if (faults.length === 0) {
    // Nothing of this experiment was found running: the search itself confirms there is nothing to stop.
    return { ...common, confirmation: 'confirmed', confirmedState: 'stopped', alreadyEnded: true };
  }
  const states = outcomes.flatMap((o) => (o.confirmed ? [o.state] : []));
  // FAULT_STATES runs from the least ended to the most: report the least-ended one of several faults.
  const worst = states.sort((a, b) => FAULT_STATES.indexOf(a) - FAULT_STATES.indexOf(b))[0];
  return { ...common, confirmation: 'confirmed', confirmedState: worst ?? 'stopped' };
}

/**
 * On the error path, also stops unfinished faults of the run's OTHER experiments (an earlier
 * experiment whose own stop failed): experiments run one at a time, so none of them should still be
 * injecting. Best effort: this experiment's result does not depend on it, and what could not be
 * stopped is reported (`id: error`) so the verdict and the email can name it.
 */
async function stopEarlierFaults(input: StopFaultInput, runtime: Runtime): Promise<string[]> {
  let unfinished;
  try {
    unfinished = await findUnfinishedFaults(input.run, input.plan, runtime);
  } catch (error) {
    return [`search failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`];
  }
  const settled = await Promise.allSettled(
    unfinished.map((fault) =>
      stopKnownFault(
        {
          kind: fault.kind,
          id: fault.id,
          startedAt: input.run.startedAt,
          state: toFaultState(fault.state),
          dryRun: false,
        },
        runtime,
      ),
    ),
  );
  return settled.map((result, i) => {
    const id = `${unfinished[i]?.kind ?? '?'} ${unfinished[i]?.id ?? '?'} of ${unfinished[i]?.experiment ?? '?'}`;
    if (result.status === 'rejected') return `${id}: ${String(result.reason)}`;
    const outcome = result.value;
    return outcome.confirmed
      ? `${id}: ${outcome.state}`
      : `${id}: stop requested at ${outcome.requestedAt}, not confirmed (check: ${outcome.checkCommand})`;
  });
}

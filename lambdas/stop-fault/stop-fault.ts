import { StopExperimentCommand, type ExperimentSummary } from '@aws-sdk/client-fis';
import type { Runtime } from '../shared/aws';
import { awsCall, awsErrorName } from '../shared/errors';
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
  cancelCommands,
  faultComment,
  faultIds,
  findRunCommands,
  findRunExperiments,
  findUnfinishedFaults,
  TERMINAL_FAULT_STATES,
  toFaultState,
} from '../shared/faults';

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

const NOT_FOUND = new Set(['ResourceNotFoundException', 'InvalidCommandId', 'InvalidInstanceId']);
const isTerminal = (state: FaultState): boolean => TERMINAL_FAULT_STATES.includes(state);

/** Asks the service to stop one fault (every command of an SSM fault); "already ended / not found" counts as done. */
async function requestStop(fault: FaultRef, runtime: Runtime): Promise<void> {
  try {
    if (fault.kind === 'fis') {
      await awsCall('fis:StopExperiment', () =>
        runtime.clients.fis.send(new StopExperimentCommand({ id: fault.id })),
      );
    } else {
      await cancelCommands(faultIds(fault), runtime);
    }
  } catch (error) {
    const name = awsErrorName(error);
    // FIS answers ConflictException / ValidationException for an experiment that already ended (it
    // may have ended between our read and the request). Safe to swallow: the confirmation reads that
    // follow throw FaultNotStoppedError if it is in fact still running.
    if (name && (NOT_FOUND.has(name) || name === 'ConflictException' || name === 'ValidationException'))
      return;
    throw error;
  }
}

/** Stops one known fault idempotently and re-reads its state until it has ended (about a minute). */
export async function stopKnownFault(
  fault: FaultRef,
  runtime: Runtime,
): Promise<{ state: FaultState; alreadyEnded: boolean }> {
  if (fault.state === 'dry-run') return { state: 'dry-run', alreadyEnded: true };
  const before = await observeFault(fault, runtime);
  if (isTerminal(before.state)) return { state: before.state, alreadyEnded: true };
  await requestStop(fault, runtime);
  let state: FaultState = 'stopping';
  for (let attempt = 0; attempt < CONFIRM_ATTEMPTS; attempt++) {
    state = (await observeFault(fault, runtime)).state;
    if (isTerminal(state)) break;
    await sleep(CONFIRM_INTERVAL_SECONDS);
  }
  // `stopping` means the service accepted the stop and is rolling back: done from here. Anything
  // else means the stop did not take; throw so the state's Retry asks again (never report success).
  if (!isTerminal(state) && state !== 'stopping') {
    throw new FaultNotStoppedError(
      `${fault.kind} ${fault.id} is still ${state} ${CONFIRM_ATTEMPTS} reads after the stop request`,
    );
  }
  return { state, alreadyEnded: false };
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

/** Orders states by how "ended" they are, to report the least-ended one of several faults. */
const ENDEDNESS: readonly FaultState[] = [
  'pending',
  'initiating',
  'running',
  'stopping',
  'failed',
  'cancelled',
  'completed',
  'stopped',
  'dry-run',
];

/**
 * Stops the fault (FIS StopExperiment or SSM CancelCommand) and confirms it ended. Idempotent:
 * stopping an ended fault is success (`alreadyEnded`). Without a fault reference (StartFault failed
 * after possibly injecting), finds the run's faults by run id and stops each.
 */
export async function stopFault(input: StopFaultInput, runtime: Runtime): Promise<StopResult> {
  const requestedAt = runtime.now().toISOString();
  const faults = input.fault ? [input.fault] : await findFaults(input.run, input.plan, runtime);
  // This experiment's own fault first; then, on the error path, any earlier one of the run.
  const outcomes = await Promise.all(faults.map((fault) => stopKnownFault(fault, runtime)));
  const earlier = input.reason === 'error' ? await stopEarlierFaults(input, runtime) : [];
  if (faults.length === 0) {
    return {
      requestedAt,
      confirmedState: 'stopped',
      alreadyEnded: true,
      reason: input.reason,
      ...(earlier.length ? { earlierFaults: earlier } : {}),
    };
  }
  const worst = outcomes.map((o) => o.state).sort((a, b) => ENDEDNESS.indexOf(a) - ENDEDNESS.indexOf(b))[0];
  return {
    requestedAt,
    confirmedState: worst ?? 'stopped',
    alreadyEnded: outcomes.every((o) => o.alreadyEnded),
    reason: input.reason,
    ...(earlier.length ? { earlierFaults: earlier } : {}),
  };
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
    return result.status === 'fulfilled' ? `${id}: ${result.value.state}` : `${id}: ${String(result.reason)}`;
  });
}

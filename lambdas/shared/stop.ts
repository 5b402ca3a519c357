import { StopExperimentCommand, type FisClient } from '@aws-sdk/client-fis';
import { CancelCommandCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { awsCall, awsErrorName, ThrottledError, TransientError } from './errors';
import type { FaultRef, FaultState } from './types';
import { hasFaultEnded, TERMINAL_FAULT_STATES } from './vocabulary';

/**
 * Stop first, confirm after: the one way every part of chaos-cadence stops a fault (StopFault, every
 * Catch path, the sweep, the abort-on-event function and `chaos-cadence halt`). The stop request is
 * sent before any read, retried on throttling and 5xx with backoff; "already ended" answers are
 * success; reads only confirm, and a stop no read could confirm is reported as such, never as stopped.
 */

/** What stopping needs: the two clients, a clock and a sleep (virtual in the rehearsal). */
export interface StopDeps {
  readonly fis: Pick<FisClient, 'send'>;
  readonly ssm: Pick<SSMClient, 'send'>;
  readonly now: () => Date;
  readonly sleep: (seconds: number) => Promise<void>;
}

/** A fault to stop: kind and id (and every command id of a chunked SSM fault). */
export type StopTarget = Pick<FaultRef, 'kind' | 'id' | 'commandIds'>;

/** Backoff of the stop request, in seconds: 1, 2, 4, 8, 16 (six attempts, about 31 s at most). */
export const STOP_REQUEST_BACKOFF_SECONDS: readonly number[] = [1, 2, 4, 8, 16];

/** Errors that mean the fault has already ended (or never existed): nothing left to stop. */
const ALREADY_ENDED_ERRORS = new Set([
  'ResourceNotFoundException',
  'InvalidCommandId',
  'InvalidInstanceId',
  // FIS answers these for an experiment that is no longer running (completed, stopped, failed).
  'ConflictException',
  'ValidationException',
]);

/** How the stop request went. */
export interface StopRequest {
  /** When the (first) request was sent. */
  readonly requestedAt: string;
  /** The service answered that the fault had already ended (or did not exist). */
  readonly alreadyEnded: boolean;
  /** Requests sent (1 + retries). */
  readonly attempts: number;
}

/** The stop request failed for a reason retrying did not fix: the fault may still run. */
export class StopRequestFailedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StopRequestFailedError';
  }
}

/** The SSM command ids of a fault (several when its targets were sent in chunks of 50). */
function commandIdsOf(fault: StopTarget): readonly string[] {
  return fault.commandIds && fault.commandIds.length > 0 ? fault.commandIds : [fault.id];
}

/**
 * One stop request: FIS StopExperiment, or SSM CancelCommand for every command of the fault, all
 * requested before any error is thrown; "already ended" answers of single commands count as done.
 */
async function stopCall(fault: StopTarget, deps: StopDeps): Promise<void> {
  if (fault.kind === 'fis') {
    await awsCall('fis:StopExperiment', () => deps.fis.send(new StopExperimentCommand({ id: fault.id })));
    return;
  }
  const settled = await Promise.allSettled(
    commandIdsOf(fault).map((id) =>
      awsCall('ssm:CancelCommand', () => deps.ssm.send(new CancelCommandCommand({ CommandId: id }))),
    ),
  );
  const failed = settled.flatMap((r) =>
    r.status === 'rejected' && !ALREADY_ENDED_ERRORS.has(awsErrorName(r.reason) ?? '')
      ? [r.reason as unknown]
      : [],
  );
  if (failed.length > 0) throw failed[0];
}

/**
 * Sends FIS StopExperiment / SSM CancelCommand, before any read. Retried on throttling and transient
 * (5xx, network) errors with {@link STOP_REQUEST_BACKOFF_SECONDS}; an "already ended / not found"
 * answer is success.
 * @throws the classified error when the request is refused for another reason (access denied...) or
 *   still throttled after every retry
 */
export async function requestStop(fault: StopTarget, deps: StopDeps): Promise<StopRequest> {
  const requestedAt = deps.now().toISOString();
  for (let attempt = 1; ; attempt++) {
    try {
      await stopCall(fault, deps);
      return { requestedAt, alreadyEnded: false, attempts: attempt };
    } catch (error) {
      const name = awsErrorName(error);
      if (name !== undefined && ALREADY_ENDED_ERRORS.has(name)) {
        return { requestedAt, alreadyEnded: true, attempts: attempt };
      }
      const retryable = error instanceof ThrottledError || error instanceof TransientError;
      const wait = STOP_REQUEST_BACKOFF_SECONDS[attempt - 1];
      if (!retryable || wait === undefined) throw error;
      await deps.sleep(wait);
    }
  }
}

/** The AWS CLI command that shows whether a fault still runs (for texts about unconfirmed stops). */
export function checkCommand(fault: StopTarget): string {
  return fault.kind === 'fis'
    ? `aws fis get-experiment --id ${fault.id}`
    : commandIdsOf(fault)
        .map((id) => `aws ssm list-command-invocations --command-id ${id}`)
        .join(' ; ');
}

/** States in which the fault injects no more: the terminal ones and `stopping` (rolling back). */
export function hasStopped(state: FaultState): boolean {
  return hasFaultEnded(state);
}

/** The outcome of a confirmation: a read saw the state, or no read succeeded. */
export type Confirmation =
  | { readonly confirmed: true; readonly state: FaultState }
  | { readonly confirmed: false; readonly readError: string; readonly lastState?: FaultState };

/**
 * Reads the fault's state up to `attempts` times, `intervalSeconds` apart, until it has ended
 * (terminal, or `stopping` on the last read). Read errors are not thrown: when no read succeeds the
 * result is `confirmed: false` with the last error, so the caller reports "requested, not confirmed".
 * A fault that reads as still injecting after every read is `confirmed: true` with that state: the
 * caller decides (StopFault throws so its Retry asks again).
 */
export async function confirmStop(
  read: () => Promise<FaultState>,
  deps: Pick<StopDeps, 'sleep'>,
  attempts: number,
  intervalSeconds: number,
): Promise<Confirmation> {
  let state: FaultState | undefined;
  let readError: string | undefined;
  let lastReadOk = false;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      state = await read();
      lastReadOk = true;
      if (TERMINAL_FAULT_STATES.includes(state)) break;
    } catch (error) {
      lastReadOk = false;
      readError = error instanceof Error ? error.message : String(error);
    }
    if (attempt < attempts - 1) await deps.sleep(intervalSeconds);
  }
  if (state !== undefined && (lastReadOk || hasStopped(state))) return { confirmed: true, state };
  return {
    confirmed: false,
    readError: readError ?? 'no read was made',
    ...(state !== undefined ? { lastState: state } : {}),
  };
}

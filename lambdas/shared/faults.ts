import { paginateListExperiments, type ExperimentSummary } from '@aws-sdk/client-fis';
import {
  CancelCommandCommand,
  paginateListCommandInvocations,
  paginateListCommands,
} from '@aws-sdk/client-ssm';
import type { AwsClients, Runtime } from './aws';
import { awsCall, awsErrorName } from './errors';
import { awsPages } from './paginate';
import type { ExperimentPlan, FaultKind, FaultState, RunContext } from './types';
import { FAULT_STATES, isTerminalFaultState, SSM_UNFINISHED_STATUSES } from './vocabulary';

/**
 * The fault vocabulary StartFault, PollStopConditions, StopFault and the sweep share: how a run marks
 * its faults (FIS tags, SSM comments), how states map, and how a run's faults are found again. Kept
 * apart from the step folders so no step loads another step's SDK clients (EC2 is StartFault's alone).
 */

/** Tag key carrying the run id on every FIS experiment the workflow starts. */
export const RUN_ID_TAG = 'chaos-cadence:run-id';
/** Tag key carrying the experiment name on every FIS experiment the workflow starts. */
export const EXPERIMENT_TAG = 'chaos-cadence:experiment';
/** Prefix of the SSM command comment, followed by the run id and the experiment name. */
export const COMMENT_PREFIX = 'chaos-cadence:';

/** The SSM command comment that identifies a run's command (SSM allows 100 characters). */
export function faultComment(runId: string, experimentName: string): string {
  return `${COMMENT_PREFIX}${runId}:${experimentName}`.slice(0, 100);
}

/** The comment prefix shared by every SSM command of a run. */
export function runCommentPrefix(runId: string): string {
  return `${COMMENT_PREFIX}${runId}:`;
}

export { faultIds, faultLabel, instanceIdChunks, SSM_MAX_INSTANCE_IDS } from './fault-ref';

/** One target's invocation of an SSM command. */
export interface CommandInvocation {
  readonly status: string;
  readonly instanceId?: string;
}

/** The invocation of every target of every command (ListCommandInvocations, all pages, per command). */
export async function commandInvocations(
  commandIds: readonly string[],
  runtime: { readonly clients: Pick<AwsClients, 'ssm'> },
): Promise<CommandInvocation[]> {
  const invocations: CommandInvocation[] = [];
  for (const commandId of commandIds) {
    const pages = paginateListCommandInvocations({ client: runtime.clients.ssm }, { CommandId: commandId });
    for await (const answer of awsPages('ssm:ListCommandInvocations', pages)) {
      for (const invocation of answer.CommandInvocations ?? []) {
        invocations.push({
          status: invocation.Status ?? 'Pending',
          ...(invocation.InstanceId ? { instanceId: invocation.InstanceId } : {}),
        });
      }
    }
  }
  return invocations;
}

/** SSM errors meaning the command has nothing left to cancel. */
const NOTHING_TO_CANCEL = new Set(['InvalidCommandId', 'InvalidInstanceId']);

/**
 * Asks SSM to cancel every command of a fault, all of them before any error is thrown (stop first):
 * a command SSM no longer knows counts as cancelled; the first other error is thrown after every
 * cancel was requested.
 */
export async function cancelCommands(commandIds: readonly string[], runtime: Runtime): Promise<void> {
  const settled = await Promise.allSettled(
    commandIds.map((commandId) =>
      awsCall('ssm:CancelCommand', () =>
        runtime.clients.ssm.send(new CancelCommandCommand({ CommandId: commandId })),
      ),
    ),
  );
  for (const result of settled) {
    if (result.status === 'rejected' && !NOTHING_TO_CANCEL.has(awsErrorName(result.reason) ?? ''))
      throw result.reason;
  }
}

/**
 * A time for SSM `ListCommands` filters (`InvokedAfter`, `InvokedBefore`) in the precision the API
 * documents, whole seconds: `2026-12-01T09:00:00Z` (rounded down, so an "after" filter never skips).
 */
export function ssmFilterTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A FIS status in the workflow's vocabulary (FIS `cancelled` is newer than the SDK's enum): every
 * state of {@link FAULT_STATES} but `dry-run` is FIS's own; anything else reads as `pending`.
 */
export function toFaultState(status: string | undefined): FaultState {
  return FAULT_STATES.find((state) => state === status && state !== 'dry-run') ?? 'pending';
}

export { TERMINAL_FAULT_STATES } from './vocabulary';

/** Every FIS experiment tagged with the run id (and, when given, the experiment name). */
export async function findRunExperiments(
  runId: string,
  experimentName: string | undefined,
  runtime: Runtime,
): Promise<ExperimentSummary[]> {
  const found: ExperimentSummary[] = [];
  const pages = paginateListExperiments({ client: runtime.clients.fis }, { maxResults: 100 });
  for await (const answer of awsPages('fis:ListExperiments', pages)) {
    for (const experiment of answer.experiments ?? []) {
      const tags = experiment.tags ?? {};
      if (
        tags[RUN_ID_TAG] === runId &&
        (experimentName === undefined || tags[EXPERIMENT_TAG] === experimentName)
      ) {
        found.push(experiment);
      }
    }
  }
  return found;
}

/** One SSM command found by {@link findRunCommands}. */
export interface RunCommand {
  readonly id: string;
  readonly targets: string[];
  readonly comment: string;
  readonly requestedAt?: Date;
  readonly status?: string;
}

/**
 * The SSM commands sent since a little before `since` whose comment `matches` (a run's commands,
 * found by their comment). `documentName` narrows the listing; `undefined` lists every document.
 */
export async function findRunCommands(
  documentName: string | undefined,
  since: string,
  matches: (comment: string) => boolean,
  runtime: Runtime,
): Promise<RunCommand[]> {
  const found: RunCommand[] = [];
  const pages = paginateListCommands(
    { client: runtime.clients.ssm },
    {
      Filters: [
        ...(documentName !== undefined ? [{ key: 'DocumentName' as const, value: documentName }] : []),
        { key: 'InvokedAfter', value: ssmFilterTime(Date.parse(since) - 60_000) },
      ],
    },
  );
  for await (const answer of awsPages('ssm:ListCommands', pages)) {
    for (const command of answer.Commands ?? []) {
      const comment = command.Comment ?? '';
      if (command.CommandId && matches(comment)) {
        found.push({
          id: command.CommandId,
          targets: command.InstanceIds ?? [],
          comment,
          ...(command.RequestedDateTime ? { requestedAt: command.RequestedDateTime } : {}),
          ...(command.Status ? { status: command.Status } : {}),
        });
      }
    }
  }
  return found;
}

/** A fault that another experiment of the same run started and that has not ended. */
export interface UnfinishedFault {
  readonly kind: FaultKind;
  /** FIS experiment id or SSM command id. */
  readonly id: string;
  /** The experiment that started it (FIS tag / SSM comment); `?` when the tag is missing. */
  readonly experiment: string;
  /** FIS state or SSM status as the service reports it. */
  readonly state: string;
}

/**
 * The faults of this run that other experiments started and that have not ended: FIS experiments
 * tagged with the run id in any but a terminal state (`stopping` counts as unfinished: it is still
 * rolling back), SSM commands with the run's comment prefix in an unfinished status (Cancelling too). Both
 * services are asked whatever this plan's kind, since a run may mix FIS and SSM experiments. This
 * experiment's own fault (a retried start) does not count.
 */
export async function findUnfinishedFaults(
  run: RunContext,
  plan: ExperimentPlan,
  runtime: Runtime,
): Promise<UnfinishedFault[]> {
  const prefix = runCommentPrefix(run.runId);
  const own = faultComment(run.runId, plan.name);
  const [experiments, commands] = await Promise.all([
    findRunExperiments(run.runId, undefined, runtime),
    findRunCommands(undefined, run.startedAt, (c) => c.startsWith(prefix) && c !== own, runtime),
  ]);
  const unfinished: UnfinishedFault[] = [];
  for (const experiment of experiments) {
    const name = experiment.tags?.[EXPERIMENT_TAG];
    const state = experiment.state?.status ?? 'unknown';
    if (!experiment.id || name === plan.name || isTerminalFaultState(state)) continue;
    unfinished.push({ kind: 'fis', id: experiment.id, experiment: name ?? '?', state });
  }
  for (const command of commands) {
    const state = command.status ?? 'unknown';
    if (!SSM_UNFINISHED_STATUSES.includes(state) && command.status !== undefined) continue;
    unfinished.push({ kind: 'ssm', id: command.id, experiment: command.comment.slice(prefix.length), state });
  }
  return unfinished;
}

import { paginateListExperiments } from '@aws-sdk/client-fis';
import { paginateListExecutions } from '@aws-sdk/client-sfn';
import { paginateListCommands, PutParameterCommand } from '@aws-sdk/client-ssm';
import { observeFault } from '../../../lambdas/poll-stop-conditions/poll-stop-conditions';
import {
  DEFAULT_SAFETY_LEVER_ID,
  sendSafetyLever,
  UpdateSafetyLeverStateCommand,
} from '../../../lambdas/shared/fis-safety-lever';
import { COMMENT_PREFIX, EXPERIMENT_TAG, RUN_ID_TAG, ssmFilterTime } from '../../../lambdas/shared/faults';
import {
  checkCommand,
  confirmStop,
  hasStopped,
  requestStop,
  type StopTarget,
} from '../../../lambdas/shared/stop';
import { recordStop, type LockTableRef } from '../../../lambdas/shared/stop-records';
import type { FaultState } from '../../../lambdas/shared/types';
import { INJECTING_FAULT_STATES, SSM_INJECTING_STATUSES } from '../../../lambdas/shared/vocabulary';
import type { CliClients, CliContext, StackOptions } from '../context';
import { CliError, ExitCode, type ExitCodeValue } from '../errors';
import { paint, println } from '../io';
import { findStack } from '../stack';

/** Options of `chaos-cadence halt`. */
export interface HaltOptions extends StackOptions {
  /** Why, recorded in the parameter's description. */
  readonly reason?: string;
  /** Also engage FIS's account-wide safety lever (UpdateSafetyLeverState). */
  readonly fisSafetyLever: boolean;
}

/** Options of `chaos-cadence resume`. */
export type ResumeOptions = StackOptions;

/** How far back `halt` looks for faults: longer than any fault may run (FIS caps actions at 12 h). */
export const HALT_LOOKBACK_HOURS = 13;
/** Confirmation reads per fault (2 s apart). */
export const HALT_CONFIRM_ATTEMPTS = 6;

async function setKillSwitch(
  value: 'on' | 'off',
  description: string,
  options: StackOptions,
  context: CliContext,
) {
  const clients = context.clients(options.region);
  const stack = await findStack(clients.cloudFormation, options.stack);
  const name = stack.require('KillSwitchParameterName');
  await clients.ssm.send(
    new PutParameterCommand({
      Name: name,
      Value: value,
      Type: 'String',
      Overwrite: true,
      Description: description,
    }),
  );
  return { clients, stack, name };
}

/** A running fault of the stack, found by its run id (FIS tag, SSM comment). */
interface StackFault extends StopTarget {
  readonly runId: string;
  readonly experiment: string;
}

/** The run ids of the stack: every execution of its state machine (newest 1,000). */
async function stackRunIds(clients: CliClients, stateMachineArn: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let pages = 0;
  for await (const page of paginateListExecutions(
    { client: clients.sfn },
    { stateMachineArn, maxResults: 100 },
  )) {
    for (const e of page.executions ?? []) if (e.name) ids.add(e.name);
    pages += 1;
    if (pages === 10) break;
  }
  return ids;
}

/** Every FIS experiment and SSM command of the stack's runs that still injects. */
async function runningStackFaults(
  clients: CliClients,
  runIds: Set<string>,
  now: Date,
): Promise<StackFault[]> {
  const faults: StackFault[] = [];
  for await (const page of paginateListExperiments({ client: clients.fis }, { maxResults: 100 })) {
    for (const e of page.experiments ?? []) {
      const runId = e.tags?.[RUN_ID_TAG];
      if (
        !e.id ||
        !runId ||
        !runIds.has(runId) ||
        !(INJECTING_FAULT_STATES as readonly string[]).includes(e.state?.status ?? '')
      )
        continue;
      faults.push({ kind: 'fis', id: e.id, runId, experiment: e.tags?.[EXPERIMENT_TAG] ?? '?' });
    }
  }
  const since = ssmFilterTime(now.getTime() - HALT_LOOKBACK_HOURS * 3600_000);
  const commandPages = paginateListCommands(
    { client: clients.ssm },
    { Filters: [{ key: 'InvokedAfter', value: since }] },
  );
  for await (const page of commandPages) {
    for (const c of page.Commands ?? []) {
      const comment = c.Comment ?? '';
      if (!c.CommandId || !comment.startsWith(COMMENT_PREFIX)) continue;
      if (!SSM_INJECTING_STATUSES.includes(c.Status ?? '')) continue;
      const [runId, ...rest] = comment.slice(COMMENT_PREFIX.length).split(':');
      if (!runId || !runIds.has(runId)) continue;
      faults.push({ kind: 'ssm', id: c.CommandId, runId, experiment: rest.join(':') || '?' });
    }
  }
  return faults;
}

/** How one fault's stop went, as halt prints it. */
type HaltStop =
  | { readonly fault: StackFault; readonly status: 'confirmed'; readonly state: FaultState }
  | { readonly fault: StackFault; readonly status: 'not-confirmed'; readonly requestedAt: string }
  | { readonly fault: StackFault; readonly status: 'refused'; readonly error: string };

async function haltFault(
  fault: StackFault,
  clients: CliClients,
  context: CliContext,
  lock: LockTableRef | undefined,
  reason: string,
): Promise<HaltStop> {
  const deps = {
    fis: clients.fis,
    ssm: clients.ssm,
    now: context.now,
    sleep: (seconds: number) => context.sleep(seconds * 1000),
  };
  let requestedAt: string;
  try {
    requestedAt = (await requestStop(fault, deps)).requestedAt;
  } catch (error) {
    return { fault, status: 'refused', error: error instanceof Error ? error.message : String(error) };
  }
  if (lock) {
    // For the run's own poll: this fault was stopped by halt (best effort; the stop is what matters).
    await recordStop(
      fault.runId,
      {
        faultId: fault.id,
        by: 'halt',
        reason: 'kill-switch',
        requestedAt,
        triggeredAt: requestedAt,
        trigger: `chaos-cadence halt: ${reason}`,
      },
      lock,
    ).catch(() => false);
  }
  const confirmation = await confirmStop(
    async () =>
      (await observeFault({ ...fault, startedAt: requestedAt, state: 'running', dryRun: false }, { clients }))
        .state,
    deps,
    HALT_CONFIRM_ATTEMPTS,
    2,
  );
  if (confirmation.confirmed && hasStopped(confirmation.state)) {
    return { fault, status: 'confirmed', state: confirmation.state };
  }
  return { fault, status: 'not-confirmed', requestedAt };
}

function describeFault(fault: StackFault): string {
  return `${fault.kind === 'fis' ? 'FIS experiment' : 'SSM command'} ${fault.id} (run ${fault.runId}, ${fault.experiment})`;
}

/**
 * `chaos-cadence halt`: turns the kill switch `on` (no new runs), then stops every running fault of
 * this stack at once (FIS experiments tagged with one of its run ids, SSM commands carrying its
 * comment prefix): the stop request first, then a read confirms each, printed one per line. With
 * `--fis-safety-lever`, also engages FIS's account safety lever (UpdateSafetyLeverState).
 * @returns 0 when every fault is confirmed stopped; 1 naming any that could not be stopped or confirmed
 */
export async function haltCommand(options: HaltOptions, context: CliContext): Promise<ExitCodeValue> {
  const { io } = context;
  const reason = options.reason ?? 'halted from the chaos-cadence CLI';
  const at = context.now().toISOString();
  const { clients, stack, name } = await setKillSwitch(
    'on',
    `Kill switch ON since ${at}: ${reason}`.slice(0, 1024),
    options,
    context,
  );
  println(io, `${paint(io, 'red', 'Halted')}: kill switch ${name} is on (${reason}).`);
  println(
    io,
    '  - no new runs: scheduled and manual runs stop at the guard rails and are recorded as skipped;',
  );
  println(io, '  - every running fault of this stack is stopped now:');

  const failures: string[] = [];
  const stateMachineArn = stack.outputs.StateMachineArn;
  if (stateMachineArn) {
    const lockTable = stack.outputs.RunLockTableName;
    const lock = lockTable ? { table: lockTable, client: clients.dynamodb } : undefined;
    const faults = await runningStackFaults(
      clients,
      await stackRunIds(clients, stateMachineArn),
      context.now(),
    );
    const stops = await Promise.all(faults.map((f) => haltFault(f, clients, context, lock, reason)));
    if (stops.length === 0) println(io, '    no fault of this stack is running');
    for (const stop of stops) {
      if (stop.status === 'confirmed') {
        println(
          io,
          `    ${paint(io, 'green', 'stopped')} ${describeFault(stop.fault)}: confirmed ${stop.state}`,
        );
      } else if (stop.status === 'not-confirmed') {
        failures.push(stop.fault.id);
        println(
          io,
          `    ${paint(io, 'yellow', 'not confirmed')} ${describeFault(stop.fault)}: stop requested at ${stop.requestedAt}, not confirmed; check with \`${checkCommand(stop.fault)}\``,
        );
      } else {
        failures.push(stop.fault.id);
        println(io, `    ${paint(io, 'red', 'NOT STOPPED')} ${describeFault(stop.fault)}: ${stop.error}`);
      }
    }
  }

  if (options.fisSafetyLever) {
    try {
      const answer = await sendSafetyLever(
        clients.fis,
        new UpdateSafetyLeverStateCommand({
          id: DEFAULT_SAFETY_LEVER_ID,
          state: { status: 'engaged', reason: reason.slice(0, 1024) },
        }),
      );
      println(
        io,
        `  - FIS safety lever: ${answer.safetyLever?.state?.status ?? 'engaged'} (no new FIS experiment can start in this account and region; running ones are stopped by FIS)`,
      );
    } catch (error) {
      failures.push('FIS safety lever');
      println(
        io,
        `  - FIS safety lever ${paint(io, 'red', 'NOT engaged')}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      );
    }
  }
  println(io, 'Lift it with `npx chaos-cadence resume`.');
  if (failures.length > 0) {
    throw new CliError(`halt could not stop or confirm: ${failures.join(', ')}`, {
      hint: 'check each one with the command printed above, and stop it by hand in the FIS or SSM console if it still runs',
    });
  }
  return ExitCode.Ok;
}

/**
 * `chaos-cadence resume`: turns the kill switch `off`; the next scheduled run goes ahead.
 * @returns 0
 */
export async function resumeCommand(options: ResumeOptions, context: CliContext): Promise<ExitCodeValue> {
  const at = context.now().toISOString();
  const { name } = await setKillSwitch('off', `Kill switch off since ${at}`, options, context);
  println(
    context.io,
    `${paint(context.io, 'green', 'Resumed')}: kill switch ${name} is off; runs go ahead on their cadence.`,
  );
  println(
    context.io,
    "  If FIS's safety lever was engaged, disengage it too: aws fis update-safety-lever-state --id default --state status=disengaged,reason=resumed",
  );
  return ExitCode.Ok;
}

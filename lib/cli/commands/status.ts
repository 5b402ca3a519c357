import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import {
  DEFAULT_SAFETY_LEVER_ID,
  GetSafetyLeverCommand,
  sendSafetyLever,
} from '../../../lambdas/shared/fis-safety-lever';
import type { CliClients, CliContext, StackOptions } from '../context';
import { ExitCode, type ExitCodeValue } from '../errors';
import { executionConsoleUrl, latestState } from '../execution';
import { formatSeconds, paint, println } from '../io';
import { findStack } from '../stack';

/** Options of `chaos-cadence status`. */
export type StatusOptions = StackOptions;

/**
 * `chaos-cadence status`: the kill switch, FIS's safety lever, and the RUNNING execution (if any) with the state it is in,
 * taken from the latest history event.
 * @returns 0 (whether or not a run is in flight)
 */
export async function statusCommand(options: StatusOptions, context: CliContext): Promise<ExitCodeValue> {
  const { io } = context;
  const clients = context.clients(options.region);
  const stack = await findStack(clients.cloudFormation, options.stack);
  const stateMachineArn = stack.require('StateMachineArn');
  const killSwitchName = stack.require('KillSwitchParameterName');

  const parameter = await clients.ssm.send(new GetParameterCommand({ Name: killSwitchName }));
  const killSwitch = parameter.Parameter?.Value ?? 'unknown';
  const halted = killSwitch === 'on';
  println(
    io,
    `Kill switch: ${paint(io, halted ? 'red' : 'green', killSwitch)}${halted ? ' (halted: no new runs; `npx chaos-cadence resume` to lift)' : ''}`,
  );

  println(io, `FIS safety lever: ${await safetyLeverLine(clients, io)}`);

  const { executions = [] } = await clients.sfn.send(
    new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: 10 }),
  );
  if (executions.length === 0) {
    println(io, 'No run in progress.');
    return ExitCode.Ok;
  }
  const now = context.now();
  for (const execution of executions) {
    if (!execution.executionArn) continue;
    const state = await latestState(clients.sfn, execution.executionArn);
    const since = execution.startDate
      ? ` since ${execution.startDate.toISOString()} (${formatSeconds((now.getTime() - execution.startDate.getTime()) / 1000)} ago)`
      : '';
    println(io, `Running: ${paint(io, 'bold', execution.name ?? execution.executionArn)}${since}`);
    const inState = state?.enteredAt
      ? ` for ${formatSeconds((now.getTime() - state.enteredAt.getTime()) / 1000)}`
      : '';
    println(io, `  current state: ${state ? `${paint(io, 'cyan', state.name)}${inState}` : 'starting'}`);
    println(io, `  ${executionConsoleUrl(execution.executionArn, stack.region)}`);
  }
  return ExitCode.Ok;
}

/** The account's FIS safety lever (GetSafetyLever), or why it could not be read (never fatal). */
async function safetyLeverLine(clients: CliClients, io: CliContext['io']): Promise<string> {
  try {
    const answer = await sendSafetyLever(
      clients.fis,
      new GetSafetyLeverCommand({ id: DEFAULT_SAFETY_LEVER_ID }),
    );
    const status = answer.safetyLever?.state?.status ?? 'unknown';
    const reason = answer.safetyLever?.state?.reason;
    const engaged = status !== 'disengaged';
    return `${paint(io, engaged ? 'red' : 'green', status)}${reason ? ` (${reason})` : ''}${engaged ? ': no FIS experiment can start in this account and region' : ''}`;
  } catch (error) {
    return `unknown (${error instanceof Error ? `${error.name}: ${error.message}` : String(error)})`;
  }
}

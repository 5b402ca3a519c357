import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import type { CliContext, StackOptions } from '../context';
import { ExitCode, type ExitCodeValue } from '../errors';
import { executionConsoleUrl, latestState } from '../execution';
import { formatSeconds, paint, println } from '../io';
import { findStack } from '../stack';

/** Options of `chaos-cadence status`. */
export type StatusOptions = StackOptions;

/**
 * `chaos-cadence status`: the kill switch, and the RUNNING execution (if any) with the state it is in,
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

import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import type { CliContext, StackOptions } from '../context';
import { CliError, ExitCode, type ExitCodeValue } from '../errors';
import { paint, println } from '../io';
import { findStack, regionOf } from '../stack';

/** Options of `chaos-cadence halt`. */
export interface HaltOptions extends StackOptions {
  /** Why, recorded in the parameter's description. */
  readonly reason?: string;
  /** Also engage FIS's account-wide safety lever (see {@link FIS_SAFETY_LEVER_UNSUPPORTED}). */
  readonly fisSafetyLever: boolean;
}

/** Options of `chaos-cadence resume`. */
export type ResumeOptions = StackOptions;

/**
 * Why `--fis-safety-lever` cannot be done by this CLI: the installed `@aws-sdk/client-fis` (3.523, the
 * newest this project can use) predates FIS's `UpdateSafetyLeverState` API.
 */
export const FIS_SAFETY_LEVER_UNSUPPORTED =
  'the installed @aws-sdk/client-fis 3.523 has no UpdateSafetyLeverState command';

/** The AWS CLI command that engages FIS's safety lever, for people to run themselves. */
export function safetyLeverCommand(reason: string, region: string | undefined): string {
  const regionFlag = region ? ` --region ${region}` : '';
  return `aws fis update-safety-lever-state --id default --state 'status=engaged,reason=${reason.replace(/'/g, '')}'${regionFlag}`;
}

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

/**
 * `chaos-cadence halt`: turns the kill switch `on`. Guard rails refuse new runs, and a run in flight stops
 * its fault at the next stop-condition poll.
 * @returns 0; throws (exit 1) when `--fis-safety-lever` was asked for, after halting, since it could not be done
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
  println(
    io,
    '  - a fault in flight is stopped within one poll interval and its run is recorded as aborted.',
  );

  const stateMachineArn = stack.outputs.StateMachineArn;
  if (stateMachineArn) {
    const { executions = [] } = await clients.sfn.send(
      new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: 10 }),
    );
    for (const execution of executions) {
      println(
        io,
        `  in flight: ${execution.name ?? execution.executionArn ?? '?'} (watch it with \`npx chaos-cadence status\`)`,
      );
    }
  }
  println(io, 'Lift it with `npx chaos-cadence resume`.');

  if (options.fisSafetyLever) {
    throw new CliError(`FIS safety lever not engaged: ${FIS_SAFETY_LEVER_UNSUPPORTED}`, {
      hint: `run \`${safetyLeverCommand(reason, stack.region ?? (await regionOf(clients.cloudFormation)))}\``,
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

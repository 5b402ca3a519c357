import * as sfnSdk from '@aws-sdk/client-sfn';
import type { Route, ServiceContext } from './context';
import { serviceError } from './errors';

/** The workflow's state machine, as DescribeStateMachineForExecution answers it. */
export interface SimulatedStateMachine {
  readonly arn: string;
  readonly name: string;
  readonly definition: string;
}

/** What the simulated Step Functions knows beyond the scenario. */
export interface SimulatedSfnOptions {
  /** The run's own execution, listed as RUNNING by ListExecutions (as AWS does). */
  readonly ownExecutionArn?: string;
  /** The workflow's state machine (the sweep reads its RunConfig from the definition). */
  readonly stateMachine?: SimulatedStateMachine;
}

/** An execution started during the simulation (the CLI's `run`). */
interface StartedExecution {
  readonly arn: string;
  readonly name: string;
  readonly input?: string;
  readonly atMs: number;
}

/**
 * AWS Step Functions: the running executions (the run itself, the scenario's `runningExecutions`
 * other runs, and executions started since), the state machine of an execution, StartExecution.
 */
export function simulatedSfn(
  ctx: ServiceContext,
  options: SimulatedSfnOptions = {},
): { readonly routes: Route[] } {
  const { scenario, region, account, partition, runStartMs } = ctx;
  const started: StartedExecution[] = [];
  const routes: Route[] = [
    {
      command: sfnSdk.DescribeStateMachineForExecutionCommand,
      name: 'DescribeStateMachineForExecution',
      handle: (input: sfnSdk.DescribeStateMachineForExecutionCommandInput) => {
        const machine = options.stateMachine;
        const prefix = machine ? `${machine.arn.replace(':stateMachine:', ':execution:')}:` : undefined;
        if (!machine || !prefix || !input.executionArn?.startsWith(prefix)) {
          throw serviceError(
            'states',
            'ExecutionDoesNotExist',
            `Execution Does Not Exist: '${String(input.executionArn)}'`,
          );
        }
        return {
          stateMachineArn: machine.arn,
          name: machine.name,
          definition: machine.definition,
          roleArn: `arn:${partition}:iam::${account}:role/${machine.name}-role`,
          updateDate: new Date(runStartMs - 86_400_000),
        };
      },
    },
    {
      command: sfnSdk.ListExecutionsCommand,
      name: 'ListExecutions',
      handle: (input: sfnSdk.ListExecutionsCommandInput) => {
        const machine =
          input.stateMachineArn ?? `arn:${partition}:states:${region}:${account}:stateMachine:unknown`;
        const executionPrefix = machine.replace(':stateMachine:', ':execution:');
        const running = [
          ...(options.ownExecutionArn ? [{ arn: options.ownExecutionArn, startMs: runStartMs }] : []),
          ...Array.from({ length: scenario.runningExecutions }, (_, index) => ({
            arn: `${executionPrefix}:other-run-${index + 1}`,
            startMs: runStartMs - (index + 1) * 600_000,
          })),
          ...started.map((e) => ({ arn: e.arn, startMs: e.atMs })),
        ];
        const wanted = !input.statusFilter || input.statusFilter === 'RUNNING';
        return {
          executions: wanted
            ? running.map((e) => ({
                executionArn: e.arn,
                stateMachineArn: machine,
                name: e.arn.split(':').pop(),
                status: 'RUNNING',
                startDate: new Date(e.startMs),
              }))
            : [],
        };
      },
    },
    {
      command: sfnSdk.StartExecutionCommand,
      name: 'StartExecution',
      handle: (input: sfnSdk.StartExecutionCommandInput) => {
        const name = input.name ?? ctx.nextId('execution-', 6);
        const arn = `${(input.stateMachineArn ?? '').replace(':stateMachine:', ':execution:')}:${name}`;
        if (started.some((e) => e.arn === arn)) {
          throw serviceError('states', 'ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
        }
        started.push({
          arn,
          name,
          ...(input.input !== undefined ? { input: input.input } : {}),
          atMs: ctx.now(),
        });
        return { executionArn: arn, startDate: new Date(ctx.now()) };
      },
    },
  ];
  return { routes };
}

import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { FisClient } from '@aws-sdk/client-fis';
import { mockClient } from 'aws-sdk-client-mock';
import { GetSafetyLeverCommand } from '../../lambdas/shared/fis-safety-lever';
import { STACK_OUTPUTS, describeStacksOutput, runCli } from './helpers';

const cloudFormation = mockClient(CloudFormationClient);
const sfn = mockClient(SFNClient);
const ssm = mockClient(SSMClient);
const fis = mockClient(FisClient);

const EXECUTION_ARN = 'arn:aws:states:eu-central-1:123456789012:execution:RunExperiments:schedule-1';

beforeEach(() => {
  cloudFormation.reset();
  sfn.reset();
  ssm.reset();
  cloudFormation.on(DescribeStacksCommand).resolves(describeStacksOutput());
  ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'off' } });
  fis.reset();
  fis.on(GetSafetyLeverCommand as never).resolves({
    safetyLever: { id: 'default', state: { status: 'disengaged', reason: 'normal operations' } },
    $metadata: {},
  } as never);
});

describe('chaos-cadence status', () => {
  it('says no run is in progress when no execution is RUNNING', async () => {
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });

    const result = await runCli(['status']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'Kill switch: off\nFIS safety lever: disengaged (normal operations)\nNo run in progress.\n',
    );
    expect(sfn).toHaveReceivedCommandWith(ListExecutionsCommand, {
      stateMachineArn: STACK_OUTPUTS.StateMachineArn,
      statusFilter: 'RUNNING',
    });
  });

  it('shows the running execution with the state of its latest history event', async () => {
    sfn.on(ListExecutionsCommand).resolves({
      executions: [
        {
          executionArn: EXECUTION_ARN,
          stateMachineArn: STACK_OUTPUTS.StateMachineArn,
          name: 'schedule-1',
          status: 'RUNNING',
          startDate: new Date('2026-12-01T09:55:00Z'),
        },
      ],
    });
    sfn.on(GetExecutionHistoryCommand, { executionArn: EXECUTION_ARN, reverseOrder: true }).resolves({
      events: (
        [
          { id: 1, type: 'ExecutionStarted', timestamp: new Date('2026-12-01T09:55:00Z') },
          {
            id: 2,
            type: 'TaskStateEntered',
            timestamp: new Date('2026-12-01T09:55:01Z'),
            stateEnteredEventDetails: { name: 'StartFault' },
          },
          {
            id: 3,
            type: 'WaitStateEntered',
            timestamp: new Date('2026-12-01T09:59:30Z'),
            stateEnteredEventDetails: { name: 'WaitPollInterval' },
          },
        ] as HistoryEvent[]
      ).reverse(),
    });

    const result = await runCli(['status']);

    expect(result.stdout).toContain('Running: schedule-1 since 2026-12-01T09:55:00.000Z (5 min ago)');
    expect(result.stdout).toContain('  current state: WaitPollInterval for 30 s');
  });

  it('shows the kill switch as halted when it is on', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'on' } });
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });

    const result = await runCli(['status']);

    expect(result.stdout).toMatch(
      /^Kill switch: on \(halted: no new runs; `npx chaos-cadence resume` to lift\)/,
    );
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, {
      Name: STACK_OUTPUTS.KillSwitchParameterName,
    });
  });

  it('shows an engaged FIS safety lever with its reason', async () => {
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    fis.on(GetSafetyLeverCommand as never).resolves({
      safetyLever: { id: 'default', state: { status: 'engaged', reason: 'incident 42' } },
      $metadata: {},
    } as never);

    const result = await runCli(['status']);

    expect(result.stdout).toContain(
      'FIS safety lever: engaged (incident 42): no FIS experiment can start in this account and region',
    );
    expect((fis.calls()[0]?.args[0] as unknown as GetSafetyLeverCommand).input).toEqual({ id: 'default' });
  });

  it('still shows the status when the safety lever cannot be read', async () => {
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    fis
      .on(GetSafetyLeverCommand as never)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));

    const result = await runCli(['status']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('FIS safety lever: unknown (AccessDeniedException: not authorized)');
  });
});

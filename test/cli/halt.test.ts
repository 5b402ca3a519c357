import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { PutParameterCommand, SSMClient, SSMServiceException } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { STACK_OUTPUTS, describeStacksOutput, runCli } from './helpers';

const cloudFormation = mockClient(CloudFormationClient);
const sfn = mockClient(SFNClient);
const ssm = mockClient(SSMClient);

beforeEach(() => {
  cloudFormation.reset();
  sfn.reset();
  ssm.reset();
  cloudFormation.on(DescribeStacksCommand).resolves(describeStacksOutput());
  ssm.on(PutParameterCommand).resolves({ Version: 2 });
  sfn.on(ListExecutionsCommand).resolves({ executions: [] });
});

describe('chaos-cadence halt', () => {
  it('turns the kill switch parameter from the stack outputs on, overwriting it, with the reason', async () => {
    const result = await runCli(['halt', '--reason', 'incident 42']);

    expect(result.code).toBe(0);
    expect(ssm).toHaveReceivedCommandWith(PutParameterCommand, {
      Name: STACK_OUTPUTS.KillSwitchParameterName,
      Value: 'on',
      Overwrite: true,
      Description: 'Kill switch ON since 2026-12-01T10:00:00.000Z: incident 42',
    });
  });

  it('tells that no new runs start and a fault in flight stops within one poll interval', async () => {
    const result = await runCli(['halt']);

    expect(result.stdout).toContain('no new runs');
    expect(result.stdout).toContain('a fault in flight is stopped within one poll interval');
  });

  it('names the run in flight that will be stopped', async () => {
    sfn.on(ListExecutionsCommand).resolves({
      executions: [
        {
          executionArn: 'arn:aws:states:eu-central-1:1:execution:x:schedule-7',
          stateMachineArn: STACK_OUTPUTS.StateMachineArn,
          name: 'schedule-7',
          status: 'RUNNING',
          startDate: new Date(),
        },
      ],
    });

    const result = await runCli(['halt']);

    expect(result.stdout).toContain('in flight: schedule-7');
  });

  it('fails with exit 1 after halting when the FIS safety lever is asked for, printing the AWS CLI command', async () => {
    const result = await runCli(['halt', '--fis-safety-lever', '--reason', 'game over']);

    expect(ssm).toHaveReceivedCommandWith(PutParameterCommand, { Value: 'on' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "error: FIS safety lever not engaged: the installed @aws-sdk/client-fis 3.523 has no UpdateSafetyLeverState command (hint: run `aws fis update-safety-lever-state --id default --state 'status=engaged,reason=game over' --region eu-central-1`)\n",
    );
  });

  it('fails with one line and exit 1 when SSM denies the write', async () => {
    ssm.on(PutParameterCommand).rejects(
      new SSMServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'User is not authorized to perform: ssm:PutParameter',
      }),
    );

    const result = await runCli(['halt']);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: access denied: User is not authorized to perform: ssm:PutParameter \(hint: [^\n]*\)\n$/,
    );
  });
});

describe('chaos-cadence resume', () => {
  it('turns the kill switch off', async () => {
    const result = await runCli(['resume']);

    expect(result.code).toBe(0);
    expect(ssm).toHaveReceivedCommandWith(PutParameterCommand, {
      Name: STACK_OUTPUTS.KillSwitchParameterName,
      Value: 'off',
      Overwrite: true,
    });
    expect(result.stdout).toContain('Resumed: kill switch /chaos-cadence/ChaosCadence/kill-switch is off');
  });
});

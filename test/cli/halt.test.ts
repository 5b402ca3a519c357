import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { FisClient, ListExperimentsCommand } from '@aws-sdk/client-fis';
import {
  ListCommandsCommand,
  PutParameterCommand,
  SSMClient,
  SSMServiceException,
} from '@aws-sdk/client-ssm';
import { UpdateSafetyLeverStateCommand } from '../../lambdas/shared/fis-safety-lever';
import { mockClient } from 'aws-sdk-client-mock';
import { STACK_OUTPUTS, describeStacksOutput, runCli } from './helpers';

const cloudFormation = mockClient(CloudFormationClient);
const sfn = mockClient(SFNClient);
const ssm = mockClient(SSMClient);
const fis = mockClient(FisClient);

beforeEach(() => {
  cloudFormation.reset();
  sfn.reset();
  ssm.reset();
  fis.reset();
  fis.on(ListExperimentsCommand).resolves({ experiments: [] });
  ssm.on(ListCommandsCommand).resolves({ Commands: [] });
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

  it('tells that no new runs start and that every running fault is stopped now', async () => {
    const result = await runCli(['halt']);

    expect(result.stdout).toContain('no new runs');
    expect(result.stdout).toContain('every running fault of this stack is stopped now');
    expect(result.stdout).toContain('no fault of this stack is running');
  });

  it('engages the FIS safety lever with UpdateSafetyLeverState when asked, after the kill switch', async () => {
    fis.on(UpdateSafetyLeverStateCommand as never).resolves({
      safetyLever: { id: 'default', state: { status: 'engaging', reason: 'game over' } },
      $metadata: {},
    } as never);

    const result = await runCli(['halt', '--fis-safety-lever', '--reason', 'game over']);

    expect(ssm).toHaveReceivedCommandWith(PutParameterCommand, { Value: 'on' });
    const [call] = fis.commandCalls(UpdateSafetyLeverStateCommand as never);
    expect((call?.args[0] as unknown as UpdateSafetyLeverStateCommand).input).toEqual({
      id: 'default',
      state: { status: 'engaged', reason: 'game over' },
    });
    expect(result.stdout).toContain('FIS safety lever: engaging');
    expect(result.code).toBe(0);
  });

  it('exits 1 naming the safety lever when FIS refuses it, the kill switch still on', async () => {
    fis.on(UpdateSafetyLeverStateCommand as never).rejects(
      Object.assign(new Error('not authorized to perform: fis:UpdateSafetyLeverState'), {
        name: 'AccessDeniedException',
      }),
    );

    const result = await runCli(['halt', '--fis-safety-lever']);

    expect(ssm).toHaveReceivedCommandWith(PutParameterCommand, { Value: 'on' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('FIS safety lever NOT engaged: AccessDeniedException');
    expect(result.stderr).toContain('halt could not stop or confirm: FIS safety lever');
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

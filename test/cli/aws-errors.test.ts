import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { accessDeniedError, lineCount, noCredentialsError, runCli, stackMissingError } from './helpers';

const cloudFormation = mockClient(CloudFormationClient);

beforeEach(() => cloudFormation.reset());

const COMMANDS: readonly (readonly string[])[] = [['run'], ['status'], ['history'], ['halt'], ['resume']];

describe('commands against the deployed stack, when AWS says no', () => {
  it.each(COMMANDS)('%s fails with one line naming the missing credentials and exit 1', async (...args) => {
    cloudFormation.on(DescribeStacksCommand).rejects(noCredentialsError());

    const result = await runCli(args);

    expect(result.code).toBe(1);
    expect(lineCount(result.stderr)).toBe(1);
    expect(result.stderr).toMatch(/^error: no AWS credentials found \(hint: set AWS_PROFILE/);
  });

  it.each(COMMANDS)('%s fails with one line naming the missing stack and exit 1', async (...args) => {
    cloudFormation.on(DescribeStacksCommand).rejects(stackMissingError());

    const result = await runCli([...args, '--stack', 'Other']);

    expect(result.code).toBe(1);
    expect(lineCount(result.stderr)).toBe(1);
    expect(result.stderr).toMatch(
      /^error: stack Other not found in eu-central-1 \(hint: deploy it with `npx cdk deploy`/,
    );
  });

  it.each(COMMANDS)('%s fails with one line saying access is denied and exit 1', async (...args) => {
    cloudFormation.on(DescribeStacksCommand).rejects(accessDeniedError());

    const result = await runCli(args);

    expect(result.code).toBe(1);
    expect(lineCount(result.stderr)).toBe(1);
    expect(result.stderr).toMatch(
      /^error: access denied: User: .* is not authorized to perform: cloudformation:DescribeStacks \(hint: /,
    );
  });

  it('fails with one line naming the missing output when the stack is an older deployment', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        { StackName: 'ChaosCadence', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(), Outputs: [] },
      ],
    });

    const result = await runCli(['run']);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: stack ChaosCadence has no output StateMachineArn (hint: redeploy the current version with `npx cdk deploy`)\n',
    );
  });

  it('asks for the stack named by --stack in the region named by --region', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(stackMissingError());
    const cli = (await import('./helpers')).testCli();

    await runCli(['status', '--stack', 'Team-Chaos', '--region', 'us-west-2'], cli);

    expect(cloudFormation).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: 'Team-Chaos' });
    expect(cli.regions).toEqual(['us-west-2']);
  });
});

import { CloudFormationClient, CloudFormationServiceException } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FisClient } from '@aws-sdk/client-fis';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SSMClient } from '@aws-sdk/client-ssm';
import { resolve } from 'node:path';
import type { CliClients, CliContext } from '../../lib/cli/context';
import { main } from '../../lib/cli/program';

/** A CLI context whose output lands in strings and whose AWS clients are plain (mockable) clients. */
export interface TestCli {
  readonly context: CliContext;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** The regions the command asked clients for. */
  readonly regions: (string | undefined)[];
}

/** The repository root (the package root of the CLI). */
export const PACKAGE_ROOT = resolve(__dirname, '..', '..');

/** Builds a test context: fixed clock, instant sleep, fixed random suffix, no colours. */
export function testCli(overrides: Partial<CliContext> = {}): TestCli {
  let out = '';
  let err = '';
  const regions: (string | undefined)[] = [];
  const clients: CliClients = {
    cloudFormation: new CloudFormationClient({ region: 'eu-central-1' }),
    sfn: new SFNClient({ region: 'eu-central-1' }),
    s3: new S3Client({ region: 'eu-central-1' }),
    ssm: new SSMClient({ region: 'eu-central-1' }),
    fis: new FisClient({ region: 'eu-central-1' }),
    dynamodb: new DynamoDBClient({ region: 'eu-central-1' }),
  };
  const context: CliContext = {
    io: {
      stdout: { write: (text: string) => (out += text) },
      stderr: { write: (text: string) => (err += text) },
      color: false,
    },
    env: {},
    cwd: PACKAGE_ROOT,
    packageRoot: PACKAGE_ROOT,
    clients: (region) => {
      regions.push(region);
      return clients;
    },
    now: () => new Date('2026-12-01T10:00:00Z'),
    sleep: () => Promise.resolve(),
    randomSuffix: () => 'abc123',
    ...overrides,
  };
  return { context, stdout: () => out, stderr: () => err, regions };
}

/** Runs the CLI with `args` in a test context; returns the exit code and the output. */
export async function runCli(args: readonly string[], cli: TestCli = testCli()) {
  const code = await main(args, cli.context);
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** The stack outputs the CLI reads, as DescribeStacks returns them. */
export const STACK_OUTPUTS = {
  StateMachineArn: 'arn:aws:states:eu-central-1:123456789012:stateMachine:ChaosCadenceRunExperiments',
  ResultsBucketName: 'chaos-cadence-results-123',
  KillSwitchParameterName: '/chaos-cadence/ChaosCadence/kill-switch',
  TopicArn: 'arn:aws:sns:eu-central-1:123456789012:chaos-cadence',
  DashboardName: 'ChaosCadence',
  DashboardUrl: 'https://console.aws.amazon.com/cloudwatch/home#dashboards:name=ChaosCadence',
};

/** A DescribeStacks answer for the stack with {@link STACK_OUTPUTS}. */
export function describeStacksOutput(outputs: Record<string, string> = STACK_OUTPUTS) {
  return {
    Stacks: [
      {
        StackName: 'ChaosCadence',
        StackStatus: 'CREATE_COMPLETE' as const,
        CreationTime: new Date('2026-11-01T00:00:00Z'),
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  };
}

/** The error the SDK's default credential chain throws when it finds nothing. */
export function noCredentialsError(): Error {
  return Object.assign(new Error('Could not load credentials from any providers'), {
    name: 'CredentialsProviderError',
  });
}

/** CloudFormation's answer for a stack that does not exist. */
export function stackMissingError(): Error {
  return new CloudFormationServiceException({
    name: 'ValidationError',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: 'Stack with id ChaosCadence does not exist',
  });
}

/** An AccessDenied error as the SDK throws it (CloudFormation style). */
export function accessDeniedError(): Error {
  return new CloudFormationServiceException({
    name: 'AccessDenied',
    $fault: 'client',
    $metadata: { httpStatusCode: 403 },
    message:
      'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: cloudformation:DescribeStacks',
  });
}

/** Number of lines in a text (a trailing newline ends the last line). */
export function lineCount(text: string): number {
  return text.split('\n').filter((line) => line !== '').length;
}

// A Runtime whose AWS clients are real SDK clients answered by aws-sdk-client-mock, shared by the
// per-core unit tests of the experiment workflow (check-guard-rails ... verdict).
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { FisClient } from '@aws-sdk/client-fis';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsClients, Runtime, WorkflowSettings } from '../../../lambdas/shared/aws';

/** Tuesday 2025-03-04 10:00 UTC: inside {@link SETTINGS}' allowed hours. */
export const T0 = Date.parse('2025-03-04T10:00:00.000Z');

/** Settings of a test deployment. */
export const SETTINGS: WorkflowSettings = {
  region: 'eu-central-1',
  account: '123456789012',
  partition: 'aws',
  killSwitchParameter: '/chaos-cadence/test/kill-switch',
  allowedHours: { days: ['MON', 'TUE', 'WED', 'THU', 'FRI'], start: '09:00', end: '16:00' },
  timeZone: 'UTC',
  resultsBucket: 'results',
  topicArn: 'arn:aws:sns:eu-central-1:123456789012:topic',
  dashboardName: 'dash',
  stackName: 'Test',
};

/** Fresh mocked clients and a runtime over them; `now` is fixed at `at` unless overridden. */
export function mockRuntime(options: { at?: number; settings?: Partial<WorkflowSettings> } = {}) {
  const clients: AwsClients = {
    cloudWatch: new CloudWatchClient({ region: 'eu-central-1' }),
    autoScaling: new AutoScalingClient({ region: 'eu-central-1' }),
    ec2: new EC2Client({ region: 'eu-central-1' }),
    fis: new FisClient({ region: 'eu-central-1' }),
    ssm: new SSMClient({ region: 'eu-central-1' }),
    sfn: new SFNClient({ region: 'eu-central-1' }),
    s3: new S3Client({ region: 'eu-central-1' }),
    sns: new SNSClient({ region: 'eu-central-1' }),
  };
  const at = options.at ?? T0;
  const runtime: Runtime = {
    clients,
    settings: { ...SETTINGS, ...options.settings },
    now: () => new Date(at),
    fetch,
  };
  return {
    runtime,
    cloudWatch: mockClient(clients.cloudWatch),
    autoScaling: mockClient(clients.autoScaling),
    ec2: mockClient(clients.ec2),
    fis: mockClient(clients.fis),
    ssm: mockClient(clients.ssm),
    sfn: mockClient(clients.sfn),
  };
}

/** A Runtime whose clock is whatever `Date` says (for jest fake timers). */
export function withLiveClock(runtime: Runtime): Runtime {
  return { ...runtime, now: () => new Date() };
}

import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { FisClient } from '@aws-sdk/client-fis';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { AwsClients, Runtime } from './aws';
import { settingsFromEnv } from './settings';

/** Builds one client of each kind; the SDK's own retry (adaptive) handles short throttling bursts. */
export function createClients(region?: string): AwsClients {
  const config = { ...(region !== undefined ? { region } : {}), maxAttempts: 4, retryMode: 'adaptive' };
  return {
    cloudWatch: new CloudWatchClient(config),
    autoScaling: new AutoScalingClient(config),
    ec2: new EC2Client(config),
    fis: new FisClient(config),
    ssm: new SSMClient(config),
    sfn: new SFNClient(config),
    s3: new S3Client(config),
    sns: new SNSClient(config),
  };
}

let cached: Runtime | undefined;

/**
 * The Lambda runtime: clients built once per container, settings read from the environment once,
 * the wall clock and the platform's fetch.
 */
export function lambdaRuntime(): Runtime {
  cached ??= {
    clients: createClients(process.env.AWS_REGION),
    settings: settingsFromEnv(),
    now: () => new Date(),
    fetch: (input, init) => fetch(input, init),
  };
  return cached;
}

/* eslint-disable @typescript-eslint/no-require-imports -- each SDK client is loaded on first use:
   loading all nine costs ~0.5 s of cold start, and every function uses only two or three of them. */
import type { AwsClients, Runtime } from './aws';
import { settingsFromEnv } from './settings';

type ClientConfig = { region?: string; maxAttempts: number; retryMode: string };
type Factories = {
  readonly [K in keyof AwsClients]-?: (config: ClientConfig) => NonNullable<AwsClients[K]>;
};

/** How each client is built; `require` inside each factory keeps unused SDK packages unloaded. */
const FACTORIES: Factories = {
  cloudWatch: (c) =>
    new (
      require('@aws-sdk/client-cloudwatch') as typeof import('@aws-sdk/client-cloudwatch')
    ).CloudWatchClient(c),
  autoScaling: (c) =>
    new (
      require('@aws-sdk/client-auto-scaling') as typeof import('@aws-sdk/client-auto-scaling')
    ).AutoScalingClient(c),
  ec2: (c) => new (require('@aws-sdk/client-ec2') as typeof import('@aws-sdk/client-ec2')).EC2Client(c),
  fis: (c) => new (require('@aws-sdk/client-fis') as typeof import('@aws-sdk/client-fis')).FisClient(c),
  ssm: (c) => new (require('@aws-sdk/client-ssm') as typeof import('@aws-sdk/client-ssm')).SSMClient(c),
  sfn: (c) => new (require('@aws-sdk/client-sfn') as typeof import('@aws-sdk/client-sfn')).SFNClient(c),
  s3: (c) => new (require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3')).S3Client(c),
  sns: (c) => new (require('@aws-sdk/client-sns') as typeof import('@aws-sdk/client-sns')).SNSClient(c),
  dynamodb: (c) =>
    new (require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb')).DynamoDBClient(c),
};
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The AWS clients, each built (and its SDK package loaded) on first use and then kept, so a function
 * pays only for the clients its core touches. The SDK's own retry (adaptive) handles short throttling
 * bursts; the state machine's Retry handles the rest.
 */
export function createClients(region?: string): AwsClients {
  const config: ClientConfig = {
    ...(region !== undefined ? { region } : {}),
    maxAttempts: 4,
    retryMode: 'adaptive',
  };
  return lazily<AwsClients, ClientConfig>(FACTORIES, config);
}

/**
 * An object whose every property is built by its factory (given `arg`) on first read, then kept: SDK
 * clients whose packages load only when a client is first used.
 */
export function lazily<T extends object, A>(
  factories: { readonly [K in keyof T]-?: (arg: A) => T[K] },
  arg: A,
): T {
  const built = {} as T;
  for (const key of Object.keys(factories) as (keyof T)[]) {
    let value: T[typeof key] | undefined;
    Object.defineProperty(built, key, { enumerable: true, get: () => (value ??= factories[key](arg)) });
  }
  return built;
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

import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { FisClient } from '@aws-sdk/client-fis';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { PreflightExtraClients } from '../../lambdas/preflight/report';
import type { AwsClients } from '../../lambdas/shared/aws';
import type { CliIo } from './io';

/** The AWS clients the commands against the deployed stack use. */
export interface CliClients {
  readonly cloudFormation: CloudFormationClient;
  readonly sfn: SFNClient;
  readonly s3: S3Client;
  readonly ssm: SSMClient;
  readonly fis: FisClient;
  /** The run lock table (halt records its stops there for the run's poll). */
  readonly dynamodb: DynamoDBClient;
}

/** Builds the clients for a region (`undefined`: the SDK's default chain, e.g. AWS_REGION or the profile). */
export type ClientFactory = (region: string | undefined) => CliClients;

/** The clients `preflight` reads the account with, for a region. */
export interface PreflightClients {
  readonly aws: AwsClients;
  readonly extra: PreflightExtraClients;
}

/** Everything a command needs from the outside world; tests pass fakes. */
export interface CliContext {
  readonly io: CliIo;
  readonly env: NodeJS.ProcessEnv;
  /** Relative paths (`--config`, `--out`) are resolved against it. */
  readonly cwd: string;
  /** The package root: shipped files (the default scenario) are found relative to it, not to `cwd`. */
  readonly packageRoot: string;
  readonly clients: ClientFactory;
  /** The preflight's clients against AWS. @default - `preflight` works with --scenario only */
  readonly preflightClients?: (region: string) => PreflightClients;
  readonly now: () => Date;
  /** Waits between polls (`--wait`); tests resolve at once. */
  readonly sleep: (milliseconds: number) => Promise<void>;
  /** Random suffix for execution names; tests fix it. */
  readonly randomSuffix: () => string;
}

/** Options every command against the deployed stack takes. */
export interface StackOptions {
  /** CloudFormation stack name. @default ChaosCadence */
  readonly stack: string;
  /** AWS region. @default the SDK's default chain */
  readonly region?: string;
}

/** The stack name used when `--stack` is not given. */
export const DEFAULT_STACK_NAME = 'ChaosCadence';

import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { FisClient } from '@aws-sdk/client-fis';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { Weekday } from './vocabulary';

/**
 * The AWS clients the handler cores use. In Lambda they are real clients built once per container
 * (`clients.ts`); in tests and the rehearsal they are the same classes answered by aws-sdk-client-mock.
 */
export interface AwsClients {
  readonly cloudWatch: CloudWatchClient;
  readonly autoScaling: AutoScalingClient;
  readonly ec2: EC2Client;
  readonly fis: FisClient;
  readonly ssm: SSMClient;
  readonly sfn: SFNClient;
  readonly s3: S3Client;
  readonly sns: SNSClient;
  /** The run lock table (one run at a time). Optional so existing test runtimes need not build it. */
  readonly dynamodb?: DynamoDBClient;
}

/** Allowed hours for runs, in the cadence's time zone. */
export interface AllowedHours {
  readonly days: readonly Weekday[];
  /** `HH:MM`, inclusive. */
  readonly start: string;
  /** `HH:MM`, exclusive. */
  readonly end: string;
}

/**
 * Deployment settings the cores need. Lambda handlers read them from environment variables once at
 * load; the rehearsal builds them from the config.
 */
export interface WorkflowSettings {
  readonly region: string;
  readonly account: string;
  readonly partition: string;
  /** SSM parameter holding the kill switch: `off` (runs allowed) or `on` (halted). */
  readonly killSwitchParameter: string;
  /** SSM Change Calendar name; runs only while OPEN. */
  readonly changeCalendar?: string;
  readonly allowedHours: AllowedHours;
  /** IANA time zone of the cadence (allowed hours are in it). */
  readonly timeZone: string;
  readonly resultsBucket: string;
  readonly topicArn: string;
  /** CloudWatch dashboard name (for links). */
  readonly dashboardName: string;
  readonly stackName: string;
  /**
   * DynamoDB table of the run lock (one run at a time). Without it the `singleRun` guard rail says no:
   * one run at a time cannot be guaranteed.
   */
  readonly runLockTable?: string;
  /** How long an acquired run lock lasts (the workflow's timeout plus a margin), in seconds. @default 90000 */
  readonly runLockSeconds?: number;
  /**
   * Each experiment's cadence period in seconds (lib/cadence/period.ts), for the resilience score's
   * staleness. @default - no experiment is ever stale
   */
  readonly cadencePeriods?: Readonly<Record<string, number>>;
}

/** Everything a core may receive: clients, settings, a clock and HTTP. */
export interface Runtime {
  readonly clients: AwsClients;
  readonly settings: WorkflowSettings;
  /** The clock; the rehearsal's is virtual. */
  readonly now: () => Date;
  /** The platform's fetch; the rehearsal answers scenario URLs and passes the rest through. */
  readonly fetch: typeof fetch;
}

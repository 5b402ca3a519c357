import * as autoScalingSdk from '@aws-sdk/client-auto-scaling';
import * as cloudWatchSdk from '@aws-sdk/client-cloudwatch';
import * as dynamodbSdk from '@aws-sdk/client-dynamodb';
import * as ec2Sdk from '@aws-sdk/client-ec2';
import * as fisSdk from '@aws-sdk/client-fis';
import * as iamSdk from '@aws-sdk/client-iam';
import * as s3Sdk from '@aws-sdk/client-s3';
import * as schedulerSdk from '@aws-sdk/client-scheduler';
import * as quotasSdk from '@aws-sdk/client-service-quotas';
import * as sfnSdk from '@aws-sdk/client-sfn';
import * as snsSdk from '@aws-sdk/client-sns';
import * as ssmSdk from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsClients, WorkflowSettings } from '../../lambdas/shared/aws';
import type { PreflightExtraClients } from '../../lambdas/preflight/report';
import { simulatedAutoScaling } from './account/autoscaling';
import { simulatedCloudWatch, type PutMetrics } from './account/cloudwatch';
import {
  createServiceContext,
  isoAt,
  type RecordedCall,
  type Route,
  type SimulatedService,
} from './account/context';
import { runLockItems, simulatedDynamoDb } from './account/dynamodb';
import { simulatedEc2 } from './account/ec2';
import { serviceError, type SimulatedSdkService } from './account/errors';
import { simulatedFis, type SimulatedExperiment, type SimulatedFisTemplate } from './account/fis';
import { simulatedFetch } from './account/http';
import { simulatedIam } from './account/iam';
import { recordableS3, simulatedS3, type StoredObject } from './account/s3';
import { simulatedScheduler, type SimulatedSchedule } from './account/scheduler';
import { simulatedServiceQuotas } from './account/service-quotas';
import { simulatedSfn, type SimulatedStateMachine } from './account/sfn';
import { simulatedSns, type PublishedMessage } from './account/sns';
import { simulatedSsm, type SimulatedCommand } from './account/ssm';
import { SIMULATED_SERVICES, type Scenario } from './scenario';
import { SimulatedEventBus, type EventDeliveryOptions } from './simulated-events';

// The account's vocabulary lives with the service that owns it (lib/rehearsal/account/); it is
// re-exported here, where the rehearsal, the preflight, the CLI and the tests import it from.
export { SIMULATED_SERVICES };
export type {
  PublishedMessage,
  PutMetrics,
  RecordedCall,
  SimulatedCommand,
  SimulatedExperiment,
  SimulatedFisTemplate,
  SimulatedSchedule,
  SimulatedSdkService,
  SimulatedService,
  StoredObject,
};
export { uuidFrom } from './account/context';
export { applySetExpression, evaluateCondition, UnsupportedConditionError } from './account/dynamodb';
export { serviceError, validationError } from './account/errors';

/** The clock the account reads (virtual in a rehearsal) and where real I/O is announced. */
export interface AccountClock {
  /** Current time in epoch milliseconds. */
  nowMs(): number;
  /** Wraps real I/O so a virtual clock does not advance while it is in flight. */
  trackIo<T>(work: Promise<T>): Promise<T>;
}

/** Options of {@link createSimulatedAccount}. */
export interface SimulatedAccountOptions {
  readonly settings: WorkflowSettings;
  /** FIS experiment templates by id. @default none: StartExperiment with an unknown template fails as FIS does */
  readonly fisTemplates?: Readonly<Record<string, SimulatedFisTemplate>>;
  /** The run's own execution, listed as RUNNING by ListExecutions (as AWS does). */
  readonly ownExecutionArn?: string;
  /** The workflow's state machine, for DescribeStateMachineForExecution (the sweep reads its RunConfig). */
  readonly stateMachine?: SimulatedStateMachine;
  /** Used for URLs the scenario does not list. @default globalThis.fetch at creation time */
  readonly realFetch?: typeof fetch;
  /** EventBridge delivery of alarm and kill-switch events (see simulated-events.ts). @default none */
  readonly events?: EventDeliveryOptions;
  /** Names the caller of the call being made (recorded as `caller`). @default none */
  readonly caller?: () => string | undefined;
  /** The deployment's schedules by name (the preflight's GetSchedule). @default none */
  readonly schedules?: Readonly<Record<string, SimulatedSchedule>>;
}

/** The simulated account: SDK clients answered from the scenario, a fetch, and what the run did. */
export interface SimulatedAccount {
  /** Real SDK client instances whose `send` is answered by the scenario. */
  readonly clients: AwsClients;
  /** The clients only the preflight uses (Scheduler, IAM, Service Quotas), answered the same way. */
  readonly preflightClients: PreflightExtraClients;
  /** Answers scenario URLs from their timeline; other URLs get a real request. */
  readonly fetch: typeof fetch;
  /** Every call, in order. */
  readonly calls: RecordedCall[];
  /** S3 objects by `bucket/key`. */
  readonly s3Objects: Map<string, StoredObject>;
  readonly snsMessages: PublishedMessage[];
  readonly putMetrics: PutMetrics[];
  readonly fisExperiments: SimulatedExperiment[];
  readonly ssmCommands: SimulatedCommand[];
  /** DynamoDB items by `table/pk` (the run lock), as stored. */
  readonly dynamodbItems: Map<string, Record<string, dynamodbSdk.AttributeValue>>;
  /** When the (last) fault was started, if one was. */
  faultStartedAt(): Date | undefined;
  /** The simulated EventBridge, when `options.events` was given. */
  readonly eventBus?: SimulatedEventBus;
  /** An S3 object's text, if it exists. */
  getObjectText(bucket: string, key: string): string | undefined;
  /** Removes the mocks from the clients. */
  restore(): void;
}

/** A call the simulated account does not know: the run would make a call the rehearsal cannot answer. */
export class UnsimulatedCallError extends Error {
  constructor(
    readonly service: string,
    readonly command: string,
  ) {
    super(
      `The simulated account does not answer ${service}:${command}; add it to its service's file under lib/rehearsal/account/`,
    );
    this.name = 'UnsimulatedCallError';
  }
}

const FAKE_CREDENTIALS = {
  accessKeyId: 'AKIAREHEARSALEXAMPLE',
  secretAccessKey: 'rehearsal/secret/key/not/a/real/one/EXAMPLE',
};

/** The part of an aws-sdk-client-mock stub this file uses (its generics do not fit a route table). */
interface StubLike {
  on(command: unknown): { callsFake(fn: (input: unknown) => unknown): unknown };
  readonly send: { callsFake(fn: (command: unknown) => unknown): unknown };
  restore(): void;
}

/** A deep copy for the record (Dates and bytes kept; anything uncloneable summarized). */
function structuredCloneSafe(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return JSON.parse(
      JSON.stringify(value, (_key, v: unknown) => (typeof v === 'function' ? undefined : v)),
    ) as unknown;
  }
}

/**
 * Creates an AWS account simulated from a scenario: real SDK clients (region from the settings,
 * static fake credentials so presigning works offline) whose commands are answered from the
 * scenario's state at the clock's time by one simulated service each (lib/rehearsal/account/).
 * Unknown commands fail loudly.
 */
export function createSimulatedAccount(
  scenario: Scenario,
  clock: AccountClock,
  options: SimulatedAccountOptions,
): SimulatedAccount {
  const { settings } = options;
  const now = (): number => clock.nowMs();
  const eventBus = options.events ? new SimulatedEventBus(scenario, options.events, now) : undefined;
  const ctx = createServiceContext({
    scenario,
    settings,
    now,
    ...(eventBus ? { eventBus } : {}),
    ...(options.caller ? { caller: options.caller } : {}),
  });

  const clientConfig = { region: settings.region, credentials: FAKE_CREDENTIALS, maxAttempts: 1 };
  const clients: AwsClients = {
    cloudWatch: new cloudWatchSdk.CloudWatchClient(clientConfig),
    autoScaling: new autoScalingSdk.AutoScalingClient(clientConfig),
    ec2: new ec2Sdk.EC2Client(clientConfig),
    fis: new fisSdk.FisClient(clientConfig),
    ssm: new ssmSdk.SSMClient(clientConfig),
    sfn: new sfnSdk.SFNClient(clientConfig),
    s3: new s3Sdk.S3Client(clientConfig),
    sns: new snsSdk.SNSClient(clientConfig),
    dynamodb: new dynamodbSdk.DynamoDBClient(clientConfig),
  };
  const preflightClients: PreflightExtraClients = {
    scheduler: new schedulerSdk.SchedulerClient(clientConfig),
    iam: new iamSdk.IAMClient(clientConfig),
    serviceQuotas: new quotasSdk.ServiceQuotasClient(clientConfig),
  };

  const fis = simulatedFis(ctx, options.fisTemplates);
  const ssm = simulatedSsm(ctx);
  const cloudWatch = simulatedCloudWatch(ctx);
  const s3 = simulatedS3(ctx);
  const sns = simulatedSns(ctx);
  const dynamodb = simulatedDynamoDb({
    tables: settings.runLockTable ? [settings.runLockTable] : [],
    items: runLockItems(ctx, options.ownExecutionArn),
  });
  const sfn = simulatedSfn(ctx, {
    ...(options.ownExecutionArn !== undefined ? { ownExecutionArn: options.ownExecutionArn } : {}),
    ...(options.stateMachine ? { stateMachine: options.stateMachine } : {}),
  });

  // Every command goes through `invoke`, which injects the scenario's API failures and records the call.
  const failures = scenario.apiFailures.map((f) => ({ ...f, remaining: f.times }));
  const recordable = (service: SimulatedService, command: string, value: unknown): unknown =>
    service === 's3' ? recordableS3(command, value) : value;
  const invoke = async (service: SimulatedSdkService, route: Route, input: unknown): Promise<object> => {
    const callAt = isoAt(now());
    const inputCopy = structuredCloneSafe(recordable(service, route.name, input));
    try {
      const failure = failures.find((f) => f.call === `${service}:${route.name}` && f.remaining > 0);
      if (failure) {
        failure.remaining -= 1;
        throw serviceError(service, failure.error, failure.message, `rehearsal-${ctx.calls.length + 1}`);
      }
      const output = await route.handle(input as never);
      ctx.record({
        at: callAt,
        service,
        command: route.name,
        input: inputCopy,
        output: structuredCloneSafe(recordable(service, route.name, output)),
      });
      return {
        ...output,
        $metadata: { httpStatusCode: 200, requestId: `rehearsal-${ctx.calls.length}`, attempts: 1 },
      };
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      ctx.record({
        at: callAt,
        service,
        command: route.name,
        input: inputCopy,
        error: `${err.name}: ${err.message}`,
      });
      throw err;
    }
  };

  const stubs: StubLike[] = [];
  const wire = (
    service: SimulatedSdkService,
    client: Parameters<typeof mockClient>[0],
    routes: readonly Route[],
  ): void => {
    // aws-sdk-client-mock's generic stub types do not fit a table of routes; StubLike is the subset used.
    const stub = mockClient(client) as unknown as StubLike;
    stubs.push(stub);
    stub.send.callsFake((command: unknown) => {
      const name = (command as { constructor: { name: string } }).constructor.name.replace(/Command$/, '');
      const error = new UnsimulatedCallError(service, name);
      ctx.record({
        at: isoAt(now()),
        service,
        command: name,
        input: (command as { input?: unknown }).input,
        error: `${error.name}: ${error.message}`,
      });
      return Promise.reject(error);
    });
    for (const route of routes)
      stub.on(route.command).callsFake((input: unknown) => invoke(service, route, input));
  };

  wire('fis', clients.fis, fis.routes);
  wire('ssm', clients.ssm, ssm.routes);
  wire('cloudwatch', clients.cloudWatch, cloudWatch.routes);
  wire('autoscaling', clients.autoScaling, simulatedAutoScaling(ctx).routes);
  wire('ec2', clients.ec2, simulatedEc2(ctx).routes);
  wire('states', clients.sfn, sfn.routes);
  wire('s3', clients.s3, s3.routes);
  wire('sns', clients.sns, sns.routes);
  wire('dynamodb', clients.dynamodb as dynamodbSdk.DynamoDBClient, dynamodb.routes);
  wire('scheduler', preflightClients.scheduler, simulatedScheduler(ctx, options.schedules).routes);
  wire('iam', preflightClients.iam, simulatedIam(ctx).routes);
  wire('servicequotas', preflightClients.serviceQuotas, simulatedServiceQuotas(ctx).routes);

  return {
    clients,
    preflightClients,
    fetch: simulatedFetch(ctx, {
      realFetch: options.realFetch ?? globalThis.fetch,
      trackIo: (work) => clock.trackIo(work),
    }),
    calls: ctx.calls,
    s3Objects: s3.objects,
    snsMessages: sns.messages,
    putMetrics: cloudWatch.putMetrics,
    fisExperiments: fis.experiments,
    ssmCommands: ssm.commands,
    dynamodbItems: dynamodb.items,
    faultStartedAt: () => {
      const faultStartMs = ctx.faultStartMs();
      return faultStartMs === undefined ? undefined : new Date(faultStartMs);
    },
    ...(eventBus ? { eventBus } : {}),
    getObjectText: (bucket, key) => s3.objects.get(`${bucket}/${key}`)?.body.toString('utf8'),
    restore: () => {
      for (const stub of stubs) stub.restore();
    },
  };
}

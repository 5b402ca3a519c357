import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
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
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsClients, WorkflowSettings } from '../../lambdas/shared/aws';
import { SSM_MAX_INSTANCE_IDS } from '../../lambdas/shared/fault-ref';
import type { PreflightExtraClients } from '../../lambdas/preflight/report';
import {
  DEFAULT_SAFETY_LEVER_ID,
  GetSafetyLeverCommand,
  UpdateSafetyLeverStateCommand,
} from '../../lambdas/shared/fis-safety-lever';
import { SIMULATED_SERVICES, valueAt, resolveTime, type Scenario } from './scenario';
import { SimulatedEventBus, type EventDeliveryOptions } from './simulated-events';
import { preflightRoutes, type SimulatedSchedule } from './simulated-preflight';

/** The services the simulated account answers, by IAM action prefix (as `apiFailures[].call` names them). */
export { SIMULATED_SERVICES };
/**
 * An SDK service the account answers, by IAM action prefix: the scenario's services plus `dynamodb`
 * (the run lock table, which scenarios do not describe: it starts empty, or held by `other-run-1` when
 * the scenario has `runningExecutions`).
 */
export type SimulatedSdkService =
  | (typeof SIMULATED_SERVICES)[number]
  | 'dynamodb'
  // Read by the preflight only (lib/rehearsal/simulated-preflight.ts).
  | 'scheduler'
  | 'iam'
  | 'servicequotas';
/** A simulated service, by IAM action prefix; `http` marks requests made through `fetch`. */
export type SimulatedService = SimulatedSdkService | 'http';

/** One call the run made, in order. */
export interface RecordedCall {
  /** Virtual ISO time of the call. */
  readonly at: string;
  readonly service: SimulatedService;
  /** The API operation, e.g. `StartExperiment` (HTTP: the method). */
  readonly command: string;
  readonly input: unknown;
  readonly output?: unknown;
  /** `<name>: <message>` when the call failed. */
  readonly error?: string;
  /** Who made it, when the caller said (`options.caller`), e.g. `AbortOnEvent`. */
  readonly caller?: string;
}

/** The clock the account reads (virtual in a rehearsal) and where real I/O is announced. */
export interface AccountClock {
  /** Current time in epoch milliseconds. */
  nowMs(): number;
  /** Wraps real I/O so a virtual clock does not advance while it is in flight. */
  trackIo<T>(work: Promise<T>): Promise<T>;
}

/** A FIS experiment template the deployment would have created. */
export interface SimulatedFisTemplate {
  /** How long its action runs (the plan's fault duration). */
  readonly durationSeconds: number;
  /** Tags of the targeted instances (to list targets). */
  readonly targetTags?: Readonly<Record<string, string>>;
  readonly description?: string;
}

/** Options of {@link createSimulatedAccount}. */
export interface SimulatedAccountOptions {
  readonly settings: WorkflowSettings;
  /** FIS experiment templates by id. @default none: StartExperiment with an unknown template fails as FIS does */
  readonly fisTemplates?: Readonly<Record<string, SimulatedFisTemplate>>;
  /** The run's own execution, listed as RUNNING by ListExecutions (as AWS does). */
  readonly ownExecutionArn?: string;
  /** The workflow's state machine, for DescribeStateMachineForExecution (the sweep reads its RunConfig). */
  readonly stateMachine?: { readonly arn: string; readonly name: string; readonly definition: string };
  /** Used for URLs the scenario does not list. @default globalThis.fetch at creation time */
  readonly realFetch?: typeof fetch;
  /** EventBridge delivery of alarm and kill-switch events (see simulated-events.ts). @default none */
  readonly events?: EventDeliveryOptions;
  /** Names the caller of the call being made (recorded as `caller`). @default none */
  readonly caller?: () => string | undefined;
  /** The deployment's schedules by name (the preflight's GetSchedule). @default none */
  readonly schedules?: Readonly<Record<string, SimulatedSchedule>>;
}

/** An object written to the simulated S3. */
export interface StoredObject {
  readonly body: Buffer;
  readonly contentType?: string;
  readonly lastModified: Date;
}

/** A message published to SNS. */
export interface PublishedMessage {
  readonly at: string;
  readonly topicArn?: string;
  readonly subject?: string;
  readonly message: string;
}

/** Metric data the run put to CloudWatch. */
export interface PutMetrics {
  readonly at: string;
  readonly namespace: string;
  readonly metricData: readonly cloudWatchSdk.MetricDatum[];
}

/** A FIS experiment started in the simulated account. */
export interface SimulatedExperiment {
  readonly id: string;
  readonly templateId: string;
  readonly clientToken?: string;
  readonly startMs: number;
  readonly durationSeconds: number;
  readonly dryRun: boolean;
  readonly tags: Record<string, string>;
  stopRequestedMs?: number;
}

/** An SSM Run Command sent in the simulated account. */
export interface SimulatedCommand {
  readonly id: string;
  readonly documentName: string;
  readonly comment?: string;
  readonly instanceIds: readonly string[];
  readonly parameters: Readonly<Record<string, readonly string[]>>;
  readonly startMs: number;
  readonly durationSeconds: number;
  cancelRequestedMs?: number;
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
      `The simulated account does not answer ${service}:${command}; add it to lib/rehearsal/simulated-account.ts`,
    );
    this.name = 'UnsimulatedCallError';
  }
}

const FAKE_CREDENTIALS = {
  accessKeyId: 'AKIAREHEARSALEXAMPLE',
  secretAccessKey: 'rehearsal/secret/key/not/a/real/one/EXAMPLE',
};

const THROTTLING_ERRORS = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'ProvisionedThroughputExceededException',
]);
const SERVER_ERRORS = new Set(['InternalServerError', 'InternalFailure', 'ServiceUnavailable', 'InternalError']);

interface ServiceModule {
  readonly base: new (options: {
    name: string;
    $fault: 'client' | 'server';
    $metadata: object;
    message?: string;
  }) => Error;
  readonly exports: Record<string, unknown>;
}

const SERVICE_MODULES: Record<SimulatedSdkService, ServiceModule> = {
  fis: { base: fisSdk.FisServiceException, exports: fisSdk },
  ssm: { base: ssmSdk.SSMServiceException, exports: ssmSdk },
  cloudwatch: { base: cloudWatchSdk.CloudWatchServiceException, exports: cloudWatchSdk },
  autoscaling: { base: autoScalingSdk.AutoScalingServiceException, exports: autoScalingSdk },
  ec2: { base: ec2Sdk.EC2ServiceException, exports: ec2Sdk },
  states: { base: sfnSdk.SFNServiceException, exports: sfnSdk },
  s3: { base: s3Sdk.S3ServiceException, exports: s3Sdk },
  sns: { base: snsSdk.SNSServiceException, exports: snsSdk },
  dynamodb: { base: dynamodbSdk.DynamoDBServiceException, exports: dynamodbSdk },
  scheduler: { base: schedulerSdk.SchedulerServiceException, exports: schedulerSdk },
  iam: { base: iamSdk.IAMServiceException, exports: iamSdk },
  servicequotas: { base: quotasSdk.ServiceQuotasServiceException, exports: quotasSdk },
};

/**
 * Builds an error the way the SDK would throw it: the service's own exception class when it models
 * that error (so `instanceof ParameterNotFound` works), else the service's base exception with the
 * name; with `$metadata`, `$fault` and `$retryable` for throttling.
 */
export function serviceError(
  service: SimulatedSdkService,
  name: string,
  message = `${name} (simulated)`,
  requestId = 'rehearsal-request',
): Error {
  const module = SERVICE_MODULES[service];
  const throttling = THROTTLING_ERRORS.has(name);
  const server = SERVER_ERRORS.has(name);
  const $metadata = {
    httpStatusCode: throttling ? 400 : server ? 500 : name.includes('NotFound') ? 404 : 400,
    requestId,
    attempts: 1,
    totalRetryDelay: 0,
  };
  const candidate = module.exports[name];
  let error: Error;
  if (typeof candidate === 'function' && candidate.prototype instanceof module.base) {
    const Modeled = candidate as new (options: { message: string; $metadata: object }) => Error;
    error = new Modeled({ message, $metadata });
  } else {
    error = new module.base({ name, $fault: server ? 'server' : 'client', $metadata, message });
  }
  if (throttling) Object.assign(error, { $retryable: { throttling: true } });
  else if (server) Object.assign(error, { $retryable: {} });
  return error;
}

/** SNS Publish takes messages of at most 256 KB (262,144 bytes). */
const SNS_MAX_MESSAGE_BYTES = 262_144;
/** SSM command ids are UUIDs: 36 characters (the model's CommandId min and max). */
const COMMAND_ID_LENGTH = 36;

/**
 * The error AWS's JSON-protocol services answer when a request breaks a constraint of the model, with
 * the message they use, e.g. `1 validation error detected: Value '[...]' at 'instanceIds' failed to
 * satisfy constraint: Member must have length less than or equal to 50`.
 */
export function validationError(
  service: SimulatedSdkService,
  value: unknown,
  member: string,
  constraint: string,
): Error {
  const shown = Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
  return serviceError(
    service,
    'ValidationException',
    `1 validation error detected: Value '${shown}' at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}

/** A UUID-shaped id (version 4 and variant bits set) derived from text, so rehearsals stay deterministic. */
export function uuidFrom(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

type Handler = (input: never) => object | Promise<object>;
interface Route {
  readonly command: new (input: never) => unknown;
  readonly name: string;
  readonly handle: Handler;
}

/** The part of an aws-sdk-client-mock stub this file uses (its generics do not fit a route table). */
interface StubLike {
  on(command: unknown): { callsFake(fn: (input: unknown) => unknown): unknown };
  readonly send: { callsFake(fn: (command: unknown) => unknown): unknown };
  restore(): void;
}

/** The format SSM documents for the `InvokedAfter`/`InvokedBefore` filters: `2026-12-01T09:00:00Z`. */
const SSM_FILTER_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** A ListCommands time filter value, refused unless it has the documented second precision. */
function ssmFilterTimeValue(value: string): string {
  if (!SSM_FILTER_TIME.test(value)) {
    throw serviceError(
      'ssm',
      'InvalidFilterValue',
      `ListCommands time filters take a timestamp such as 2026-12-01T09:00:00Z (got ${value}).`,
    );
  }
  return value;
}

function isoAt(ms: number): string {
  return new Date(ms).toISOString();
}

function bodyToBuffer(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body);
  throw new Error('The simulated S3 accepts string or byte bodies only (not streams)');
}

/**
 * Creates an AWS account simulated from a scenario: real SDK clients (region from the settings,
 * static fake credentials so presigning works offline) whose commands are answered from the
 * scenario's state at the clock's time. Unknown commands fail loudly.
 */
export function createSimulatedAccount(
  scenario: Scenario,
  clock: AccountClock,
  options: SimulatedAccountOptions,
): SimulatedAccount {
  const { settings } = options;
  const realFetch = options.realFetch ?? globalThis.fetch;
  const runStartMs = scenario.now.getTime();
  const region = settings.region;
  const account = settings.account;
  const partition = settings.partition;
  const clientConfig = { region, credentials: FAKE_CREDENTIALS, maxAttempts: 1 };

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

  const calls: RecordedCall[] = [];
  // Every call is recorded with its caller, when one is named (concurrent callers stay apart).
  const record = (call: RecordedCall): void => {
    const caller = options.caller?.();
    calls.push(caller !== undefined ? { ...call, caller } : call);
  };
  const s3Objects = new Map<string, StoredObject>();
  const snsMessages: PublishedMessage[] = [];
  const putMetrics: PutMetrics[] = [];
  const fisExperiments: SimulatedExperiment[] = [];
  const ssmCommands: SimulatedCommand[] = [];
  const parameterPuts = new Map<string, { value: string; type: string; atMs: number }[]>();
  const failures = scenario.apiFailures.map((f) => ({ ...f, remaining: f.times }));
  const startedExecutions: { arn: string; name: string; input?: string; atMs: number }[] = [];
  let faultStartMs: number | undefined;
  let idCounter = 0;

  const now = (): number => clock.nowMs();
  const eventBus = options.events ? new SimulatedEventBus(scenario, options.events, now) : undefined;
  const preflight = preflightRoutes({
    scenario,
    region,
    account,
    partition,
    now,
    schedules: options.schedules ?? {},
    error: (service, name, message) => serviceError(service, name, message),
  });
  const nextId = (prefix: string, length: number): string => {
    idCounter += 1;
    return `${prefix}${String(idCounter).padStart(length, '0')}`;
  };
  /** A UUID (version 4 layout, as SSM command ids and SNS message ids are), deterministic per account. */
  const nextUuid = (): string => {
    idCounter += 1;
    return uuidFrom(`${runStartMs}/${idCounter}`);
  };
  const at = <T extends { readonly at: Parameters<typeof resolveTime>[0] }>(
    entries: readonly T[],
    atMs = now(),
  ): { entry: T; sinceMs: number } | undefined => {
    const found = valueAt(entries, atMs, runStartMs, faultStartMs);
    if (found) return found;
    // Before the run start (metric windows look back): the 0s entry, which every timeline has,
    // stands for the state the account was already in.
    const initial = entries.find((e) => e.at.base === 'run' && e.at.offsetSeconds === 0);
    return initial ? { entry: initial, sinceMs: runStartMs } : undefined;
  };

  // ---------------------------------------------------------------------------------------------
  // FIS
  // ---------------------------------------------------------------------------------------------
  const experimentArn = (id: string): string => `arn:${partition}:fis:${region}:${account}:experiment/${id}`;
  const templateArn = (id: string): string => `arn:${partition}:fis:${region}:${account}:experiment-template/${id}`;

  const experimentStatus = (exp: SimulatedExperiment, atMs: number): { status: string; reason: string; endMs?: number } => {
    if (exp.stopRequestedMs !== undefined) {
      const stoppedMs = exp.stopRequestedMs + 5000;
      return atMs < stoppedMs
        ? { status: 'stopping', reason: 'Stopping Experiment.' }
        : { status: 'stopped', reason: 'Experiment stopped.', endMs: stoppedMs };
    }
    if (atMs < exp.startMs + 1000) return { status: 'pending', reason: 'Experiment is pending.' };
    if (atMs < exp.startMs + 2000) return { status: 'initiating', reason: 'Experiment is initiating.' };
    if (exp.dryRun) {
      const endMs = exp.startMs + 5000;
      return atMs < endMs
        ? { status: 'running', reason: 'Experiment is running (actions skipped).' }
        : { status: 'completed', reason: 'Experiment completed (actions skipped).', endMs };
    }
    const scheduledEnd = scenario.fis.at ? resolveTime(scenario.fis.at, runStartMs, exp.startMs) : undefined;
    const endMs = scheduledEnd ?? exp.startMs + 2000 + exp.durationSeconds * 1000;
    if (atMs < endMs) return { status: 'running', reason: 'Experiment is running.' };
    const reasons: Record<string, string> = {
      completed: 'Experiment completed.',
      failed: 'Experiment failed: action cpu-stress failed (aws:ssm:send-command returned Failed).',
      cancelled: 'Experiment cancelled.',
      stopped: 'Experiment stopped by a stop condition.',
    };
    return { status: scenario.fis.end, reason: scenario.fis.reason ?? reasons[scenario.fis.end] ?? '', endMs };
  };

  const describeExperiment = (exp: SimulatedExperiment): object => {
    const state = experimentStatus(exp, now());
    const template = options.fisTemplates?.[exp.templateId];
    return {
      id: exp.id,
      arn: experimentArn(exp.id),
      experimentTemplateId: exp.templateId,
      state: { status: state.status, reason: state.reason },
      startTime: new Date(exp.startMs),
      creationTime: new Date(exp.startMs),
      ...(state.endMs !== undefined ? { endTime: new Date(state.endMs) } : {}),
      // As the template defines them (FIS answers the target definition, not the resolved instances).
      targets: {
        Instances: { resourceType: 'aws:ec2:instance', resourceTags: { ...(template?.targetTags ?? {}) }, selectionMode: 'ALL' },
      },
      actions: {
        'cpu-stress': {
          actionId: 'aws:ssm:send-command',
          state: { status: exp.dryRun ? 'skipped' : actionStatus(state.status), reason: state.reason },
        },
      },
      experimentOptions: { actionsMode: exp.dryRun ? 'skip-all' : 'run-all' },
      tags: exp.tags,
    };
  };

  const findExperiment = (id: string | undefined): SimulatedExperiment => {
    const exp = fisExperiments.find((e) => e.id === id);
    if (!exp) throw serviceError('fis', 'ResourceNotFoundException', `Experiment ${String(id)} not found.`);
    return exp;
  };

  const matchingInstances = (tags: Readonly<Record<string, string>> | undefined): string[] =>
    scenario.instances
      .filter((i) => i.state === 'running')
      .filter((i) => Object.entries(tags ?? {}).every(([k, v]) => i.tags[k] === v))
      .map((i) => i.id);

  // FIS's safety lever (GetSafetyLever, UpdateSafetyLeverState): client-fis 3.523 predates them, so
  // they are the signed-request commands of fis-safety-lever.ts, answered here like any FIS call.
  const lever: { status: string; reason?: string } = { ...scenario.preflight.safetyLever };
  const leverOutput = () => ({
    safetyLever: {
      id: DEFAULT_SAFETY_LEVER_ID,
      arn: `arn:${partition}:fis:${region}:${account}:safety-lever/${DEFAULT_SAFETY_LEVER_ID}`,
      state: { status: lever.status, ...(lever.reason !== undefined ? { reason: lever.reason } : {}) },
    },
  });
  const fisRoutes: Route[] = [
    {
      command: GetSafetyLeverCommand,
      name: 'GetSafetyLever',
      handle: (input: { id: string }) => {
        if (input.id !== DEFAULT_SAFETY_LEVER_ID) throw serviceError('fis', 'ResourceNotFoundException', `Safety lever ${input.id} not found`);
        return leverOutput();
      },
    },
    {
      command: UpdateSafetyLeverStateCommand,
      name: 'UpdateSafetyLeverState',
      handle: (input: { id: string; state: { status: string; reason: string } }) => {
        if (input.id !== DEFAULT_SAFETY_LEVER_ID) throw serviceError('fis', 'ResourceNotFoundException', `Safety lever ${input.id} not found`);
        // Engaging takes a moment in AWS; the next read sees it engaged.
        lever.status = input.state.status === 'engaged' ? 'engaging' : 'disengaged';
        lever.reason = input.state.reason;
        const answer = leverOutput();
        if (lever.status === 'engaging') lever.status = 'engaged';
        return answer;
      },
    },
    {
      command: fisSdk.ListExperimentResolvedTargetsCommand,
      name: 'ListExperimentResolvedTargets',
      handle: (input: fisSdk.ListExperimentResolvedTargetsCommandInput) => {
        const exp = findExperiment(input.experimentId);
        const template = options.fisTemplates?.[exp.templateId];
        const resolved = experimentStatus(exp, now()).status !== 'pending';
        return {
          resolvedTargets: resolved
            ? matchingInstances(template?.targetTags).map((id) => ({
                resourceType: 'aws:ec2:instance',
                targetName: 'Instances',
                // A string-to-string map (FIS API reference, ResolvedTarget); an EC2 target carries its ARN
                // under `arn` (getmoto/moto moto/fis/models.py ResolvedTarget.to_dict).
                targetInformation: { arn: `arn:${partition}:ec2:${region}:${account}:instance/${id}` },
              }))
            : [],
        };
      },
    },
    {
      command: fisSdk.StartExperimentCommand,
      name: 'StartExperiment',
      handle: (input: fisSdk.StartExperimentCommandInput) => {
        if (input.clientToken) {
          const existing = fisExperiments.find((e) => e.clientToken === input.clientToken);
          if (existing) {
            if (existing.templateId !== input.experimentTemplateId) {
              throw serviceError('fis', 'ConflictException', 'The client token was already used with other parameters.');
            }
            return { experiment: describeExperiment(existing) };
          }
        }
        const template = input.experimentTemplateId ? options.fisTemplates?.[input.experimentTemplateId] : undefined;
        if (!template || !input.experimentTemplateId) {
          throw serviceError(
            'fis',
            'ResourceNotFoundException',
            `Experiment template ${String(input.experimentTemplateId)} not found.`,
          );
        }
        // client-fis 3.523 does not model experimentOptions; the start-fault core sends it anyway.
        const extra = input as { experimentOptions?: { actionsMode?: string } };
        const dryRun = extra.experimentOptions?.actionsMode === 'skip-all';
        const exp: SimulatedExperiment = {
          id: nextId('EXPrehearsal', 6),
          templateId: input.experimentTemplateId,
          ...(input.clientToken !== undefined ? { clientToken: input.clientToken } : {}),
          startMs: now(),
          durationSeconds: template.durationSeconds,
          dryRun,
          tags: { ...(input.tags ?? {}) },
        };
        fisExperiments.push(exp);
        if (!dryRun) {
          faultStartMs = exp.startMs;
          eventBus?.faultStarted(exp.startMs);
        }
        return { experiment: describeExperiment(exp) };
      },
    },
    {
      command: fisSdk.GetExperimentCommand,
      name: 'GetExperiment',
      handle: (input: fisSdk.GetExperimentCommandInput) => ({ experiment: describeExperiment(findExperiment(input.id)) }),
    },
    {
      command: fisSdk.StopExperimentCommand,
      name: 'StopExperiment',
      handle: (input: fisSdk.StopExperimentCommandInput) => {
        const exp = findExperiment(input.id);
        const { status } = experimentStatus(exp, now());
        if (['completed', 'stopped', 'failed', 'cancelled'].includes(status)) {
          // FIS refuses to stop an experiment that has ended.
          throw serviceError(
            'fis',
            'ValidationException',
            `Experiment ${exp.id} cannot be stopped because it is in the ${status} state.`,
          );
        }
        if (status !== 'stopping') exp.stopRequestedMs = now();
        return { experiment: describeExperiment(exp) };
      },
    },
    {
      command: fisSdk.ListExperimentsCommand,
      name: 'ListExperiments',
      // Newer FIS APIs filter by experimentTemplateId; the pinned client lacks the field.
      handle: (input: fisSdk.ListExperimentsCommandInput & { experimentTemplateId?: string }) => ({
        experiments: fisExperiments
          .filter((e) => !input.experimentTemplateId || e.templateId === input.experimentTemplateId)
          .map((e) => {
            const described = describeExperiment(e) as { state: object };
            return {
              id: e.id,
              arn: experimentArn(e.id),
              experimentTemplateId: e.templateId,
              state: described.state,
              creationTime: new Date(e.startMs),
              tags: e.tags,
            };
          }),
      }),
    },
    {
      command: fisSdk.GetExperimentTemplateCommand,
      name: 'GetExperimentTemplate',
      handle: (input: fisSdk.GetExperimentTemplateCommandInput) => {
        const template = input.id ? options.fisTemplates?.[input.id] : undefined;
        if (!template || !input.id) {
          throw serviceError('fis', 'ResourceNotFoundException', `Experiment template ${String(input.id)} not found.`);
        }
        return {
          experimentTemplate: {
            id: input.id,
            arn: templateArn(input.id),
            description: template.description ?? 'chaos-cadence rehearsal template',
            roleArn: `arn:${partition}:iam::${account}:role/ChaosCadence-fis-${input.id}`,
            actions: {
              'cpu-stress': {
                actionId: 'aws:ssm:send-command',
                parameters: { duration: `PT${template.durationSeconds}S` },
                targets: { Instances: 'Instances' },
              },
            },
            targets: {
              Instances: { resourceType: 'aws:ec2:instance', resourceTags: template.targetTags ?? {}, selectionMode: 'ALL' },
            },
            stopConditions: [{ source: 'none' }],
          },
        };
      },
    },
    {
      command: fisSdk.TagResourceCommand,
      name: 'TagResource',
      handle: (input: fisSdk.TagResourceCommandInput) => {
        const id = input.resourceArn?.split('/').pop();
        const exp = fisExperiments.find((e) => e.id === id);
        if (exp) Object.assign(exp.tags, input.tags ?? {});
        return {};
      },
    },
  ];

  // ---------------------------------------------------------------------------------------------
  // SSM
  // ---------------------------------------------------------------------------------------------
  const parameterValue = (name: string): { value: string; atMs: number; version: number } | undefined => {
    let best: { value: string; atMs: number; version: number } | undefined;
    let version = 0;
    if (name === settings.killSwitchParameter && scenario.killSwitch) {
      const entries = scenario.killSwitch
        .map((e) => ({ value: e.value, atMs: resolveTime(e.at, runStartMs, faultStartMs) }))
        .filter((e): e is { value: string; atMs: number } => e.atMs !== undefined && e.atMs <= now())
        .sort((a, b) => a.atMs - b.atMs);
      for (const e of entries) {
        version += 1;
        best = { ...e, version };
      }
    }
    for (const put of parameterPuts.get(name) ?? []) {
      if (put.atMs > now()) continue;
      version += 1;
      if (!best || put.atMs >= best.atMs) best = { value: put.value, atMs: put.atMs, version };
    }
    return best ? { ...best, version } : undefined;
  };

  const commandStatus = (cmd: SimulatedCommand, atMs: number): string => {
    if (cmd.cancelRequestedMs !== undefined) return atMs < cmd.cancelRequestedMs + 3000 ? 'Cancelling' : 'Cancelled';
    if (atMs < cmd.startMs + 1000) return 'Pending';
    const scheduledEnd = scenario.ssm.at ? resolveTime(scenario.ssm.at, runStartMs, cmd.startMs) : undefined;
    const endMs = scheduledEnd ?? cmd.startMs + 2000 + cmd.durationSeconds * 1000;
    return atMs < endMs ? 'InProgress' : scenario.ssm.end;
  };

  const findCommand = (id: string | undefined): SimulatedCommand => {
    if (id !== undefined && id.length !== COMMAND_ID_LENGTH) {
      // A command id is a 36-character UUID; SSM rejects any other length before looking it up.
      throw validationError(
        'ssm',
        id,
        'commandId',
        `Member must have length ${id.length < COMMAND_ID_LENGTH ? 'greater' : 'less'} than or equal to ${COMMAND_ID_LENGTH}`,
      );
    }
    const cmd = ssmCommands.find((c) => c.id === id);
    if (!cmd) throw serviceError('ssm', 'InvalidCommandId', `Command ${String(id)} not found.`);
    return cmd;
  };

  const describeCommand = (cmd: SimulatedCommand): object => {
    const status = commandStatus(cmd, now());
    const done = ['Success', 'Failed', 'TimedOut', 'Cancelled'].includes(status);
    return {
      CommandId: cmd.id,
      DocumentName: cmd.documentName,
      ...(cmd.comment !== undefined ? { Comment: cmd.comment } : {}),
      Parameters: cmd.parameters,
      InstanceIds: cmd.instanceIds,
      RequestedDateTime: new Date(cmd.startMs),
      Status: status,
      StatusDetails: status,
      TargetCount: cmd.instanceIds.length,
      CompletedCount: done ? cmd.instanceIds.length : 0,
      ErrorCount: status === 'Failed' || status === 'TimedOut' ? cmd.instanceIds.length : 0,
    };
  };

  const ssmRoutes: Route[] = [
    ...preflight.ssm,
    {
      command: ssmSdk.GetParameterCommand,
      name: 'GetParameter',
      handle: (input: ssmSdk.GetParameterCommandInput) => {
        const name = input.Name ?? '';
        const found = parameterValue(name);
        if (!found) throw serviceError('ssm', 'ParameterNotFound', `Parameter ${name} not found.`);
        return {
          Parameter: {
            Name: name,
            Type: 'String',
            Value: found.value,
            Version: found.version,
            LastModifiedDate: new Date(found.atMs),
            ARN: `arn:${partition}:ssm:${region}:${account}:parameter${name.startsWith('/') ? '' : '/'}${name}`,
            DataType: 'text',
          },
        };
      },
    },
    {
      command: ssmSdk.PutParameterCommand,
      name: 'PutParameter',
      handle: (input: ssmSdk.PutParameterCommandInput) => {
        const name = input.Name ?? '';
        const existing = parameterValue(name);
        if (existing && !input.Overwrite) {
          throw serviceError('ssm', 'ParameterAlreadyExists', `The parameter ${name} already exists.`);
        }
        const puts = parameterPuts.get(name) ?? [];
        puts.push({ value: input.Value ?? '', type: input.Type ?? 'String', atMs: now() });
        parameterPuts.set(name, puts);
        eventBus?.parameterWritten(name, now());
        return { Version: (existing?.version ?? 0) + 1, Tier: 'Standard' };
      },
    },
    {
      command: ssmSdk.GetCalendarStateCommand,
      name: 'GetCalendarState',
      handle: (input: ssmSdk.GetCalendarStateCommandInput) => ({
        // A state at a later time (the preflight asks about the next run) may differ from now's.
        State:
          input.AtTime !== undefined && Date.parse(input.AtTime) > now()
            ? (scenario.preflight.changeCalendarAtNextRun ?? scenario.changeCalendar)
            : scenario.changeCalendar,
        AtTime: input.AtTime ?? isoAt(now()),
      }),
    },
    {
      command: ssmSdk.SendCommandCommand,
      name: 'SendCommand',
      handle: (input: ssmSdk.SendCommandCommandInput) => {
        let instanceIds = input.InstanceIds ?? [];
        if (input.Targets && input.Targets.length > 0) {
          instanceIds = scenario.instances
            .filter((i) => i.state === 'running')
            .filter((i) =>
              (input.Targets ?? []).every((t) => {
                if (t.Key === 'InstanceIds') return (t.Values ?? []).includes(i.id);
                if (t.Key?.startsWith('tag:')) {
                  const value = i.tags[t.Key.slice(4)];
                  return value !== undefined && (t.Values ?? []).includes(value);
                }
                return false;
              }),
            )
            .map((i) => i.id);
        }
        if ((input.InstanceIds ?? []).length > SSM_MAX_INSTANCE_IDS) {
          // SSM checks the model's constraints first: InstanceIds is a list of at most 50.
          throw validationError(
            'ssm',
            input.InstanceIds,
            'instanceIds',
            `Member must have length less than or equal to ${SSM_MAX_INSTANCE_IDS}`,
          );
        }
        if (instanceIds.length === 0) {
          throw serviceError('ssm', 'InvalidInstanceId', 'No instances match the command targets.');
        }
        const duration = Number(input.Parameters?.DurationSeconds?.[0] ?? '60');
        const cmd: SimulatedCommand = {
          id: nextUuid(),
          documentName: input.DocumentName ?? '',
          ...(input.Comment !== undefined ? { comment: input.Comment } : {}),
          instanceIds,
          parameters: input.Parameters ?? {},
          startMs: now(),
          durationSeconds: Number.isFinite(duration) ? duration : 60,
        };
        ssmCommands.push(cmd);
        faultStartMs = cmd.startMs;
        eventBus?.faultStarted(cmd.startMs);
        return { Command: describeCommand(cmd) };
      },
    },
    {
      command: ssmSdk.ListCommandsCommand,
      name: 'ListCommands',
      handle: (input: ssmSdk.ListCommandsCommandInput) => {
        for (const filter of input.Filters ?? []) {
          if (filter.key === 'InvokedAfter' || filter.key === 'InvokedBefore') ssmFilterTimeValue(filter.value ?? '');
        }
        const matches = (cmd: SimulatedCommand): boolean =>
          (input.Filters ?? []).every((filter) => {
            const value = filter.value ?? '';
            switch (filter.key) {
              case 'DocumentName':
                return cmd.documentName === value;
              case 'InvokedAfter':
                return cmd.startMs >= Date.parse(ssmFilterTimeValue(value));
              case 'InvokedBefore':
                return cmd.startMs <= Date.parse(ssmFilterTimeValue(value));
              case 'Status':
                return commandStatus(cmd, now()) === value;
              default:
                throw serviceError('ssm', 'InvalidFilterKey', `The simulated account does not support the filter ${String(filter.key)}.`);
            }
          });
        const cmds = input.CommandId ? [findCommand(input.CommandId)] : ssmCommands.filter(matches);
        return { Commands: cmds.map(describeCommand) };
      },
    },
    {
      command: ssmSdk.ListCommandInvocationsCommand,
      name: 'ListCommandInvocations',
      handle: (input: ssmSdk.ListCommandInvocationsCommandInput) => {
        const cmds = input.CommandId ? [findCommand(input.CommandId)] : ssmCommands;
        return {
          CommandInvocations: cmds.flatMap((cmd) =>
            cmd.instanceIds
              .filter((id) => !input.InstanceId || id === input.InstanceId)
              .map((instanceId) => {
                const status = commandStatus(cmd, now());
                return {
                  CommandId: cmd.id,
                  InstanceId: instanceId,
                  DocumentName: cmd.documentName,
                  RequestedDateTime: new Date(cmd.startMs),
                  Status: status,
                  StatusDetails: status,
                };
              }),
          ),
        };
      },
    },
    {
      command: ssmSdk.CancelCommandCommand,
      name: 'CancelCommand',
      handle: (input: ssmSdk.CancelCommandCommandInput) => {
        const cmd = findCommand(input.CommandId);
        const status = commandStatus(cmd, now());
        // SSM accepts a cancel of a finished command and changes nothing.
        if (['Pending', 'InProgress'].includes(status)) cmd.cancelRequestedMs = now();
        return {};
      },
    },
  ];

  // ---------------------------------------------------------------------------------------------
  // CloudWatch
  // ---------------------------------------------------------------------------------------------
  const alarmArn = (name: string): string => `arn:${partition}:cloudwatch:${region}:${account}:alarm:${name}`;
  /**
   * `AWS/EC2/CPUUtilization` by `InstanceId`, as CloudWatch serves it: one datapoint per period the
   * instance publishes at (60 s detailed, 300 s basic, whatever finer period is asked), the period's
   * average, readable only `metricDelaySeconds` after the period ends.
   */
  const instanceCpu = (
    stat: cloudWatchSdk.MetricStat | undefined,
    startMs: number,
    endMs: number,
  ): { Timestamps: Date[]; Values: number[] } | undefined => {
    const dimension = stat?.Metric?.Dimensions?.find((d) => d.Name === 'InstanceId');
    if (stat?.Metric?.Namespace !== 'AWS/EC2' || stat.Metric.MetricName !== 'CPUUtilization' || !dimension) return undefined;
    const instance = scenario.instances.find((i) => i.id === dimension.Value);
    const entries = instance?.cpu ?? scenario.metrics['AWS/EC2/CPUUtilization'];
    if (!instance || !entries) return { Timestamps: [], Values: [] };
    const publishMs = (instance.monitoring === 'detailed' ? 60 : 300) * 1000;
    const periodMs = Math.max(publishMs, (stat.Period ?? 60) * 1000);
    const readableUntil = now() - scenario.metricDelaySeconds * 1000;
    const timestamps: Date[] = [];
    const values: number[] = [];
    for (let t = Math.ceil(startMs / periodMs) * periodMs; t < endMs && t + periodMs <= readableUntil; t += periodMs) {
      const samples: number[] = [];
      for (let u = t; u < t + periodMs; u += 10_000) {
        const value = at(entries, u)?.entry.value;
        if (value !== undefined) samples.push(value);
      }
      if (samples.length === 0) continue;
      timestamps.push(new Date(t));
      values.push(Math.round((samples.reduce((a, b) => a + b, 0) / samples.length) * 10) / 10);
    }
    return { Timestamps: timestamps.reverse(), Values: values.reverse() };
  };

  const cloudWatchRoutes: Route[] = [
    {
      command: cloudWatchSdk.DescribeAlarmsCommand,
      name: 'DescribeAlarms',
      handle: (input: cloudWatchSdk.DescribeAlarmsCommandInput) => {
        const names = Object.keys(scenario.alarms).filter(
          (name) =>
            (!input.AlarmNames || input.AlarmNames.length === 0 || input.AlarmNames.includes(name)) &&
            (!input.AlarmNamePrefix || name.startsWith(input.AlarmNamePrefix)),
        );
        const metricAlarms = names.flatMap((name) => {
          const current = at(scenario.alarms[name] ?? []);
          if (!current) return [];
          if (input.StateValue && input.StateValue !== current.entry.state) return [];
          return [
            {
              AlarmName: name,
              AlarmArn: alarmArn(name),
              StateValue: current.entry.state,
              StateReason: `Simulated: ${current.entry.state} since ${isoAt(current.sinceMs)}`,
              StateUpdatedTimestamp: new Date(current.sinceMs),
              StateTransitionedTimestamp: new Date(current.sinceMs),
              ActionsEnabled: true,
              ...alarmMetricFields(scenario.alarmMetrics[name]),
            },
          ];
        });
        return { MetricAlarms: metricAlarms, CompositeAlarms: [] };
      },
    },
    {
      command: cloudWatchSdk.GetMetricDataCommand,
      name: 'GetMetricData',
      handle: (input: cloudWatchSdk.GetMetricDataCommandInput) => {
        const startMs = input.StartTime ? new Date(input.StartTime).getTime() : now() - 3600_000;
        const endMs = Math.min(input.EndTime ? new Date(input.EndTime).getTime() : now(), now());
        const results = (input.MetricDataQueries ?? []).map((query) => {
          const stat = query.MetricStat;
          const perInstance = instanceCpu(stat, startMs, endMs);
          if (perInstance) return { Id: query.Id, Label: 'CPUUtilization', ...perInstance, StatusCode: 'Complete' };
          const key = stat ? `${stat.Metric?.Namespace ?? ''}/${stat.Metric?.MetricName ?? ''}` : '';
          const entries = scenario.metrics[key];
          const periodMs = (stat?.Period ?? 60) * 1000;
          const timestamps: Date[] = [];
          const values: number[] = [];
          if (entries) {
            for (let t = Math.ceil(startMs / periodMs) * periodMs; t < endMs; t += periodMs) {
              const value = at(entries, t)?.entry.value;
              if (value === undefined) continue;
              timestamps.push(new Date(t));
              values.push(value);
            }
          }
          return {
            Id: query.Id,
            Label: stat?.Metric?.MetricName ?? query.Label ?? query.Id,
            Timestamps: timestamps.reverse(),
            Values: values.reverse(),
            StatusCode: 'Complete',
          };
        });
        return { MetricDataResults: results, Messages: [] };
      },
    },
    {
      command: cloudWatchSdk.PutMetricDataCommand,
      name: 'PutMetricData',
      handle: (input: cloudWatchSdk.PutMetricDataCommandInput) => {
        putMetrics.push({ at: isoAt(now()), namespace: input.Namespace ?? '', metricData: input.MetricData ?? [] });
        return {};
      },
    },
  ];

  // ---------------------------------------------------------------------------------------------
  // Auto Scaling, EC2
  // ---------------------------------------------------------------------------------------------
  const autoScalingRoutes: Route[] = [
    {
      command: autoScalingSdk.DescribeAutoScalingGroupsCommand,
      name: 'DescribeAutoScalingGroups',
      handle: (input: autoScalingSdk.DescribeAutoScalingGroupsCommandInput) => {
        const wanted = input.AutoScalingGroupNames;
        const groups = Object.entries(scenario.asgs)
          .filter(([name]) => !wanted || wanted.length === 0 || wanted.includes(name))
          .map(([name, entries]) => {
            const inService = at(entries)?.entry.inService ?? 0;
            const instances = Array.from({ length: inService }, (_, index) => ({
              InstanceId: scenario.instances[index]?.id ?? `i-${name.replace(/[^a-z0-9]/gi, '').slice(0, 8)}${String(index + 1).padStart(8, '0')}`,
              LifecycleState: 'InService',
              HealthStatus: 'Healthy',
              AvailabilityZone: `${region}a`,
              ProtectedFromScaleIn: false,
            }));
            return {
              AutoScalingGroupName: name,
              AutoScalingGroupARN: `arn:${partition}:autoscaling:${region}:${account}:autoScalingGroup:00000000-0000-0000-0000-000000000000:autoScalingGroupName/${name}`,
              MinSize: Math.min(inService, 1),
              MaxSize: Math.max(inService, 10),
              DesiredCapacity: inService,
              DefaultCooldown: 300,
              AvailabilityZones: [`${region}a`],
              HealthCheckType: 'EC2',
              CreatedTime: new Date(runStartMs - 86_400_000),
              Instances: instances,
              EnabledMetrics:
                (scenario.preflight.asgMetricsCollection[name] ?? true)
                  ? ['GroupInServiceInstances', 'GroupDesiredCapacity'].map((Metric) => ({ Metric, Granularity: '1Minute' }))
                  : [],
            };
          });
        return { AutoScalingGroups: groups };
      },
    },
  ];

  const ec2Routes: Route[] = [
    {
      command: ec2Sdk.DescribeInstancesCommand,
      name: 'DescribeInstances',
      handle: (input: ec2Sdk.DescribeInstancesCommandInput) => {
        const filters = input.Filters ?? [];
        const matches = scenario.instances.filter((instance) => {
          if (input.InstanceIds && input.InstanceIds.length > 0 && !input.InstanceIds.includes(instance.id)) return false;
          return filters.every((filter) => {
            const values = filter.Values ?? [];
            const name = filter.Name ?? '';
            if (name.startsWith('tag:')) {
              const value = instance.tags[name.slice(4)];
              return value !== undefined && values.includes(value);
            }
            if (name === 'tag-key') return values.some((k) => k in instance.tags);
            if (name === 'instance-state-name') return values.includes(instance.state);
            if (name === 'instance-id') return values.includes(instance.id);
            throw serviceError('ec2', 'InvalidParameterValue', `The simulated account does not support the filter ${name}.`);
          });
        });
        return {
          Reservations: matches.length
            ? [
                {
                  ReservationId: 'r-rehearsal0001',
                  OwnerId: account,
                  Instances: matches.map((instance) => ({
                    InstanceId: instance.id,
                    State: { Name: instance.state, Code: instance.state === 'running' ? 16 : 80 },
                    Tags: Object.entries(instance.tags).map(([Key, Value]) => ({ Key, Value })),
                    InstanceType: 't3.small',
                    Monitoring: { State: instance.monitoring === 'detailed' ? 'enabled' : 'disabled' },
                    Placement: { AvailabilityZone: `${region}a` },
                  })),
                },
              ]
            : [],
        };
      },
    },
  ];

  // ---------------------------------------------------------------------------------------------
  // Step Functions
  // ---------------------------------------------------------------------------------------------
  const sfnRoutes: Route[] = [
    {
      command: sfnSdk.DescribeStateMachineForExecutionCommand,
      name: 'DescribeStateMachineForExecution',
      handle: (input: sfnSdk.DescribeStateMachineForExecutionCommandInput) => {
        const machine = options.stateMachine;
        const prefix = machine ? `${machine.arn.replace(':stateMachine:', ':execution:')}:` : undefined;
        if (!machine || !prefix || !input.executionArn?.startsWith(prefix)) {
          throw serviceError('states', 'ExecutionDoesNotExist', `Execution Does Not Exist: '${String(input.executionArn)}'`);
        }
        return {
          stateMachineArn: machine.arn,
          name: machine.name,
          definition: machine.definition,
          roleArn: `arn:${partition}:iam::${account}:role/${machine.name}-role`,
          updateDate: new Date(runStartMs - 86_400_000),
        };
      },
    },
    {
      command: sfnSdk.ListExecutionsCommand,
      name: 'ListExecutions',
      handle: (input: sfnSdk.ListExecutionsCommandInput) => {
        const machine = input.stateMachineArn ?? `arn:${partition}:states:${region}:${account}:stateMachine:unknown`;
        const executionPrefix = machine.replace(':stateMachine:', ':execution:');
        const running = [
          ...(options.ownExecutionArn ? [{ arn: options.ownExecutionArn, startMs: runStartMs }] : []),
          ...Array.from({ length: scenario.runningExecutions }, (_, index) => ({
            arn: `${executionPrefix}:other-run-${index + 1}`,
            startMs: runStartMs - (index + 1) * 600_000,
          })),
          ...startedExecutions.map((e) => ({ arn: e.arn, startMs: e.atMs })),
        ];
        const wanted = !input.statusFilter || input.statusFilter === 'RUNNING';
        return {
          executions: wanted
            ? running.map((e) => ({
                executionArn: e.arn,
                stateMachineArn: machine,
                name: e.arn.split(':').pop(),
                status: 'RUNNING',
                startDate: new Date(e.startMs),
              }))
            : [],
        };
      },
    },
    {
      command: sfnSdk.StartExecutionCommand,
      name: 'StartExecution',
      handle: (input: sfnSdk.StartExecutionCommandInput) => {
        const name = input.name ?? nextId('execution-', 6);
        const arn = `${(input.stateMachineArn ?? '').replace(':stateMachine:', ':execution:')}:${name}`;
        if (startedExecutions.some((e) => e.arn === arn)) {
          throw serviceError('states', 'ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
        }
        startedExecutions.push({ arn, name, ...(input.input !== undefined ? { input: input.input } : {}), atMs: now() });
        return { executionArn: arn, startDate: new Date(now()) };
      },
    },
  ];

  // ---------------------------------------------------------------------------------------------
  // S3, SNS
  // ---------------------------------------------------------------------------------------------
  const s3Routes: Route[] = [
    {
      command: s3Sdk.PutObjectCommand,
      name: 'PutObject',
      handle: (input: s3Sdk.PutObjectCommandInput) => {
        const body = bodyToBuffer(input.Body);
        s3Objects.set(`${input.Bucket ?? ''}/${input.Key ?? ''}`, {
          body,
          ...(input.ContentType !== undefined ? { contentType: input.ContentType } : {}),
          lastModified: new Date(now()),
        });
        return { ETag: `"${body.length.toString(16)}-rehearsal"` };
      },
    },
    {
      command: s3Sdk.GetObjectCommand,
      name: 'GetObject',
      handle: (input: s3Sdk.GetObjectCommandInput) => {
        const stored = s3Objects.get(`${input.Bucket ?? ''}/${input.Key ?? ''}`);
        if (!stored) throw serviceError('s3', 'NoSuchKey', 'The specified key does not exist.');
        return {
          Body: sdkStreamMixin(Readable.from([stored.body])),
          ContentLength: stored.body.length,
          ...(stored.contentType !== undefined ? { ContentType: stored.contentType } : {}),
          LastModified: stored.lastModified,
        };
      },
    },
    {
      command: s3Sdk.ListObjectsV2Command,
      name: 'ListObjectsV2',
      handle: (input: s3Sdk.ListObjectsV2CommandInput) => {
        const prefix = `${input.Bucket ?? ''}/`;
        // As S3 does: keys in UTF-8 binary order, at most MaxKeys (<= 1000) a page, the rest behind
        // an opaque NextContinuationToken (here: the last key returned, base64).
        const after = input.ContinuationToken
          ? Buffer.from(input.ContinuationToken, 'base64').toString('utf8')
          : (input.StartAfter ?? '');
        const pageSize = Math.min(input.MaxKeys ?? 1000, 1000);
        const matching = [...s3Objects.entries()]
          .filter(([key]) => key.startsWith(prefix + (input.Prefix ?? '')))
          .map(([key, stored]) => ({
            Key: key.slice(prefix.length),
            Size: stored.body.length,
            LastModified: stored.lastModified,
            StorageClass: 'STANDARD',
          }))
          .filter((o) => o.Key > after)
          .sort((a, b) => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0));
        const contents = matching.slice(0, pageSize);
        const truncated = matching.length > contents.length;
        const last = contents[contents.length - 1];
        return {
          Contents: contents,
          KeyCount: contents.length,
          IsTruncated: truncated,
          ...(truncated && last ? { NextContinuationToken: Buffer.from(last.Key, 'utf8').toString('base64') } : {}),
          ...(input.ContinuationToken !== undefined ? { ContinuationToken: input.ContinuationToken } : {}),
          MaxKeys: pageSize,
          Name: input.Bucket,
          Prefix: input.Prefix,
        };
      },
    },
  ];

  const snsRoutes: Route[] = [
    ...preflight.sns,
    {
      command: snsSdk.PublishCommand,
      name: 'Publish',
      handle: (input: snsSdk.PublishCommandInput) => {
        // The Publish API reference's constraints, which the service model only documents: a subject of
        // printable ASCII starting with a letter, digit or punctuation, one line, less than 100
        // characters; a message of at most 256 KB. SNS answers InvalidParameter for either.
        if (input.Subject !== undefined && !/^[!-~][ -~]{0,98}$/.test(input.Subject)) {
          throw serviceError('sns', 'InvalidParameterException', 'Invalid parameter: Subject');
        }
        if (Buffer.byteLength(input.Message ?? '', 'utf8') > SNS_MAX_MESSAGE_BYTES) {
          throw serviceError('sns', 'InvalidParameterException', 'Invalid parameter: Message too long');
        }
        snsMessages.push({
          at: isoAt(now()),
          ...(input.TopicArn !== undefined ? { topicArn: input.TopicArn } : {}),
          ...(input.Subject !== undefined ? { subject: input.Subject } : {}),
          message: input.Message ?? '',
        });
        return { MessageId: nextUuid() };
      },
    },
  ];

  // ---------------------------------------------------------------------------------------------
  // DynamoDB: the run lock table (key attribute `pk`), with real condition-expression semantics.
  // ---------------------------------------------------------------------------------------------
  const dynamodbItems = new Map<string, Record<string, dynamodbSdk.AttributeValue>>();
  const tableOf = (name: string | undefined): string => {
    if (name === undefined || name !== settings.runLockTable) {
      throw serviceError('dynamodb', 'ResourceNotFoundException', `Requested resource not found: Table: ${String(name)} not found`);
    }
    return name;
  };
  const itemKey = (table: string, key: Record<string, dynamodbSdk.AttributeValue> | undefined): string => {
    const pk = key?.pk?.S;
    if (pk === undefined) {
      throw serviceError('dynamodb', 'ValidationException', 'The provided key element does not match the schema');
    }
    return `${table}/${pk}`;
  };
  const conditionFailed = (
    old: Record<string, dynamodbSdk.AttributeValue> | undefined,
    returnOld: string | undefined,
  ): Error => {
    const error = serviceError('dynamodb', 'ConditionalCheckFailedException', 'The conditional request failed');
    if (returnOld === 'ALL_OLD' && old) Object.assign(error, { Item: structuredClone(old) });
    return error;
  };
  const checkCondition = (
    expression: string | undefined,
    item: Record<string, dynamodbSdk.AttributeValue> | undefined,
    values: Record<string, dynamodbSdk.AttributeValue> | undefined,
  ): boolean => (expression === undefined ? true : evaluateCondition(expression, item, values ?? {}));
  if (scenario.runningExecutions > 0 && settings.runLockTable) {
    // The most recent other run in flight (see ListExecutions) holds the lock.
    const machineExecutions = (options.ownExecutionArn ?? `arn:${partition}:states:${region}:${account}:execution:unknown:run`).replace(/:[^:]*$/, '');
    const acquiredMs = runStartMs - 600_000;
    dynamodbItems.set(`${settings.runLockTable}/run-lock`, {
      pk: { S: 'run-lock' },
      runId: { S: 'other-run-1' },
      executionArn: { S: `${machineExecutions}:other-run-1` },
      acquiredAt: { S: isoAt(acquiredMs) },
      expiresAt: { N: String(Math.floor(acquiredMs / 1000) + (settings.runLockSeconds ?? 90_000)) },
    });
  }
  const dynamodbRoutes: Route[] = [
    {
      command: dynamodbSdk.PutItemCommand,
      name: 'PutItem',
      handle: (input: dynamodbSdk.PutItemCommandInput) => {
        const key = itemKey(tableOf(input.TableName), input.Item);
        const old = dynamodbItems.get(key);
        if (!checkCondition(input.ConditionExpression, old, input.ExpressionAttributeValues)) {
          throw conditionFailed(old, input.ReturnValuesOnConditionCheckFailure);
        }
        dynamodbItems.set(key, structuredClone(input.Item ?? {}));
        return input.ReturnValues === 'ALL_OLD' && old ? { Attributes: old } : {};
      },
    },
    {
      command: dynamodbSdk.DeleteItemCommand,
      name: 'DeleteItem',
      handle: (input: dynamodbSdk.DeleteItemCommandInput) => {
        const key = itemKey(tableOf(input.TableName), input.Key);
        const old = dynamodbItems.get(key);
        if (!checkCondition(input.ConditionExpression, old, input.ExpressionAttributeValues)) {
          throw conditionFailed(old, input.ReturnValuesOnConditionCheckFailure);
        }
        dynamodbItems.delete(key);
        return input.ReturnValues === 'ALL_OLD' && old ? { Attributes: old } : {};
      },
    },
    {
      command: dynamodbSdk.UpdateItemCommand,
      name: 'UpdateItem',
      handle: (input: dynamodbSdk.UpdateItemCommandInput) => {
        const key = itemKey(tableOf(input.TableName), input.Key);
        const old = dynamodbItems.get(key);
        if (!checkCondition(input.ConditionExpression, old, input.ExpressionAttributeValues)) {
          throw conditionFailed(old, input.ReturnValuesOnConditionCheckFailure);
        }
        const updated = applySetExpression(
          structuredClone(old ?? { ...(input.Key ?? {}) }),
          input.UpdateExpression ?? '',
          input.ExpressionAttributeNames ?? {},
          input.ExpressionAttributeValues ?? {},
        );
        dynamodbItems.set(key, updated);
        return {};
      },
    },
    {
      command: dynamodbSdk.GetItemCommand,
      name: 'GetItem',
      handle: (input: dynamodbSdk.GetItemCommandInput) => {
        const old = dynamodbItems.get(itemKey(tableOf(input.TableName), input.Key));
        return old ? { Item: structuredClone(old) } : {};
      },
    },
  ];

  // ---------------------------------------------------------------------------------------------
  // Wiring: every command goes through `invoke`, which injects failures and records the call.
  // ---------------------------------------------------------------------------------------------
  const recordable = (service: SimulatedService, command: string, value: unknown): unknown => {
    if (service === 's3' && value && typeof value === 'object' && 'Body' in value) {
      const body = (value).Body;
      const size = command === 'PutObject' ? bodyToBuffer(body).length : undefined;
      return { ...value, Body: size === undefined ? '<stream>' : `<${size} bytes>` };
    }
    return value;
  };

  const invoke = async (
    service: SimulatedSdkService,
    route: Route,
    input: unknown,
  ): Promise<object> => {
    const callAt = isoAt(now());
    const key = `${service}:${route.name}`;
    const inputCopy = structuredCloneSafe(recordable(service, route.name, input));
    try {
      const failure = failures.find((f) => f.call === key && f.remaining > 0);
      if (failure) {
        failure.remaining -= 1;
        throw serviceError(service, failure.error, failure.message, `rehearsal-${calls.length + 1}`);
      }
      const output = await route.handle(input as never);
      record({
        at: callAt,
        service,
        command: route.name,
        input: inputCopy,
        output: structuredCloneSafe(recordable(service, route.name, output)),
      });
      return { ...output, $metadata: { httpStatusCode: 200, requestId: `rehearsal-${calls.length}`, attempts: 1 } };
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      record({ at: callAt, service, command: route.name, input: inputCopy, error: `${err.name}: ${err.message}` });
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
      record({ at: isoAt(now()), service, command: name, input: (command as { input?: unknown }).input, error: `${error.name}: ${error.message}` });
      return Promise.reject(error);
    });
    for (const route of routes) stub.on(route.command).callsFake((input: unknown) => invoke(service, route, input));
  };

  wire('fis', clients.fis, fisRoutes);
  wire('ssm', clients.ssm, ssmRoutes);
  wire('cloudwatch', clients.cloudWatch, cloudWatchRoutes);
  wire('autoscaling', clients.autoScaling, autoScalingRoutes);
  wire('ec2', clients.ec2, ec2Routes);
  wire('states', clients.sfn, sfnRoutes);
  wire('s3', clients.s3, s3Routes);
  wire('sns', clients.sns, snsRoutes);
  wire('dynamodb', clients.dynamodb as dynamodbSdk.DynamoDBClient, dynamodbRoutes);
  wire('scheduler', preflightClients.scheduler, preflight.scheduler);
  wire('iam', preflightClients.iam, preflight.iam);
  wire('servicequotas', preflightClients.serviceQuotas, preflight.servicequotas);

  // ---------------------------------------------------------------------------------------------
  // fetch
  // ---------------------------------------------------------------------------------------------
  const httpEntries = new Map(Object.entries(scenario.http).map(([url, entries]) => [normalizeUrl(url), entries]));
  const simulatedFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const callAt = isoAt(now());
    const entries = httpEntries.get(normalizeUrl(url));
    if (entries) {
      const current = at(entries);
      const status = current?.entry.status ?? 200;
      const noBody = method === 'HEAD' || [101, 204, 205, 304].includes(status);
      const delaySeconds = current?.entry.delaySeconds ?? 0;
      if (delaySeconds > 0) {
        try {
          await virtualDelay(delaySeconds * 1000, init?.signal ?? undefined);
        } catch (error) {
          const err = error instanceof Error ? error : new Error(String(error));
          record({ at: callAt, service: 'http', command: method, input: { url }, error: `${err.name}: ${err.message}` });
          throw err;
        }
      }
      record({ at: callAt, service: 'http', command: method, input: { url }, output: { status, simulated: true } });
      return new Response(noBody ? null : (current?.entry.body ?? ''), { status });
    }
    try {
      const response = await clock.trackIo(realFetch(input, init));
      record({ at: callAt, service: 'http', command: method, input: { url }, output: { status: response.status } });
      return response;
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      record({ at: callAt, service: 'http', command: method, input: { url }, error: `${err.name}: ${err.message}` });
      throw err;
    }
  };

  return {
    clients,
    preflightClients,
    fetch: simulatedFetch,
    calls,
    s3Objects,
    snsMessages,
    putMetrics,
    fisExperiments,
    ssmCommands,
    dynamodbItems,
    faultStartedAt: () => (faultStartMs === undefined ? undefined : new Date(faultStartMs)),
    ...(eventBus ? { eventBus } : {}),
    getObjectText: (bucket, key) => s3Objects.get(`${bucket}/${key}`)?.body.toString('utf8'),
    restore: () => {
      for (const stub of stubs) stub.restore();
    },
  };
}

/** A condition the simulated DynamoDB cannot evaluate (it supports what the run lock uses). */
export class UnsupportedConditionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnsupportedConditionError';
  }
}

type Item = Record<string, dynamodbSdk.AttributeValue>;

function scalarOf(value: dynamodbSdk.AttributeValue | undefined): string | number | undefined {
  if (value?.S !== undefined) return value.S;
  if (value?.N !== undefined) return Number(value.N);
  return undefined;
}

function compare(left: string | number | undefined, operator: string, right: string | number | undefined): boolean {
  // DynamoDB: a comparison with a missing attribute, or across types, is false.
  if (left === undefined || right === undefined || typeof left !== typeof right) return operator === '<>' && left !== right;
  switch (operator) {
    case '=':
      return left === right;
    case '<>':
      return left !== right;
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    default:
      return left >= right;
  }
}

function evaluateTerm(term: string, item: Item | undefined, values: Item): boolean {
  const fn = /^(attribute_exists|attribute_not_exists)\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)$/.exec(term);
  if (fn) {
    const exists = item?.[fn[2] as string] !== undefined;
    return fn[1] === 'attribute_exists' ? exists : !exists;
  }
  const comparison = /^([A-Za-z_][A-Za-z0-9_]*)\s*(=|<>|<=|>=|<|>)\s*(:[A-Za-z0-9_]+)$/.exec(term);
  if (comparison) {
    const [, name, operator, placeholder] = comparison as unknown as [string, string, string, string];
    if (!(placeholder in values)) {
      throw serviceError('dynamodb', 'ValidationException', `An expression attribute value used in expression is not defined; attribute value: ${placeholder}`);
    }
    return compare(scalarOf(item?.[name]), operator, scalarOf(values[placeholder]));
  }
  throw new UnsupportedConditionError(`the simulated DynamoDB does not evaluate the condition term "${term}"`);
}

/**
 * Evaluates a DynamoDB condition expression made of `attribute_exists(a)`, `attribute_not_exists(a)`
 * and `a <op> :v` terms joined by AND / OR (AND binds tighter; no parentheses), as DynamoDB would
 * against the current item (absent: `undefined`).
 */
export function evaluateCondition(expression: string, item: Item | undefined, values: Item): boolean {
  return expression
    .split(/\s+OR\s+/i)
    .some((conjunction) => conjunction.split(/\s+AND\s+/i).every((term) => evaluateTerm(term.trim(), item, values)));
}

/**
 * Applies a DynamoDB `SET #a = :v, b = :w` update expression (what the stop records use) to an item.
 * @throws UnsupportedConditionError for other clauses (REMOVE, ADD, functions...)
 */
export function applySetExpression(
  item: Item,
  expression: string,
  names: Record<string, string>,
  values: Item,
): Item {
  const match = /^\s*SET\s+(.+)$/i.exec(expression);
  if (!match?.[1]) throw new UnsupportedConditionError(`the simulated DynamoDB does not apply "${expression}"`);
  for (const assignment of match[1].split(',')) {
    const parts = /^\s*(#?[A-Za-z0-9_]+)\s*=\s*(:[A-Za-z0-9_]+)\s*$/.exec(assignment);
    if (!parts?.[1] || !parts[2]) {
      throw new UnsupportedConditionError(`the simulated DynamoDB does not apply "${assignment.trim()}"`);
    }
    const name = parts[1].startsWith('#') ? names[parts[1]] : parts[1];
    const value = values[parts[2]];
    if (name === undefined || value === undefined) {
      throw serviceError('dynamodb', 'ValidationException', `An expression attribute name or value is not defined: ${assignment.trim()}`);
    }
    item[name] = structuredClone(value);
  }
  return item;
}

/** Waits on the (possibly virtual) global timers; rejects like fetch when the signal aborts. */
function virtualDelay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = (): Error => new DOMException('This operation was aborted', 'AbortError');
    if (signal?.aborted) {
      reject(aborted());
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(aborted());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function normalizeUrl(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

/** A deep copy for the record (Dates and bytes kept; anything uncloneable summarized). */
function structuredCloneSafe(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'function' ? undefined : v))) as unknown;
  }
}

/** DescribeAlarms' metric fields for an alarm the scenario describes (none: a metric-math alarm). */
/** A FIS action's status while its experiment is in `status`. */
function actionStatus(status: string): string {
  switch (status) {
    case 'pending':
    case 'initiating':
      return 'pending';
    case 'running':
      return 'running';
    default:
      return status;
  }
}

/** DescribeAlarms' metric fields for an alarm the scenario describes (none: a metric-math alarm). */
function alarmMetricFields(metric: Scenario['alarmMetrics'][string] | undefined): Partial<cloudWatchSdk.MetricAlarm> {
  if (!metric) return {};
  const slash = metric.metric.lastIndexOf('/');
  return {
    Namespace: metric.metric.slice(0, slash),
    MetricName: metric.metric.slice(slash + 1),
    Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
    Statistic: metric.statistic,
    Period: metric.periodSeconds,
    EvaluationPeriods: 1,
    Threshold: metric.threshold,
    ComparisonOperator: metric.comparison,
  };
}

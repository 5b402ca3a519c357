import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { PUBLISH_ENV } from '../../lambdas/publish-results/env';
import { PROBE_SERIES_ROOT } from '../../lambdas/shared/render/journal';
import { METRIC_NAMESPACE } from '../../lambdas/shared/render/metrics';
import { acknowledgeWildcardResources } from '../faults/nag';
import { cadencePeriods } from '../cadence/period';
import type { Config } from '../config/schema';
import { dashboardNameFor } from './dashboard';
import { WORKFLOW_FUNCTIONS } from '../workflow/tasks';

/**
 * What the workflow needs from the results: where journals and reports go, the topic results are
 * emailed to, the function the workflow calls last, and the dashboard the email links to.
 * Implemented by {@link Results}.
 */
export interface IResults {
  /** Journals (`runs/<yyyy>/<mm>/<run id>.json`) and reports (`reports/<run id>.html`). */
  readonly bucket: s3.IBucket;
  /** The topic results, heads-ups and the workflow's alarms are sent to. */
  readonly topic: sns.ITopic;
  /** The PublishResults function: writes to {@link bucket}, publishes to {@link topic}. */
  readonly publishFunction: lambda.IFunction;
  /** The CloudWatch dashboard name the email links to. */
  readonly dashboardName: string;
}

/** Props of {@link Results}. */
export interface ResultsProps {
  /** The validated config: `notifications.emails` are subscribed; the cadences give the score's periods. */
  readonly config: Config;
  /**
   * An existing bucket for journals and reports (e.g. your organisation's, with its own access logging).
   * The function may write `runs/*` and `reports/*`, read `reports/*` and `runs/*`, and list under
   * `runs/`; if the bucket has an `encryptionKey`, it may encrypt and decrypt with it.
   * @default - a versioned, KMS-encrypted (the construct's key), TLS-only bucket with an access-log bucket
   */
  readonly bucket?: s3.IBucket;
  /**
   * An existing topic results are emailed to; `config.notifications.emails` are subscribed to it.
   * If it has a `masterKey`, the function may use it.
   * @default - a KMS-encrypted (the construct's key), TLS-only topic
   */
  readonly topic?: sns.ITopic;
  /**
   * Name of the CloudWatch dashboard the email links to.
   * @default `ChaosCadence-<stack name>` (what {@link ResultsDashboard} creates)
   */
  readonly dashboardName?: string;
  /**
   * Days after which HTML reports (`reports/`) and noncurrent object versions expire. Run journals
   * (`runs/`) are the history and are kept.
   * @default 400
   */
  readonly reportRetentionDays?: number;
  /**
   * Retention of the publish-results function's log group.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the bucket, the access-log bucket and the key when the stack is deleted.
   * @default RemovalPolicy.RETAIN (the journals are the history)
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * The moment the cadence periods (for the resilience score's staleness) are computed from.
   * @default - now
   */
  readonly now?: Date;
}

/** Lambda allows 4 KB of environment variables in all; the cadence periods may take this much. */
const MAX_CADENCE_PERIODS_ENV = 3000;

const DEFAULTS = {
  reportRetentionDays: 400,
  logRetention: logs.RetentionDays.ONE_YEAR,
  removalPolicy: RemovalPolicy.RETAIN,
} as const;

/**
 * How publish-results is bundled (one source for the construct and `npm run bench`). It leaves nothing to
 * the runtime: it ships its own AWS SDK (the S3 presigner included) instead of the runtime's, so the report
 * link and the email are built by the SDK it was tested with; the workflow's functions leave `@aws-sdk/*`
 * and `@smithy/*` to the runtime, NodejsFunction's default. No source map: its errors are logged by name.
 */
export const PUBLISH_RESULTS_BUNDLING = {
  externalModules: [] as readonly string[],
  minify: true,
  keepNames: true,
  sourceMap: false,
} as const;

/**
 * The results of every run: a KMS key, the versioned results bucket (journals under `runs/`, HTML
 * reports under `reports/`), its access-log bucket, the encrypted notification topic with one email
 * subscription per configured address, and the publish-results function the workflow calls last.
 */
export class Results extends Construct implements IResults {
  /** Encrypts the results bucket and the topic; `undefined` when both were given in the props. */
  public readonly key?: kms.Key;
  /** Journals (`runs/<yyyy>/<mm>/<run id>.json`) and reports (`reports/<run id>.html`). */
  public readonly bucket: s3.IBucket;
  /** Server access logs of {@link bucket}; `undefined` when the bucket was given in the props. */
  public readonly accessLogBucket?: s3.Bucket;
  /** The notification topic (KMS-encrypted, TLS-only unless given in the props). */
  public readonly topic: sns.ITopic;
  /** The PublishResults function. */
  public readonly publishFunction: NodejsFunction;
  /** The function's log group. */
  public readonly logGroup: logs.LogGroup;
  /** The dashboard name the email links to. */
  public readonly dashboardName: string;

  constructor(scope: Construct, id: string, props: ResultsProps) {
    super(scope, id);
    const options = { ...DEFAULTS, ...props };
    if (!Number.isInteger(options.reportRetentionDays) || options.reportRetentionDays < 1) {
      throw new Error(
        `reportRetentionDays must be a whole number of days >= 1 (got ${options.reportRetentionDays})`,
      );
    }
    const stack = Stack.of(this);
    this.dashboardName = props.dashboardName ?? dashboardNameFor(stack.stackName);

    // One key for what the construct creates (the bucket, the topic); none when both are given.
    let key: kms.Key | undefined;
    const ownKey = (): kms.Key =>
      (key ??= new kms.Key(this, 'Key', {
        description: `chaos-cadence results (${stack.stackName}): results bucket and notification topic`,
        enableKeyRotation: true,
        removalPolicy: options.removalPolicy,
      }));
    if (props.bucket === undefined || props.topic === undefined) this.key = ownKey();
    if (props.bucket !== undefined) {
      this.bucket = props.bucket;
    } else {
      const created = this.createBucket(ownKey(), options);
      this.bucket = created.bucket;
      this.accessLogBucket = created.accessLogBucket;
    }
    this.topic =
      props.topic ??
      new sns.Topic(this, 'Topic', {
        displayName: 'chaos-cadence results',
        masterKey: ownKey(),
        enforceSSL: true,
      });
    for (const address of props.config.notifications.emails) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(address));
    }

    this.logGroup = new logs.LogGroup(this, 'PublishLogs', {
      retention: options.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'PublishRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'chaos-cadence PublishResults: writes journals and reports, puts metrics, emails results',
    });
    const periods = JSON.stringify(cadencePeriods(props.config, props.now ?? new Date()));
    if (periods.length > MAX_CADENCE_PERIODS_ENV) {
      throw new Error(
        `the cadence periods of ${props.config.experiments.length} experiments take ${periods.length} characters in ${PUBLISH_ENV.cadencePeriods}, more than the ${MAX_CADENCE_PERIODS_ENV} Lambda's 4 KB environment leaves: split the experiments into several stacks or shorten their names`,
      );
    }
    this.publishFunction = new NodejsFunction(this, 'PublishResults', {
      description:
        'chaos-cadence PublishResults: journal, HTML report, CloudWatch metrics and email of a run',
      entry: path.join(__dirname, '..', '..', 'lambdas', 'publish-results', 'handler.ts'),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(WORKFLOW_FUNCTIONS.PublishResults.timeoutSeconds),
      role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        [PUBLISH_ENV.resultsBucket]: this.bucket.bucketName,
        [PUBLISH_ENV.topicArn]: this.topic.topicArn,
        [PUBLISH_ENV.dashboardName]: this.dashboardName,
        [PUBLISH_ENV.account]: stack.account,
        [PUBLISH_ENV.partition]: stack.partition,
        [PUBLISH_ENV.cadencePeriods]: periods,
        POWERTOOLS_SERVICE_NAME: 'chaos-cadence',
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.CJS,
        minify: PUBLISH_RESULTS_BUNDLING.minify,
        keepNames: PUBLISH_RESULTS_BUNDLING.keepNames,
        sourceMap: PUBLISH_RESULTS_BUNDLING.sourceMap,
        target: 'node22',
        externalModules: [...PUBLISH_RESULTS_BUNDLING.externalModules],
      },
    });

    // Logs: only this function's own log group.
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    // Journals and reports; reading reports too, because the presigned report link is signed with
    // this role's credentials and only works for what the role itself may read.
    this.bucket.grantPut(role, 'runs/*');
    this.bucket.grantPut(role, 'reports/*');
    this.bucket.grantRead(role, 'reports/*');
    // The trend in every email: list the month folders of earlier journals (only under runs/) and read them.
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': ['runs/*'] } },
      }),
    );
    // ... and the during-fault series the poll wrote (joined into the journal).
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects('runs/*'), this.bucket.arnForObjects(`${PROBE_SERIES_ROOT}*`)],
      }),
    );
    // The keys of the bucket and the topic (the construct's own, or those of the given ones).
    for (const k of new Set([this.key, this.bucket.encryptionKey, this.topic.masterKey])) {
      k?.grantEncryptDecrypt(role);
    }
    this.topic.grantPublish(role);
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': METRIC_NAMESPACE } },
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['cloudwatch:GetMetricData'],
        resources: ['*'],
      }),
    );
    const alarmArns = `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*`;
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['cloudwatch:DescribeAlarms'],
        resources: [alarmArns],
      }),
    );
    this.acknowledgeWildcards(role, alarmArns);
    Validations.of(this.publishFunction).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Node.js 22 is the runtime chaos-cadence targets and tests (arm64); upgrade deliberately.',
    });
  }

  /** The results bucket and its access-log bucket, as the construct creates them. */
  private createBucket(
    key: kms.IKey,
    options: { readonly reportRetentionDays: number; readonly removalPolicy: RemovalPolicy },
  ): { bucket: s3.Bucket; accessLogBucket: s3.Bucket } {
    const accessLogBucket = new s3.Bucket(this, 'AccessLogs', {
      // Server access log delivery does not support SSE-KMS target buckets: S3-managed keys.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // No objectOwnership: CDK picks what log delivery needs (a bucket policy with the
      // @aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy flag of cdk.json, else the log-delivery ACL).
      versioned: false,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(options.reportRetentionDays) }],
      removalPolicy: options.removalPolicy,
    });
    Validations.of(accessLogBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket of the results bucket; logging it into itself would loop.',
    });

    const bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: accessLogBucket,
      serverAccessLogsPrefix: 'results/',
      lifecycleRules: [
        { id: 'expire-reports', prefix: 'reports/', expiration: Duration.days(options.reportRetentionDays) },
        // The during-fault series is joined into the journal when the run publishes; kept as long as reports.
        {
          id: 'expire-probe-series',
          prefix: PROBE_SERIES_ROOT,
          expiration: Duration.days(options.reportRetentionDays),
        },
        { id: 'expire-noncurrent', noncurrentVersionExpiration: Duration.days(options.reportRetentionDays) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
      removalPolicy: options.removalPolicy,
    });
    return { bucket, accessLogBucket };
  }

  /**
   * Lets the PollStopConditions function write the during-fault series: `s3:PutObject` on
   * `probe-series/*` only (run ids are known at run time) and the data key to encrypt it with.
   */
  public grantProbeSeriesWrite(writer: lambda.IFunction): void {
    const objects = this.bucket.arnForObjects(`${PROBE_SERIES_ROOT}*`);
    writer.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [objects] }));
    this.bucket.encryptionKey?.grant(writer, 'kms:GenerateDataKey');
    acknowledgeWildcardResources(
      writer.role ?? writer,
      [objects],
      'the poll writes the during-fault series as probe-series/<run id>/<experiment>/<batch>.json (run ids are known at run time)',
    );
  }

  /** Acknowledges each cdk-nag IAM5 finding of the publish role, one by one, with its reason. */
  private acknowledgeWildcards(role: iam.Role, alarmArns: string): void {
    const stack = Stack.of(this);
    const findings: Record<string, string> = {
      [`Resource::${nagName(stack, this.bucket.arnForObjects('runs/*'))}`]:
        'journals are written as runs/<yyyy>/<mm>/<run id>.json: one object per run; earlier ones are read for the trend',
      [`Resource::${nagName(stack, this.bucket.arnForObjects(`${PROBE_SERIES_ROOT}*`))}`]:
        'the during-fault series is read as probe-series/<run id>/<experiment>/<batch>.json (run ids are known at run time)',
      [`Resource::${nagName(stack, this.bucket.arnForObjects('reports/*'))}`]:
        'reports are written (and read through the presigned link) as reports/<run id>.html: one object per run',
      'Action::s3:Abort*': 'grantPut on the two prefixes above: aborting its own multipart uploads',
      'Action::s3:GetObject*':
        'grantRead on reports/* only: the presigned report link is signed with this role',
      'Action::s3:GetBucket*': 'grantRead on reports/* only (bucket-level reads of the results bucket)',
      'Action::s3:List*': 'grantRead on reports/* only (bucket-level reads of the results bucket)',
      'Action::kms:ReEncrypt*': 'encrypt/decrypt grant on the one results key',
      'Action::kms:GenerateDataKey*': 'encrypt/decrypt grant on the one results key (S3 SSE-KMS, SNS)',
      'Resource::*':
        'cloudwatch:PutMetricData has no resource type (limited to the ChaosCadence namespace by condition), ' +
        'cloudwatch:GetMetricData has no resource-level permissions, X-Ray PutTraceSegments needs *',
      [`Resource::${nagName(stack, alarmArns)}`]:
        'DescribeAlarms reads the stop-condition alarms of the plan it receives, known only at run time',
    };
    for (const [finding, reason] of Object.entries(findings)) {
      Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    }
  }
}

/**
 * Spells a value the way cdk-nag names findings: `Fn::Join` joined, `{ Ref: X }` as `<X>`,
 * `{ 'Fn::GetAtt': [X, Arn] }` as `<X.Arn>`.
 */
function nagName(stack: Stack, value: string): string {
  const flatten = (node: unknown): string => {
    if (typeof node === 'string') return node;
    if (node !== null && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      const join = record['Fn::Join'];
      if (Array.isArray(join) && Array.isArray(join[1])) {
        return (join[1] as unknown[]).map(flatten).join(String(join[0]));
      }
      if (typeof record.Ref === 'string') return `<${record.Ref}>`;
      const getAtt = record['Fn::GetAtt'];
      if (Array.isArray(getAtt)) return `<${getAtt.map(String).join('.')}>`;
    }
    return JSON.stringify(node);
  };
  return flatten(stack.resolve(value));
}

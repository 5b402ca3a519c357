import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PUBLISH_ENV } from '../lambdas/publish-results/env';
import { SETTINGS_ENV } from '../lambdas/shared/settings';
import * as api from '../lib';

const root = join(__dirname, '..');

/**
 * An app of another team: its stack already has a KMS key, an SNS topic and an S3 bucket (with its own
 * access logging); chaos-cadence's constructs are composed into that stack and use them.
 */
function importerApp() {
  // prepare: the team's stack and resources, as any CDK app would have them
  const app = new App({
    context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true },
  });
  const stack = new Stack(app, 'PaymentsPlatform', {
    env: { account: '123456789012', region: 'eu-central-1' },
  });
  const key = new kms.Key(stack, 'TeamKey', { enableKeyRotation: true });
  const topic = new sns.Topic(stack, 'TeamAlerts', { masterKey: key, enforceSSL: true });
  const accessLogs = new s3.Bucket(stack, 'TeamAccessLogs', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  });
  Validations.of(accessLogs).acknowledge({
    id: 'AwsSolutions-S1',
    reason: 'The team access-log bucket; logging it into itself would loop.',
  });
  const bucket = new s3.Bucket(stack, 'TeamBucket', {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: key,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    versioned: true,
    serverAccessLogsBucket: accessLogs,
  });

  // act: compose chaos-cadence into it, as the README shows
  const config = api.parseConfigText(
    readFileSync(join(root, 'chaos-cadence.config.yaml'), 'utf8'),
    'chaos-cadence.config.yaml',
  );
  const results = new api.Results(stack, 'ChaosResults', { config, bucket, topic });
  const guardRails = new api.GuardRails(stack, 'ChaosGuardRails', { config });
  const faults = config.experiments.map(
    (experiment) =>
      new api.CpuStressFault(stack, `ChaosFault-${experiment.name}`, { config, experiment, baseDir: root }),
  );
  const runConfig = api.buildRunConfig(config, 'team-config-v1');
  const workflow = new api.ExperimentWorkflow(stack, 'ChaosWorkflow', {
    runConfig,
    faults,
    results,
    guardRails,
    alarmTopic: topic,
  });
  new api.CadenceSchedule(stack, 'ChaosSchedule', {
    group: 'default',
    cadence: config.cadence,
    experiments: api.experimentsInGroup(config, 'default'),
    stateMachine: workflow.stateMachine,
    alarmTopic: topic,
  });
  new api.WorkflowAlarms(stack, 'ChaosAlarms', {
    stateMachine: workflow.stateMachine,
    topic,
    topicKey: key,
    deadLetterQueues: [workflow.sweepFailures],
  });
  return { stack, topic, bucket, key, results, workflow, template: Template.fromStack(stack) };
}

/** Every action `roleId`'s policies allow on `resource` (alone or among others). */
function actionsOn(template: Template, roleId: string, resource: unknown): string[] {
  const key = JSON.stringify(resource);
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
    Properties: {
      Roles: { Ref: string }[];
      PolicyDocument: { Statement: { Effect: string; Action: string | string[]; Resource: unknown }[] };
    };
  }[];
  return policies
    .filter((p) => p.Properties.Roles.some((r) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement)
    .filter((st) => st.Effect === 'Allow')
    .filter((st) => [st.Resource].flat().some((r) => JSON.stringify(r) === key))
    .flatMap((st) => [st.Action].flat());
}

describe('the public API (lib/index.ts)', () => {
  it('is what package.json exports, as main, types and "."', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      main: string;
      types: string;
      exports: Record<string, { types: string; default: string }>;
    };

    const entry = pkg.exports['.'];

    expect([pkg.main, pkg.types, entry?.types, entry?.default]).toEqual([
      'lib/index.ts',
      'lib/index.ts',
      './lib/index.ts',
      './lib/index.ts',
    ]);
    expect(existsSync(join(root, pkg.main))).toBe(true);
  });

  it('exports the stack, the constructs and config loading', () => {
    const names = [
      'ChaosCadenceStack',
      'ExperimentWorkflow',
      'GuardRails',
      'Results',
      'ResultsDashboard',
      'CadenceSchedule',
      'HeadsUp',
      'CpuStressFault',
      'WorkflowAlarms',
      'loadConfig',
      'buildRunConfig',
    ] as const;

    expect(names.filter((name) => typeof api[name] !== 'function')).toEqual([]);
  });
});

describe('chaos-cadence composed into an existing stack with its own topic and bucket', () => {
  const { stack, topic, bucket, key, results, workflow, template } = importerApp();
  const ref = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as never);

  it('creates no topic, bucket or key of its own', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::S3::Bucket', 2);
    template.resourceCountIs('AWS::KMS::Key', 1);
    expect([results.topic, results.bucket, results.key, results.accessLogBucket]).toEqual([
      topic,
      bucket,
      undefined,
      undefined,
    ]);
  });

  it('publishes results to the team topic and writes journals and reports to the team bucket', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [PUBLISH_ENV.topicArn]: { Ref: ref(topic) },
          [PUBLISH_ENV.resultsBucket]: { Ref: ref(bucket) },
        }),
      },
    });
    const publishRole = ref(results.publishFunction.role!);
    const runs = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [ref(bucket), 'Arn'] }, '/runs/*']] };
    const reports = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [ref(bucket), 'Arn'] }, '/reports/*']] };

    expect(actionsOn(template, publishRole, { Ref: ref(topic) })).toContain('sns:Publish');
    expect(actionsOn(template, publishRole, runs)).toEqual(
      expect.arrayContaining(['s3:PutObject', 's3:GetObject']),
    );
    expect(actionsOn(template, publishRole, reports)).toEqual(
      expect.arrayContaining(['s3:PutObject', 's3:GetObject*']),
    );
    expect(actionsOn(template, publishRole, { 'Fn::GetAtt': [ref(key), 'Arn'] })).toEqual(
      expect.arrayContaining(['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey*']),
    );
  });

  it('lets the workflow call that publish function last, and the sweep publish through it', () => {
    const publishArn = { 'Fn::GetAtt': [ref(results.publishFunction), 'Arn'] };

    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      DefinitionSubstitutions: Match.objectLike({ PublishResultsFunctionArn: publishArn }),
    });
    // A Lambda destination with responseOnly goes through the default event bus to a rule.
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        'detail-type': ['Lambda Function Invocation Result - Success'],
        resources: [
          { 'Fn::Join': ['', [{ 'Fn::GetAtt': [ref(workflow.functions.sweep), 'Arn'] }, ':$LATEST']] },
        ],
      }),
      Targets: [Match.objectLike({ Arn: publishArn, InputPath: '$.detail.responsePayload' })],
    });
  });

  it("gives the workflow's functions the team topic and bucket in their settings", () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [SETTINGS_ENV.topicArn]: { Ref: ref(topic) },
          [SETTINGS_ENV.resultsBucket]: { Ref: ref(bucket) },
          [SETTINGS_ENV.killSwitchParameter]: Match.anyValue(),
        }),
      },
    });
  });

  it('has no unacknowledged cdk-nag AwsSolutions findings', () => {
    const violations = new AwsSolutionsChecks().validateScope(stack).violations;

    expect(
      violations.map(
        (v) => `${v.ruleName} ${v.violatingResources.map((r) => r.resourceLogicalId).join(',')}`,
      ),
    ).toEqual([]);
  });
});

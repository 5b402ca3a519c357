import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseConfigText } from '../../lib/config/load';
import { Results } from '../../lib/constructs/results';

const configText = readFileSync(join(__dirname, '..', '..', 'chaos-cadence.config.yaml'), 'utf8');

function build(emails: string[] = ['sre@example.com', 'oncall@example.com']) {
  const config = { ...parseConfigText(configText), notifications: { emails } };
  // The feature flag of cdk.json: access logs are delivered through a bucket policy, not an ACL.
  const flags = { '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true };
  // Bundling is skipped here; test/e2e/synth.test.ts bundles every function with local esbuild.
  const app = new App({ context: { ...flags, 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'ChaosCadence', { env: { account: '123456789012', region: 'eu-central-1' } });
  const results = new Results(stack, 'Results', { config });
  return { stack, results, template: Template.fromStack(stack) };
}

const { stack, results, template } = build();

describe('Results', () => {
  it('creates a KMS key with rotation on', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('encrypts the results bucket with the key and keeps versions', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: {
                'Fn::GetAtt': [stack.getLogicalId(results.key!.node.defaultChild as never), 'Arn'],
              },
            },
          },
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
    });
  });

  it('blocks every kind of public access on both buckets', () => {
    const buckets = template.findResources('AWS::S3::Bucket');

    expect(Object.keys(buckets)).toHaveLength(2);
    for (const bucket of Object.values(buckets)) {
      expect(
        (bucket as { Properties: Record<string, unknown> }).Properties.PublicAccessBlockConfiguration,
      ).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
  });

  it('denies requests without TLS to the results bucket', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: stack.getLogicalId(results.bucket.node.defaultChild as never) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('logs server access to the separate access-log bucket', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: {
        DestinationBucketName: {
          Ref: stack.getLogicalId(results.accessLogBucket!.node.defaultChild as never),
        },
        LogFilePrefix: 'results/',
      },
    });
  });

  it('expires reports and noncurrent versions after 400 days and keeps the journals', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Id: 'expire-reports',
            Prefix: 'reports/',
            ExpirationInDays: 400,
            Status: 'Enabled',
          }),
          Match.objectLike({ Id: 'expire-noncurrent', NoncurrentVersionExpiration: { NoncurrentDays: 400 } }),
        ]),
      },
    });
    const rules = JSON.stringify(template.findResources('AWS::S3::Bucket'));
    expect(rules).not.toContain('"Prefix":"runs/"');
  });

  it('encrypts the topic with the key', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [stack.getLogicalId(results.key!.node.defaultChild as never), 'Arn'] },
    });
  });

  it('denies publishing to the topic without TLS', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('subscribes each configured address by email', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 2);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
  });

  it('runs publish-results on Node.js 22 arm64 with X-Ray and its settings in the environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Environment: {
        Variables: Match.objectLike({
          CHAOS_RESULTS_BUCKET: { Ref: stack.getLogicalId(results.bucket.node.defaultChild as never) },
          CHAOS_TOPIC_ARN: { Ref: stack.getLogicalId(results.topic.node.defaultChild as never) },
          CHAOS_DASHBOARD_NAME: 'ChaosCadence-ChaosCadence',
          CHAOS_ACCOUNT: '123456789012',
        }),
      },
    });
  });

  it('keeps the function logs for a year', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  it('lets the function put metrics only in the ChaosCadence namespace', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: 'cloudwatch:PutMetricData',
            Effect: 'Allow',
            Resource: '*',
            Condition: { StringEquals: { 'cloudwatch:namespace': 'ChaosCadence' } },
          },
        ]),
      },
    });
  });

  it('lets the function write only under runs/ and reports/', () => {
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));

    expect(policies).toContain('/runs/*');
    expect(policies).toContain('/reports/*');
    expect(policies).not.toMatch(/"Arn"\]\},"\/\*"/);
  });

  it('lets the function list the bucket only under runs/ and read only journals (for the trend) and the during-fault series', () => {
    const bucketArn = {
      'Fn::GetAtt': [stack.getLogicalId(results.bucket.node.defaultChild as never), 'Arn'],
    };

    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: 's3:ListBucket',
            Effect: 'Allow',
            Resource: bucketArn,
            Condition: { StringLike: { 's3:prefix': ['runs/*'] } },
          },
          {
            Action: 's3:GetObject',
            Effect: 'Allow',
            Resource: [
              { 'Fn::Join': ['', [bucketArn, '/runs/*']] },
              { 'Fn::Join': ['', [bucketArn, '/probe-series/*']] },
            ],
          },
        ]),
      },
    });
  });

  it('lets a writer put the during-fault series under probe-series/ only, with the data key to encrypt it', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const local = new Stack(app, 'Local', { env: { account: '123456789012', region: 'eu-central-1' } });
    const own = new Results(local, 'Results', { config: parseConfigText(configText) });
    const writer = new lambda.Function(local, 'Poll', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => undefined;'),
    });

    own.grantProbeSeriesWrite(writer);

    const bucketArn = { 'Fn::GetAtt': [local.getLogicalId(own.bucket.node.defaultChild as never), 'Arn'] };
    const keyArn = { 'Fn::GetAtt': [local.getLogicalId(own.key!.node.defaultChild as never), 'Arn'] };
    Template.fromStack(local).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^PollServiceRole') }],
      PolicyDocument: {
        Statement: [
          {
            Action: 's3:PutObject',
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', [bucketArn, '/probe-series/*']] },
          },
          { Action: 'kms:GenerateDataKey', Effect: 'Allow', Resource: keyArn },
        ],
      },
    });
  });

  it("gives the function each experiment's cadence period for the score's staleness", () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ CHAOS_CADENCE_PERIODS: '{"web-cpu-80":3024000}' }) },
    });
  });

  it('lets the function publish to the topic', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sns:Publish',
            Resource: { Ref: stack.getLogicalId(results.topic.node.defaultChild as never) },
          }),
        ]),
      },
    });
  });

  it('attaches no managed policy to the function role', () => {
    const roles = template.findResources('AWS::IAM::Role');

    for (const role of Object.values(roles)) {
      expect((role as { Properties: Record<string, unknown> }).Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('has no unacknowledged cdk-nag AwsSolutions findings', () => {
    const violations = new AwsSolutionsChecks().validateScope(stack).violations;

    expect(
      violations.map(
        (v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.resourceLogicalId).join(', ')}`,
      ),
    ).toEqual([]);
  });

  it('uses a given bucket, creating neither it nor its access-log bucket, and keeps its key for the topic', () => {
    const config = { ...parseConfigText(configText), notifications: { emails: ['sre@example.com'] } };
    const local = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Team', {
      env: { account: '123456789012', region: 'eu-central-1' },
    });
    const bucket = s3.Bucket.fromBucketName(local, 'TeamBucket', 'team-results');

    const given = new Results(local, 'Results', { config, bucket });

    const localTemplate = Template.fromStack(local);
    localTemplate.resourceCountIs('AWS::S3::Bucket', 0);
    localTemplate.resourceCountIs('AWS::KMS::Key', 1);
    localTemplate.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [local.getLogicalId(given.key!.node.defaultChild as never), 'Arn'] },
    });
    localTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ CHAOS_RESULTS_BUCKET: 'team-results' }) },
    });
    expect([given.bucket, given.accessLogBucket]).toEqual([bucket, undefined]);
  });

  it('creates no subscription when no address is configured', () => {
    const none = build([]);

    none.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('fails on a report retention that is not a whole number of days', () => {
    const config = parseConfigText(configText);
    const local = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'S');

    expect(() => new Results(local, 'Results', { config, reportRetentionDays: 0.5 })).toThrow(
      'reportRetentionDays must be a whole number of days >= 1 (got 0.5)',
    );
  });
});

import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { passedResult, publishInput } from '../../fixtures/results';

const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
const cloudWatch = mockClient(CloudWatchClient);

const context = {
  functionName: 'PublishResults',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:PublishResults',
  memoryLimitInMB: '512',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

beforeAll(() => {
  Object.assign(process.env, {
    AWS_REGION: 'eu-central-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    CHAOS_RESULTS_BUCKET: 'results-bucket',
    CHAOS_TOPIC_ARN: 'arn:aws:sns:eu-central-1:123456789012:chaos-cadence',
    CHAOS_DASHBOARD_NAME: 'ChaosCadence-Test',
    CHAOS_ACCOUNT: '123456789012',
  });
  s3.on(PutObjectCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  cloudWatch.on(PutMetricDataCommand).resolves({});
  cloudWatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
  cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
});

describe('publish-results handler', () => {
  it('publishes to the bucket and topic named in its environment', async () => {
    const { handler } = await import('../../../lambdas/publish-results/handler');

    const output = await handler(publishInput(passedResult), context);

    expect(output).toMatchObject({ journal: 'ok', report: 'ok', metrics: 'ok', email: 'ok' });
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: 'results-bucket' });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: 'arn:aws:sns:eu-central-1:123456789012:chaos-cadence',
    });
  });
});

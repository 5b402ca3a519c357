import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import {
  publishResults,
  PublishResultsError,
  type PublishRuntime,
} from '../../../lambdas/publish-results/publish-results';
import type { PublishInput } from '../../../lambdas/shared/types';
import { abortedResult, passedResult, publishInput, skippedResult } from '../../fixtures/results';
import { journalValidator } from '../../render/journal-schema';

const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
const cloudWatch = mockClient(CloudWatchClient);

const BUCKET = 'results-bucket';
const TOPIC = 'arn:aws:sns:eu-central-1:123456789012:chaos-cadence';
const NOW = new Date('2026-03-03T09:08:42.000Z');

function runtime(overrides: Partial<PublishRuntime> = {}): PublishRuntime {
  return {
    clients: {
      s3: new S3Client({
        region: 'eu-central-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' },
      }),
      sns: new SNSClient({ region: 'eu-central-1' }),
      cloudWatch: new CloudWatchClient({ region: 'eu-central-1' }),
    },
    settings: {
      region: 'eu-central-1',
      account: '123456789012',
      partition: 'aws',
      resultsBucket: BUCKET,
      topicArn: TOPIC,
      dashboardName: 'ChaosCadence-Test',
    },
    now: () => NOW,
    ...overrides,
  };
}

function bodyOf(key: string): string {
  const call = s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key === key);
  if (!call) throw new Error(`no PutObject for ${key}`);
  const body = call.args[0].input.Body;
  if (typeof body !== 'string') throw new Error(`PutObject body of ${key} is not a string`);
  return body;
}

beforeEach(() => {
  s3.reset();
  sns.reset();
  cloudWatch.reset();
  s3.on(PutObjectCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  cloudWatch.on(PutMetricDataCommand).resolves({});
  cloudWatch.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: [
      {
        AlarmName: 'sock-shop-5xx',
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HTTPCode_Target_5XX_Count',
        Dimensions: [{ Name: 'LoadBalancer', Value: 'app/shop/123' }],
        Statistic: 'Sum',
        Period: 60,
        Threshold: 50,
        ComparisonOperator: 'GreaterThanThreshold',
      },
    ],
  });
  cloudWatch.on(GetMetricDataCommand).resolves({
    MetricDataResults: [
      {
        Id: 'cpu0',
        Timestamps: [new Date('2026-03-03T09:01:00Z'), new Date('2026-03-03T09:02:00Z')],
        Values: [42, 81],
      },
    ],
  });
});

describe('publishResults', () => {
  it('writes the journal to runs/<yyyy>/<mm>/<run id>.json', async () => {
    const output = await publishResults(publishInput(passedResult), runtime());

    expect(output.journal).toBe('ok');
    expect(output.journalKey).toBe('runs/2026/03/sched-2026-03-03T0900-7f3a.json');
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: BUCKET,
      Key: 'runs/2026/03/sched-2026-03-03T0900-7f3a.json',
      ContentType: 'application/json; charset=utf-8',
    });
  });

  it('writes a journal that is valid against the run-journal schema', async () => {
    await publishResults(publishInput(passedResult, { ...abortedResult, name: 'api-cpu-90' }), runtime());

    const journal = JSON.parse(bodyOf('runs/2026/03/sched-2026-03-03T0900-7f3a.json')) as unknown;
    const validate = journalValidator();
    expect(validate(journal)).toBe(true);
    expect(journal).toMatchObject({
      endedAt: NOW.toISOString(),
      experiments: [{ outcome: 'passed' }, { outcome: 'aborted' }],
    });
  });

  it('writes the HTML report with the CPU chart from GetMetricData', async () => {
    const output = await publishResults(publishInput(passedResult), runtime());

    expect(output.report).toBe('ok');
    expect(output.reportKey).toBe('reports/sched-2026-03-03T0900-7f3a.html');
    const html = bodyOf('reports/sched-2026-03-03T0900-7f3a.html');
    expect(html).toContain('<polyline class="series"');
    expect(html).toContain('sock-shop-asg');
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { ContentType: 'text/html; charset=utf-8' });
  });

  it('reads every page of GetMetricData for the chart, passing NextToken on', async () => {
    cloudWatch
      .on(GetMetricDataCommand)
      .resolvesOnce({ MetricDataResults: [{ Id: 'cpu0', Timestamps: [], Values: [] }], NextToken: 'p2' })
      .resolvesOnce({ MetricDataResults: [{ Id: 'cpu0', Timestamps: [], Values: [] }] });

    await publishResults(publishInput(passedResult), runtime());

    expect(cloudWatch).toHaveReceivedCommandTimes(GetMetricDataCommand, 2);
    expect(cloudWatch).toHaveReceivedNthCommandWith(2, GetMetricDataCommand, { NextToken: 'p2' });
  });

  it('reads at most 10 pages of GetMetricData for a chart', async () => {
    cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [], NextToken: 'again' });

    await publishResults(publishInput(passedResult), runtime());

    expect(cloudWatch).toHaveReceivedCommandTimes(GetMetricDataCommand, 10);
  });

  it('asks GetMetricData for the ASG CPU and the stop-condition metric over the run window', async () => {
    await publishResults(publishInput(passedResult), runtime());

    expect(cloudWatch).toHaveReceivedCommandWith(GetMetricDataCommand, {
      StartTime: new Date('2026-03-03T08:55:03.000Z'),
      EndTime: new Date('2026-03-03T09:08:42.000Z'),
      MetricDataQueries: [
        expect.objectContaining({
          Id: 'cpu0',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/EC2',
              MetricName: 'CPUUtilization',
              Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'sock-shop-asg' }],
            },
            Period: 60,
            Stat: 'Average',
          },
        }),
        expect.objectContaining({
          MetricStat: {
            Metric: {
              Namespace: 'AWS/ApplicationELB',
              MetricName: 'HTTPCode_Target_5XX_Count',
              Dimensions: [{ Name: 'LoadBalancer', Value: 'app/shop/123' }],
            },
            Period: 60,
            Stat: 'Sum',
          },
        }),
      ],
    });
  });

  it('puts the exact metric data in the ChaosCadence namespace', async () => {
    const output = await publishResults(publishInput(passedResult), runtime());

    const dims = [{ Name: 'Experiment', Value: 'web-cpu-80' }];
    const at = new Date('2026-03-03T09:00:03.000Z');
    expect(output.metrics).toBe('ok');
    expect(cloudWatch).toHaveReceivedCommandWith(PutMetricDataCommand, {
      Namespace: 'ChaosCadence',
      MetricData: [
        { MetricName: 'HypothesisHeld', Dimensions: dims, Timestamp: at, Value: 1, Unit: 'None' },
        { MetricName: 'Aborted', Dimensions: dims, Timestamp: at, Value: 0, Unit: 'Count' },
        { MetricName: 'Deviated', Dimensions: dims, Timestamp: at, Value: 0, Unit: 'Count' },
        { MetricName: 'Inconclusive', Dimensions: dims, Timestamp: at, Value: 0, Unit: 'Count' },
        { MetricName: 'Skipped', Dimensions: dims, Timestamp: at, Value: 0, Unit: 'Count' },
        { MetricName: 'Failed', Dimensions: dims, Timestamp: at, Value: 0, Unit: 'Count' },
        { MetricName: 'RecoverySeconds', Dimensions: dims, Timestamp: at, Value: 95, Unit: 'Seconds' },
      ],
    });
  });

  it('emails the card with a subject of less than 100 characters and a presigned report link', async () => {
    const output = await publishResults(publishInput(abortedResult), runtime());

    expect(output.email).toBe('ok');
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.TopicArn).toBe(TOPIC);
    expect(input.Subject).toBe(
      // 100 characters in full: SNS takes less than 100, so the end is cut (the body has it all).
      '[chaos-cadence] web-cpu-80: ABORTED - stop condition sock-shop-5xx fired after 90 s; stopped in...',
    );
    expect(input.Subject!.length).toBeLessThan(100);
    expect(input.Message).toContain('EXPERIMENT CARD: web-cpu-80 - ABORTED');
    expect(input.Message).toMatch(
      /https:\/\/results-bucket\.s3\.eu-central-1\.amazonaws\.com\/reports\/sched-2026-03-03T0900-7f3a\.html\?[^\s]*X-Amz-Expires=604800/,
    );
  });

  it('emails a skipped run too, saying why and what to do', async () => {
    await publishResults(publishInput(skippedResult), runtime());

    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.Subject).toMatch(/^\[chaos-cadence\] web-cpu-80: SKIPPED - not steady before the fault/);
    expect(input.Message).toContain('What to do');
  });

  it('still writes the report, puts metrics and emails when the journal cannot be written', async () => {
    s3.on(PutObjectCommand, { Key: 'runs/2026/03/sched-2026-03-03T0900-7f3a.json' }).rejects(
      Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }),
    );

    const output = await publishResults(publishInput(passedResult), runtime());

    expect(output).toMatchObject({
      journal: 'AccessDenied: Access Denied',
      report: 'ok',
      metrics: 'ok',
      email: 'ok',
    });
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input.Message).toContain(
      'The run journal could not be written (AccessDenied: Access Denied).',
    );
  });

  it('still publishes the rest when PutMetricData fails', async () => {
    cloudWatch
      .on(PutMetricDataCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));

    const output = await publishResults(publishInput(passedResult), runtime());

    expect(output).toMatchObject({
      journal: 'ok',
      report: 'ok',
      metrics: 'Throttling: Rate exceeded',
      email: 'ok',
    });
  });

  it('reports a failed email and keeps the other channels', async () => {
    sns
      .on(PublishCommand)
      .rejects(Object.assign(new Error('KMS key disabled'), { name: 'KMSDisabledException' }));

    const output = await publishResults(publishInput(passedResult), runtime());

    expect(output).toMatchObject({
      journal: 'ok',
      report: 'ok',
      metrics: 'ok',
      email: 'KMSDisabledException: KMS key disabled',
    });
  });

  it('leaves the presigned link out of the email when the report could not be written', async () => {
    s3.on(PutObjectCommand, { Key: 'reports/sched-2026-03-03T0900-7f3a.html' }).rejects(new Error('boom'));

    const output = await publishResults(publishInput(passedResult), runtime());

    const message = sns.commandCalls(PublishCommand)[0]!.args[0].input.Message!;
    expect(output.report).toBe('Error: boom');
    expect(message).toContain('The HTML report could not be written (Error: boom).');
    expect(message).not.toContain('X-Amz-Signature');
  });

  it('still writes the report, with a note, when GetMetricData fails', async () => {
    cloudWatch
      .on(GetMetricDataCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    const output = await publishResults(publishInput(passedResult), runtime());

    expect(output.report).toBe('ok');
    expect(bodyOf('reports/sched-2026-03-03T0900-7f3a.html')).toContain(
      'GetMetricData failed (AccessDeniedException: denied): the chart has no data.',
    );
  });

  it('emails without the presigned link when signing fails', async () => {
    const output = await publishResults(
      publishInput(passedResult),
      runtime({ presign: () => Promise.reject(new Error('no credentials')) }),
    );

    expect(output.email).toBe('ok');
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input.Message).toContain(
      'HTML report in the S3 console:',
    );
  });

  it('puts no metrics for a dry run and says so', async () => {
    const input: PublishInput = {
      ...publishInput(passedResult),
      run: { ...publishInput().run, dryRun: true },
    };

    const output = await publishResults(input, runtime());

    expect(output.metrics).toBe('skipped: dry run (nothing was injected, so no metrics)');
    expect(cloudWatch).not.toHaveReceivedCommand(PutMetricDataCommand);
  });

  it('emails a run in which the guard rails allowed nothing', async () => {
    const input: PublishInput = {
      run: publishInput().run,
      guardRails: {
        allowed: false,
        reason: 'kill switch is on',
        checks: [],
        checkedAt: '2026-03-03T09:00:02.500Z',
      },
      results: [],
    };

    const output = await publishResults(input, runtime());

    expect(output).toMatchObject({
      journal: 'ok',
      report: 'ok',
      metrics: 'skipped: no experiment ran',
      email: 'ok',
    });
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input.Subject).toBe(
      '[chaos-cadence] run sched-2026-03-03T0900-7f3a: SKIPPED - kill switch is on',
    );
  });

  it('rejects with PublishResultsError when every channel failed', async () => {
    s3.on(PutObjectCommand).rejects(new Error('s3 down'));
    cloudWatch.on(PutMetricDataCommand).rejects(new Error('cw down'));
    sns.on(PublishCommand).rejects(new Error('sns down'));

    const published = publishResults(publishInput(passedResult), runtime());

    await expect(published).rejects.toThrow(PublishResultsError);
    await expect(published).rejects.toMatchObject({
      name: 'PublishResultsError',
      status: {
        journal: 'Error: s3 down',
        report: 'Error: s3 down',
        metrics: 'Error: cw down',
        email: 'Error: sns down',
      },
    });
  });
});

import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { Readable } from 'node:stream';
import { publishResults, type PublishRuntime } from '../../../lambdas/publish-results/publish-results';
import { buildJournal } from '../../../lambdas/shared/render/journal';
import { MAX_HISTORY_JOURNALS } from '../../../lambdas/shared/resilience/journals';
import type { ExperimentResult, RunJournal } from '../../../lambdas/shared/types';
import { deviatedResult, passedResult, publishInput, run, skippedResult } from '../../fixtures/results';

const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
const cloudWatch = mockClient(CloudWatchClient);
const BUCKET = 'results-bucket';
const NOW = new Date('2026-03-03T09:08:42.000Z');

function runtime(): PublishRuntime {
  return {
    clients: {
      s3: new S3Client({
        region: 'eu-central-1',
        credentials: { accessKeyId: 'AKID', secretAccessKey: 's' },
      }),
      sns: new SNSClient({ region: 'eu-central-1' }),
      cloudWatch: new CloudWatchClient({ region: 'eu-central-1' }),
    },
    settings: {
      region: 'eu-central-1',
      account: '123456789012',
      partition: 'aws',
      resultsBucket: BUCKET,
      topicArn: 'arn:aws:sns:eu-central-1:123456789012:chaos-cadence',
      dashboardName: 'ChaosCadence-Test',
      cadencePeriods: { 'web-cpu-80': 35 * 24 * 3600 },
    },
    now: () => NOW,
    presign: () => Promise.resolve('https://example.com/presigned'),
  };
}

/** An earlier run of web-cpu-80 on `day` (yyyy-mm-dd) with `outcome`. */
function earlier(day: string, result: ExperimentResult): RunJournal {
  const startedAt = `${day}T09:00:03.000Z`;
  return buildJournal(
    {
      run: { ...run, runId: `sched-${day}`, startedAt },
      results: [{ ...result, startedAt, endedAt: `${day}T09:10:00.000Z` }],
    },
    `${day}T09:10:00.000Z`,
  );
}

function body(text: string) {
  return sdkStreamMixin(Readable.from([Buffer.from(text)]));
}

/** Serves `journals` from their month folders, as S3 would. */
function serve(journals: readonly RunJournal[]): void {
  const keyOf = (j: RunJournal) =>
    `runs/${j.startedAt.slice(0, 4)}/${j.startedAt.slice(5, 7)}/${j.runId}.json`;
  s3.on(ListObjectsV2Command).callsFake((input: { Prefix?: string }) => ({
    Contents: journals
      .filter((j) => keyOf(j).startsWith(input.Prefix ?? ''))
      .map((j) => ({ Key: keyOf(j), LastModified: new Date(j.endedAt) })),
    IsTruncated: false,
  }));
  for (const j of journals) {
    s3.on(GetObjectCommand, { Key: keyOf(j) }).callsFake(() => ({ Body: body(JSON.stringify(j)) }));
  }
}

function email(): string {
  return sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '';
}

function scoreData() {
  return cloudWatch
    .commandCalls(PutMetricDataCommand)
    .flatMap((c) => c.args[0].input.MetricData ?? [])
    .filter((d) => d.MetricName === 'ResilienceScore')
    .map((d) => ({ dimensions: d.Dimensions, value: d.Value }));
}

beforeEach(() => {
  s3.reset();
  sns.reset();
  cloudWatch.reset();
  s3.on(PutObjectCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  cloudWatch.on(PutMetricDataCommand).resolves({});
  cloudWatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
  cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
});

describe('publishResults: the resilience trend', () => {
  it('reads the earlier journals month by month, newest first, by prefix under runs/', async () => {
    serve([earlier('2026-01-06', passedResult), earlier('2026-02-03', passedResult)]);

    await publishResults(publishInput(deviatedResult), runtime());

    const prefixes = s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input.Prefix);
    expect(prefixes.slice(0, 3)).toEqual(['runs/2026/03/', 'runs/2026/02/', 'runs/2026/01/']);
    expect(prefixes).toHaveLength(13);
    expect(s3.commandCalls(ListObjectsV2Command).every((c) => c.args[0].input.Bucket === BUCKET)).toBe(true);
  });

  it('emails the last outcomes with dates, the score now and before, and what changed', async () => {
    serve([earlier('2026-01-06', passedResult), earlier('2026-02-03', passedResult)]);

    await publishResults(publishInput(deviatedResult), runtime());

    expect(email()).toContain(
      [
        'Resilience trend: web-cpu-80 (last 3 of 3 runs)',
        '-----------------------------------------------',
        '2026-01-06          PASSED',
        '2026-02-03          PASSED',
        '2026-03-03          DEVIATED  << this run',
        'Resilience score    50 / 100 (before this run: 100 / 100; -50)',
        'Changed             first deviation on record (2 earlier runs since 2026-01-06)',
        'Application score   sock-shop: 50 / 100 (mean of 1 experiment)',
      ].join('\n'),
    );
  });

  it('shows the trend in the HTML report too', async () => {
    serve([earlier('2026-02-03', skippedResult)]);

    await publishResults(publishInput(passedResult), runtime());

    const report = s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key?.startsWith('reports/'));
    const html = report?.args[0].input.Body;
    if (typeof html !== 'string') throw new Error('no report body');
    expect(html).toContain(
      '<section data-section="trend"><h3>Resilience trend: web-cpu-80 (last 2 of 2 runs)</h3>',
    );
    expect(html).toContain('<dt>Changed</dt><dd>first pass on record (1 earlier run since 2026-02-03)</dd>');
  });

  it('puts a ResilienceScore per experiment and per application', async () => {
    serve([earlier('2026-02-03', passedResult)]);

    await publishResults(publishInput(deviatedResult), runtime());

    expect(scoreData()).toEqual([
      { dimensions: [{ Name: 'Experiment', Value: 'web-cpu-80' }], value: 50 },
      { dimensions: [{ Name: 'Application', Value: 'sock-shop' }], value: 50 },
    ]);
  });

  it('reads at most the newest journals it needs, however many months hold', async () => {
    const many = Array.from({ length: MAX_HISTORY_JOURNALS + 20 }, (_, i) =>
      earlier(`2026-02-${String((i % 27) + 1).padStart(2, '0')}`, passedResult),
    ).map((j, i) => ({ ...j, runId: `${j.runId}-${i}` }));
    serve(many);

    await publishResults(publishInput(passedResult), runtime());

    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(MAX_HISTORY_JOURNALS);
    expect(s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input.Prefix)).toEqual([
      'runs/2026/03/',
      'runs/2026/02/',
    ]);
  });

  it('publishes everything without a trend or score when the journals cannot be read, and says why', async () => {
    s3.on(ListObjectsV2Command).rejects(
      new S3ServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: {},
        message: 'Access Denied',
      }),
    );

    const output = await publishResults(publishInput(passedResult), runtime());

    expect(output).toMatchObject({ journal: 'ok', report: 'ok', metrics: 'ok', email: 'ok' });
    expect(email()).toContain(
      'Resilience trend\n----------------\nNot available: the earlier run journals could not be read (AccessDenied: Access Denied)',
    );
    expect(scoreData()).toEqual([]);
  });

  it('leaves the trend out of a dry run (nothing was injected, nothing is scored)', async () => {
    serve([earlier('2026-02-03', passedResult)]);
    const input = publishInput(passedResult);

    await publishResults({ ...input, run: { ...input.run, dryRun: true } }, runtime());

    expect(s3.commandCalls(ListObjectsV2Command)).toHaveLength(0);
    expect(email()).not.toContain('Resilience trend');
  });
});

/**
 * PublishResults: the last state of every run, whatever the outcome. Publishes four channels, each
 * attempted on its own so one failure never hides the others:
 *
 * - journal: `s3://<bucket>/runs/<yyyy>/<mm>/<run id>.json` (schema/run-journal.schema.json)
 * - report:  `s3://<bucket>/reports/<run id>.html` (self-contained HTML with the CPU/alarm chart)
 * - metrics: PutMetricData, namespace `ChaosCadence`, dimension `Experiment` (and `Application` for
 *            `ResilienceScore`)
 * - email:   SNS Publish, the experiment card as plain text, with console and report links
 *
 * Before publishing it reads the earlier journals (bounded, see lambdas/shared/resilience/journals.ts)
 * for each experiment's resilience trend, shown in the email and the report. When they cannot be read,
 * everything is still published, the trend says why it is missing and no `ResilienceScore` is put.
 *
 * The output reports each channel as `ok`, `skipped: <why>` or the error. It throws
 * {@link PublishResultsError} only when every channel failed: then nothing reached anyone, and the
 * state's Retry/Catch should act (a retry re-publishes everything; all writes are idempotent
 * overwrites of the same keys, only the email could be sent twice).
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PutMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { WorkflowSettings } from '../shared/aws';
import type { ExperimentChart } from '../shared/render/chart';
import { renderReportHtml } from '../shared/render/html';
import { buildJournal, journalKey, reportKey } from '../shared/render/journal';
import { runLinks } from '../shared/render/links';
import {
  METRIC_NAMESPACE,
  resilienceMetricData,
  runMetricData,
  type MetricDatumSpec,
} from '../shared/render/metrics';
import type { RunTrends } from '../shared/render/trend';
import { readEarlierJournals } from '../shared/resilience/journals';
import { runTrends } from '../shared/resilience/trend';
import { emailSubject } from '../shared/render/subject';
import { renderEmailText } from '../shared/render/text';
import type { ChannelStatus, PublishInput, PublishOutput, RunJournal } from '../shared/types';
import { collectChart } from './charts';
import { withDuringSeries } from './series';

/** How long the presigned report link is valid: 7 days, the SigV4 maximum. */
export const PRESIGNED_URL_SECONDS = 7 * 24 * 3600;

/** PutMetricData takes at most 1000 data points per call; stay well below. */
const METRIC_BATCH = 500;

/** The part of {@link Runtime} PublishResults uses (a full `Runtime` fits). */
export interface PublishRuntime {
  readonly clients: {
    readonly s3: Pick<S3Client, 'send'>;
    readonly sns: Pick<SNSClient, 'send'>;
    readonly cloudWatch: CloudWatchClient;
  };
  readonly settings: Pick<
    WorkflowSettings,
    'resultsBucket' | 'topicArn' | 'dashboardName' | 'region' | 'account' | 'partition' | 'cadencePeriods'
  >;
  readonly now: () => Date;
  /**
   * Signs the report's GET URL. @default getSignedUrl of @aws-sdk/s3-request-presigner with the S3
   * client's credentials (in Lambda: the function's temporary credentials, so the URL dies with them).
   */
  readonly presign?: (bucket: string, key: string) => Promise<string>;
}

/** Every publishing channel failed; nothing reached anyone. */
export class PublishResultsError extends Error {
  /** The status of each channel. */
  readonly status: Pick<PublishOutput, 'journal' | 'report' | 'metrics' | 'email'>;
  constructor(message: string, status: PublishResultsError['status'], options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PublishResultsError';
    this.status = status;
  }
}

const OK: ChannelStatus = 'ok';

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

async function attempt(
  channel: () => Promise<ChannelStatus | void>,
): Promise<{ status: ChannelStatus; error?: unknown }> {
  try {
    return { status: (await channel()) ?? OK };
  } catch (error) {
    return { status: errorText(error), error };
  }
}

function isFailure(status: ChannelStatus): boolean {
  return status !== OK && !status.startsWith('skipped');
}

/** Collects each experiment's chart; never throws (a failure becomes a chart note). */
async function collectCharts(
  journal: RunJournal,
  cloudWatch: CloudWatchClient,
  now: Date,
): Promise<Record<string, ExperimentChart>> {
  const charts: Record<string, ExperimentChart> = {};
  for (const result of journal.experiments) {
    try {
      const chart = await collectChart(result, cloudWatch, now);
      if (chart) charts[result.name] = chart;
    } catch (error) {
      // collectChart catches its own AWS errors; this guards against anything unexpected.
      charts[result.name] = {
        start: result.startedAt,
        end: result.endedAt,
        panels: [],
        note: `The chart could not be built (${errorText(error)}).`,
      };
    }
  }
  return charts;
}

async function putMetrics(data: readonly MetricDatumSpec[], cloudWatch: CloudWatchClient): Promise<void> {
  for (let i = 0; i < data.length; i += METRIC_BATCH) {
    await cloudWatch.send(
      new PutMetricDataCommand({
        Namespace: METRIC_NAMESPACE,
        MetricData: data.slice(i, i + METRIC_BATCH).map((d) => ({ ...d, Dimensions: [...d.Dimensions] })),
      }),
    );
  }
}

/** Publishes the results of a run on every channel; see the module comment for the contract. */
export async function publishResults(input: PublishInput, runtime: PublishRuntime): Promise<PublishOutput> {
  const { settings, clients } = runtime;
  const now = runtime.now();
  const journal = await withDuringSeries(
    buildJournal(input, now.toISOString()),
    clients.s3,
    settings.resultsBucket,
  );
  const keys = {
    journalKey: journalKey(journal.runId, journal.startedAt),
    reportKey: reportKey(journal.runId),
  };
  const linkSettings = {
    region: settings.region,
    partition: settings.partition,
    resultsBucket: settings.resultsBucket,
    dashboardName: settings.dashboardName,
  };
  const links = runLinks(journal.executionArn, keys, linkSettings);

  const charts = await collectCharts(journal, clients.cloudWatch, now);
  const trends = await collectTrends(journal, runtime);

  const journalChannel = attempt(async () => {
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: settings.resultsBucket,
        Key: keys.journalKey,
        Body: `${JSON.stringify(journal, null, 2)}\n`,
        ContentType: 'application/json; charset=utf-8',
      }),
    );
  });
  const reportChannel = attempt(async () => {
    const html = renderReportHtml(journal, { settings: linkSettings, links, charts, trends });
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: settings.resultsBucket,
        Key: keys.reportKey,
        Body: html,
        ContentType: 'text/html; charset=utf-8',
        CacheControl: 'no-cache',
      }),
    );
  });
  const metricsChannel = attempt(async () => {
    if (journal.dryRun) return 'skipped: dry run (nothing was injected, so no metrics)';
    const data = [
      ...runMetricData(journal.experiments),
      ...resilienceMetricData(trends.trends, journal.startedAt),
    ];
    if (data.length === 0) return 'skipped: no experiment ran';
    await putMetrics(data, clients.cloudWatch);
    return OK;
  });
  const [journalResult, reportResult, metricsResult] = await Promise.all([
    journalChannel,
    reportChannel,
    metricsChannel,
  ]);

  const emailResult = await attempt(async () => {
    let presigned: string | undefined;
    if (reportResult.status === OK) {
      presigned = await presignReport(runtime, keys.reportKey).catch(() => undefined);
    }
    const body = renderEmailText(
      journal,
      { ...links, ...(presigned !== undefined ? { reportPresigned: presigned } : {}) },
      linkSettings,
      trends,
    );
    const problems = [
      reportResult.status !== OK ? `The HTML report could not be written (${reportResult.status}).` : '',
      journalResult.status !== OK ? `The run journal could not be written (${journalResult.status}).` : '',
    ].filter((p) => p.length > 0);
    const message = problems.length > 0 ? `${problems.join('\n')}\n\n${body}` : body;
    await clients.sns.send(
      new PublishCommand({
        TopicArn: settings.topicArn,
        Subject: emailSubject(journal.experiments, {
          dryRun: journal.dryRun,
          runId: journal.runId,
          ...(journal.guardRails?.reason !== undefined ? { noRunReason: journal.guardRails.reason } : {}),
        }),
        Message: message,
      }),
    );
  });

  const status = {
    journal: journalResult.status,
    report: reportResult.status,
    metrics: metricsResult.status,
    email: emailResult.status,
  };
  const results = [journalResult, reportResult, metricsResult, emailResult];
  if (results.every((r) => isFailure(r.status))) {
    throw new PublishResultsError(
      `every results channel failed: journal (${status.journal}); report (${status.report}); metrics (${status.metrics}); email (${status.email})`,
      status,
      { cause: new AggregateError(results.map((r) => r.error)) },
    );
  }
  return { ...status, ...keys };
}

/**
 * Each experiment's trend from the earlier journals and this one. Never throws: when the journals
 * cannot be read, the trend is marked unavailable with the reason.
 */
async function collectTrends(journal: RunJournal, runtime: PublishRuntime): Promise<RunTrends> {
  if (journal.dryRun) return { trends: {} };
  try {
    const { journals } = await readEarlierJournals(
      runtime.clients.s3,
      runtime.settings.resultsBucket,
      new Date(journal.startedAt),
    );
    return { trends: runTrends(journal, journals, runtime.settings.cadencePeriods ?? {}) };
  } catch (error) {
    return { trends: {}, unavailable: `the earlier run journals could not be read (${errorText(error)})` };
  }
}

async function presignReport(runtime: PublishRuntime, key: string): Promise<string> {
  const { resultsBucket } = runtime.settings;
  if (runtime.presign) return runtime.presign(resultsBucket, key);
  const s3 = runtime.clients.s3;
  if (!(s3 instanceof S3Client)) throw new Error('presigning needs a real S3Client (or runtime.presign)');
  return getSignedUrl(s3, new GetObjectCommand({ Bucket: resultsBucket, Key: key }), {
    expiresIn: PRESIGNED_URL_SECONDS,
  });
}

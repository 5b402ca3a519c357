/**
 * Joins each experiment's during-fault series (written by PollStopConditions, one S3 object per poll
 * batch, see lambdas/poll-stop-conditions/series.ts) into the journal. Never throws: a batch that was
 * not written or cannot be read is named in `duringSeries.missing`, and the summary in `during` still
 * holds its counts.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { probeSeriesKey } from '../shared/render/journal';
import type {
  DuringSeries,
  ExperimentResult,
  ProbeObservation,
  ProbeSeriesBatch,
  RunJournal,
} from '../shared/types';

/** Batches read at once (a 12-hour fault has 144 five-minute batches). */
export const SERIES_READ_CONCURRENCY = 8;

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function isBatch(value: unknown): value is ProbeSeriesBatch {
  if (typeof value !== 'object' || value === null) return false;
  const probes = (value as { probes?: unknown }).probes;
  return (
    typeof probes === 'object' &&
    probes !== null &&
    Object.values(probes).every((list) => Array.isArray(list))
  );
}

async function readBatch(s3: Pick<S3Client, 'send'>, bucket: string, key: string): Promise<ProbeSeriesBatch> {
  const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const text = await answer.Body?.transformToString();
  const parsed: unknown = JSON.parse(text ?? '');
  if (!isBatch(parsed)) throw new Error(`${key} is not a probe series batch`);
  return parsed;
}

/** Runs `work` on each item with at most `limit` at a time, keeping the order of the results. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  });
  await Promise.all(workers);
  return results;
}

/** The full series of one experiment, from its batches; undefined when the poll wrote none. */
export async function readDuringSeries(
  runId: string,
  result: Pick<ExperimentResult, 'name' | 'during'>,
  s3: Pick<S3Client, 'send'>,
  bucket: string,
): Promise<DuringSeries | undefined> {
  const ref = result.during?.series;
  if (!ref || ref.batches === 0) return undefined;
  const numbers = Array.from({ length: ref.batches }, (_, i) => i + 1);
  const read = await mapLimited(numbers, SERIES_READ_CONCURRENCY, async (batch) => {
    try {
      return { batch, data: await readBatch(s3, bucket, probeSeriesKey(runId, result.name, batch)) };
    } catch (error) {
      return { batch, error: errorText(error) };
    }
  });
  const probes: Record<string, ProbeObservation[]> = {};
  const unreadable: string[] = [];
  for (const entry of read) {
    if ('error' in entry) {
      unreadable.push(`${entry.batch} (${entry.error})`);
      continue;
    }
    for (const [id, observations] of Object.entries(entry.data.probes)) {
      (probes[id] ??= []).push(...observations);
    }
  }
  const missing = [
    ...(ref.unwritten !== undefined && ref.unwritten > 0
      ? [
          `${ref.unwritten} of ${ref.batches} batches not written by the poll${ref.lastError !== undefined ? ` (last error: ${ref.lastError})` : ''}`,
        ]
      : []),
    ...(unreadable.length > 0
      ? [
          `batches not read: ${unreadable.slice(0, 5).join('; ')}${unreadable.length > 5 ? `; and ${unreadable.length - 5} more` : ''}`,
        ]
      : []),
  ];
  return {
    probes,
    batches: ref.batches,
    ...(missing.length > 0 ? { missing: missing.join('; ') } : {}),
  };
}

/** The journal with each experiment's full during-fault series joined in. Never throws. */
export async function withDuringSeries(
  journal: RunJournal,
  s3: Pick<S3Client, 'send'>,
  bucket: string,
): Promise<RunJournal> {
  const experiments = await Promise.all(
    journal.experiments.map(async (result): Promise<ExperimentResult> => {
      const duringSeries = await readDuringSeries(journal.runId, result, s3, bucket);
      return duringSeries ? { ...result, duringSeries } : result;
    }),
  );
  return { ...journal, experiments };
}

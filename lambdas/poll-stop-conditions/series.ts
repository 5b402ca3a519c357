/**
 * The full during-fault series, kept out of the Step Functions state: each PollStopConditions batch
 * writes its checks to one S3 object under the run's prefix (`probe-series/<run id>/<experiment>/`),
 * and only a reference (batches written, checks) travels in the state. PublishResults joins the
 * objects into the journal. The state stays the same size however long the fault runs.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Runtime } from '../shared/aws';
import { awsCall } from '../shared/errors';
import { probeSeriesKey } from '../shared/render/journal';
import type { ProbeObservation, ProbeSeriesBatch, SeriesRef } from '../shared/types';
import type { DuringCheck } from './during';

/** Longest `observed` text kept per check (an HTTP body match can be long). */
export const MAX_OBSERVED_CHARS = 200;

/** Longest write error kept in the state. */
const MAX_ERROR_CHARS = 200;

/**
 * How long the series write may hold back a poll that says stop: the stop comes first, so a slow S3 is
 * given this long and the batch is then counted as unwritten.
 */
export const STOP_WRITE_DEADLINE_MS = 1000;

/** One check as the series records it. */
export function toObservation(check: DuringCheck): { id: string; observation: ProbeObservation } {
  if (!check.evaluated) {
    return {
      id: check.id,
      observation: { at: check.checkedAt, error: check.error.slice(0, MAX_OBSERVED_CHARS) },
    };
  }
  const r = check.result;
  return {
    id: r.id,
    observation: {
      at: r.checkedAt,
      ok: r.ok,
      observed: r.observed.slice(0, MAX_OBSERVED_CHARS),
      ...(r.value !== undefined ? { value: r.value } : {}),
      ...(r.error !== undefined ? { error: r.error.slice(0, MAX_OBSERVED_CHARS) } : {}),
    },
  };
}

/** The checks of one batch of polls, per probe, oldest first. */
export function batchProbes(polls: readonly (readonly DuringCheck[])[]): Record<string, ProbeObservation[]> {
  const probes: Record<string, ProbeObservation[]> = {};
  for (const checks of polls) {
    for (const check of checks) {
      const { id, observation } = toObservation(check);
      (probes[id] ??= []).push(observation);
    }
  }
  return probes;
}

/**
 * Writes one batch's checks and returns the new reference. A batch number is derived from the previous
 * reference, so a retried invocation overwrites its own object. A failed write does not fail the poll
 * (stopping the fault must not depend on the series): it is counted as unwritten, with the last error,
 * and the journal says what is missing. The reference stays a few numbers however long the fault runs.
 */
export async function writeSeriesBatch(
  target: { readonly runId: string; readonly experiment: string },
  polls: readonly (readonly DuringCheck[])[],
  previous: SeriesRef | undefined,
  runtime: Pick<Runtime, 'clients' | 'settings'>,
  options: { readonly deadlineMs?: number } = {},
): Promise<SeriesRef | undefined> {
  const checks = polls.filter((p) => p.length > 0).length;
  if (checks === 0) return previous;
  const batch = (previous?.batches ?? 0) + 1;
  const body: ProbeSeriesBatch = {
    runId: target.runId,
    experiment: target.experiment,
    batch,
    probes: batchProbes(polls),
  };
  const base = { batches: batch, checks: (previous?.checks ?? 0) + checks };
  const unwritten = previous?.unwritten ?? 0;
  try {
    await awsCall('s3:PutObject', () =>
      runtime.clients.s3.send(
        new PutObjectCommand({
          Bucket: runtime.settings.resultsBucket,
          Key: probeSeriesKey(target.runId, target.experiment, batch),
          Body: JSON.stringify(body),
          ContentType: 'application/json',
        }),
        options.deadlineMs !== undefined ? { abortSignal: AbortSignal.timeout(options.deadlineMs) } : {},
      ),
    );
    return {
      ...base,
      ...(unwritten > 0 ? { unwritten } : {}),
      ...(previous?.lastError !== undefined ? { lastError: previous.lastError } : {}),
    };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { ...base, unwritten: unwritten + 1, lastError: message.slice(0, MAX_ERROR_CHARS) };
  }
}

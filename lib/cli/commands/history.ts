import { GetObjectCommand, ListObjectsV2Command, type S3Client, type _Object } from '@aws-sdk/client-s3';
import type { RunJournal } from '../../../lambdas/shared/types';
import type { CliContext, StackOptions } from '../context';
import { ExitCode, UsageError, type ExitCodeValue } from '../errors';
import { eprintln, formatSeconds, formatTable, outcomeStyle, paint, println } from '../io';
import { findStack } from '../stack';

/** Options of `chaos-cadence history`. */
export interface HistoryOptions extends StackOptions {
  /** How many runs, newest first. @default 10 */
  readonly limit: number;
  /** Print JSON instead of a table. */
  readonly json: boolean;
}

/** Largest `--limit` accepted (each run is one GetObject). */
export const MAX_HISTORY_LIMIT = 500;

/** Journal keys live under `runs/<yyyy>/<mm>/`. */
const JOURNAL_PREFIX = 'runs/';

/** Parses `--limit`: a whole number from 1 to {@link MAX_HISTORY_LIMIT}. @throws UsageError */
export function parseLimit(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > MAX_HISTORY_LIMIT) {
    throw new UsageError(`--limit must be a whole number from 1 to ${MAX_HISTORY_LIMIT} (got "${text}")`);
  }
  return value;
}

/** Sub-folders (`CommonPrefixes`) of a prefix, every page. */
async function listFolders(s3: Pick<S3Client, 'send'>, bucket: string, prefix: string): Promise<string[]> {
  const folders: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token }),
    );
    for (const p of page.CommonPrefixes ?? []) if (p.Prefix) folders.push(p.Prefix);
    token = page.NextContinuationToken;
  } while (token);
  return folders;
}

/** Objects directly under a prefix, every page. */
async function listObjects(s3: Pick<S3Client, 'send'>, bucket: string, prefix: string): Promise<_Object[]> {
  const objects: _Object[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    objects.push(...(page.Contents ?? []));
    token = page.NextContinuationToken;
  } while (token);
  return objects;
}

/**
 * The journal keys of the newest `limit` runs: walks `runs/<yyyy>/<mm>/` months newest first and sorts
 * each month's objects by last-modified time, so only the months needed are listed.
 */
export async function newestJournalKeys(
  s3: Pick<S3Client, 'send'>,
  bucket: string,
  limit: number,
): Promise<string[]> {
  const keys: string[] = [];
  const years = (await listFolders(s3, bucket, JOURNAL_PREFIX)).sort().reverse();
  for (const year of years) {
    const months = (await listFolders(s3, bucket, year)).sort().reverse();
    for (const month of months) {
      const objects = (await listObjects(s3, bucket, month))
        .filter((o) => o.Key?.endsWith('.json'))
        .sort((a, b) => (b.LastModified?.getTime() ?? 0) - (a.LastModified?.getTime() ?? 0));
      for (const object of objects) {
        if (object.Key) keys.push(object.Key);
        if (keys.length >= limit) return keys;
      }
    }
  }
  return keys;
}

function isRunJournal(value: unknown): value is RunJournal {
  if (typeof value !== 'object' || value === null) return false;
  const j = value as Record<string, unknown>;
  return typeof j.runId === 'string' && typeof j.startedAt === 'string' && Array.isArray(j.experiments);
}

/** Reads and parses one journal; `undefined` (with the reason) when it is not a run journal. */
async function readJournal(
  s3: Pick<S3Client, 'send'>,
  bucket: string,
  key: string,
): Promise<{ journal?: RunJournal; problem?: string }> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const text = (await object.Body?.transformToString('utf8')) ?? '';
  try {
    const data: unknown = JSON.parse(text);
    return isRunJournal(data) ? { journal: data } : { problem: 'not a run journal' };
  } catch {
    return { problem: 'not valid JSON' };
  }
}

/** One table row per experiment (one for a run that ran none). */
export function historyRows(journals: readonly RunJournal[]): string[][] {
  const rows: string[][] = [];
  for (const journal of journals) {
    const date = `${journal.startedAt.slice(0, 16).replace('T', ' ')}Z`;
    const runId = `${journal.runId}${journal.dryRun ? ' (dry run)' : ''}`;
    if (journal.experiments.length === 0) {
      rows.push([date, runId, '-', 'skipped', '-', '-', journal.guardRails?.reason ?? 'no experiment ran']);
      continue;
    }
    for (const e of journal.experiments) {
      rows.push([
        date,
        runId,
        e.name,
        e.outcome,
        formatSeconds(e.timeToStopSeconds),
        formatSeconds(e.recoverySeconds),
        e.reason,
      ]);
    }
  }
  return rows;
}

/**
 * `chaos-cadence history`: the newest runs from the journal in S3, as a table (date, run id, experiment,
 * outcome, time to stop, recovery, reason) or as JSON.
 * @returns 0
 */
export async function historyCommand(options: HistoryOptions, context: CliContext): Promise<ExitCodeValue> {
  const { io } = context;
  const clients = context.clients(options.region);
  const stack = await findStack(clients.cloudFormation, options.stack);
  const bucket = stack.require('ResultsBucketName');
  const keys = await newestJournalKeys(clients.s3, bucket, options.limit);
  const journals: RunJournal[] = [];
  for (const key of keys) {
    const { journal, problem } = await readJournal(clients.s3, bucket, key);
    if (journal) journals.push(journal);
    else eprintln(io, `warning: skipped s3://${bucket}/${key}: ${problem ?? 'unreadable'}`);
  }
  journals.sort((a, b) => b.startedAt.localeCompare(a.startedAt));

  if (options.json) {
    const summary = journals.map((j) => ({
      runId: j.runId,
      startedAt: j.startedAt,
      endedAt: j.endedAt,
      trigger: j.trigger,
      dryRun: j.dryRun,
      ...(j.guardRails?.reason ? { guardRails: j.guardRails.reason } : {}),
      experiments: j.experiments.map((e) => ({
        name: e.name,
        outcome: e.outcome,
        reason: e.reason,
        timeToStopSeconds: e.timeToStopSeconds ?? null,
        recoverySeconds: e.recoverySeconds ?? null,
      })),
    }));
    println(io, JSON.stringify(summary, null, 2));
    return ExitCode.Ok;
  }
  if (journals.length === 0) {
    println(io, `No runs yet in s3://${bucket}/${JOURNAL_PREFIX}.`);
    return ExitCode.Ok;
  }
  const header = ['DATE (UTC)', 'RUN', 'EXPERIMENT', 'OUTCOME', 'TIME TO STOP', 'RECOVERY', 'REASON'];
  const rows = historyRows(journals);
  for (const line of formatTable(header, rows, (row, column, text) =>
    column === 3 ? paint(io, outcomeStyle(rows[row]?.[3] ?? ''), text) : text,
  ))
    println(io, line);
  return ExitCode.Ok;
}

import { GetObjectCommand, paginateListObjectsV2, type S3Client, type _Object } from '@aws-sdk/client-s3';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { reportKey } from '../../../lambdas/shared/render/journal';
import { s3ObjectConsoleUrl } from '../../../lambdas/shared/render/links';
import { parseRunJournal, readRunJournalText } from '../../../lambdas/shared/resilience/journals';
import { experimentRuns } from '../../../lambdas/shared/resilience/trend';
import type { RunJournal } from '../../../lambdas/shared/types';
import { cadencePeriods } from '../../cadence/period';
import { loadConfig } from '../../config/load';
import { renderHistoryHtml } from '../../history/page';
import { MAX_HISTORY_LIMIT } from '../arguments';
import type { CliContext, StackOptions } from '../context';
import { CliError, ExitCode, UsageError, type ExitCodeValue } from '../errors';
import { eprintln, formatSeconds, formatTable, outcomeStyle, paint, println } from '../io';
import { findStack } from '../stack';

/** Options of `chaos-cadence history`. */
export interface HistoryOptions extends StackOptions {
  /** How many runs, newest first. @default 10, or {@link MAX_HISTORY_LIMIT} with `html` */
  readonly limit?: number;
  /** Print JSON instead of a table. */
  readonly json: boolean;
  /** Write the self-contained history page to this file instead of printing a table. */
  readonly html?: string;
  /** Read the journals from this folder (e.g. a rehearsal --out folder, or `aws s3 sync` of runs/) instead of S3. */
  readonly from?: string;
  /** The config whose cadences give the score's staleness. @default CHAOS_CADENCE_CONFIG or ./chaos-cadence.config.yaml, if present */
  readonly config?: string;
}

/** Folder depth searched by `--from` (`runs/<yyyy>/<mm>/<id>.json` is 3 deep). */
const MAX_FOLDER_DEPTH = 4;

/** A journal and the file it came from (`--from`). */
interface FolderJournal {
  readonly journal: RunJournal;
  readonly file: string;
}

/** Every run journal under `dir` (JSON files that are run journals; others are passed over). */
export function readJournalFolder(dir: string, depth = 0): FolderJournal[] {
  const found: FolderJournal[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && depth < MAX_FOLDER_DEPTH) found.push(...readJournalFolder(path, depth + 1));
    else if (entry.isFile() && entry.name.endsWith('.json')) {
      const journal = parseRunJournal(readFileSync(path, 'utf8'));
      if (journal) found.push({ journal, file: path });
    }
  }
  return found;
}

/** Journal keys live under `runs/<yyyy>/<mm>/`. */
const JOURNAL_PREFIX = 'runs/';

/** Sub-folders (`CommonPrefixes`) of a prefix, every page. */
async function listFolders(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const folders: string[] = [];
  const pages = paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix, Delimiter: '/' });
  for await (const page of pages) {
    for (const p of page.CommonPrefixes ?? []) if (p.Prefix) folders.push(p.Prefix);
  }
  return folders;
}

/** Objects directly under a prefix, every page. */
async function listObjects(s3: S3Client, bucket: string, prefix: string): Promise<_Object[]> {
  const objects: _Object[] = [];
  const pages = paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix });
  for await (const page of pages) objects.push(...(page.Contents ?? []));
  return objects;
}

/**
 * The journal keys of the newest `limit` runs: walks `runs/<yyyy>/<mm>/` months newest first and sorts
 * each month's objects by last-modified time, so only the months needed are listed.
 */
export async function newestJournalKeys(s3: S3Client, bucket: string, limit: number): Promise<string[]> {
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

/** Reads and parses one journal; `undefined` (with the reason) when it is not a run journal. */
async function readJournal(
  s3: Pick<S3Client, 'send'>,
  bucket: string,
  key: string,
): Promise<{ journal?: RunJournal; problem?: string }> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const text = (await object.Body?.transformToString('utf8')) ?? '';
  return readRunJournalText(text);
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

/** Region and partition from a journal's execution ARN (`arn:<partition>:states:<region>:...`). */
function arnPlace(arn: string): { region: string; partition: string } | undefined {
  const [, partition, , region] = arn.split(':');
  return partition && region ? { region, partition } : undefined;
}

/** The cadence periods of the config, when one can be loaded (else none: nothing is stale). */
function periodsOf(options: HistoryOptions, context: CliContext): Record<string, number> {
  try {
    const loaded = loadConfig({
      ...(options.config !== undefined ? { path: options.config } : {}),
      env: context.env,
      cwd: context.cwd,
    });
    return cadencePeriods(loaded.config, context.now());
  } catch (error) {
    if (options.config !== undefined) throw error;
    return {};
  }
}

/** Reads the newest journals from S3 (the bucket of the stack's outputs). */
async function journalsFromS3(
  options: HistoryOptions,
  context: CliContext,
  limit: number,
): Promise<{ journals: RunJournal[]; source: string; reportHref: (j: RunJournal) => string | undefined }> {
  const clients = context.clients(options.region);
  const stack = await findStack(clients.cloudFormation, options.stack);
  const bucket = stack.require('ResultsBucketName');
  const keys = await newestJournalKeys(clients.s3, bucket, limit);
  const journals: RunJournal[] = [];
  for (const key of keys) {
    const { journal, problem } = await readJournal(clients.s3, bucket, key);
    if (journal) journals.push(journal);
    else eprintln(context.io, `warning: skipped s3://${bucket}/${key}: ${problem ?? 'unreadable'}`);
  }
  const reportHref = (j: RunJournal): string | undefined => {
    const place = arnPlace(j.executionArn);
    return place ? s3ObjectConsoleUrl(bucket, reportKey(j.runId), place) : undefined;
  };
  return { journals, source: `s3://${bucket}/${JOURNAL_PREFIX}`, reportHref };
}

/** Reads the journals of a folder; links each to the `report.html` beside it, if any. */
function journalsFromFolder(
  options: HistoryOptions & { from: string },
  context: CliContext,
): { journals: RunJournal[]; source: string; reportHref: (j: RunJournal) => string | undefined } {
  const dir = resolve(context.cwd, options.from);
  if (!existsSync(dir)) throw new UsageError(`--from ${options.from}: no such folder`);
  const found = readJournalFolder(dir);
  const reports = new Map<string, string>();
  const pageDir = dirname(resolve(context.cwd, options.html ?? '.'));
  for (const { journal, file } of found) {
    const report = join(dirname(file), 'report.html');
    if (basename(file) === 'journal.json' && existsSync(report)) {
      reports.set(journal.runId, relative(pageDir, report).split('\\').join('/'));
    }
  }
  return {
    journals: found.map((f) => f.journal),
    source: options.from,
    reportHref: (j) => reports.get(j.runId),
  };
}

/**
 * `chaos-cadence history`: the newest runs from the journal in S3 (or `--from` a folder), as a table
 * (date, run id, experiment, outcome, time to stop, recovery, reason), as JSON, or (`--html FILE`)
 * as the self-contained history page with the resilience score over months.
 * @returns 0
 */
export async function historyCommand(options: HistoryOptions, context: CliContext): Promise<ExitCodeValue> {
  const { io } = context;
  const limit = options.limit ?? (options.html !== undefined ? MAX_HISTORY_LIMIT : 10);
  const read =
    options.from !== undefined
      ? journalsFromFolder({ ...options, from: options.from }, context)
      : await journalsFromS3(options, context, limit);
  const journals = read.journals.sort((a, b) => b.startedAt.localeCompare(a.startedAt)).slice(0, limit);

  if (options.html !== undefined) {
    const file = resolve(context.cwd, options.html);
    const html = renderHistoryHtml(journals, {
      source: read.source,
      now: context.now(),
      cadencePeriods: periodsOf(options, context),
      reportHref: read.reportHref,
    });
    try {
      writeFileSync(file, html);
    } catch (error) {
      throw new CliError(`cannot write ${options.html}: ${(error as Error).message}`);
    }
    const runs = experimentRuns(journals);
    const experiments = new Set(runs.map((r) => r.experiment)).size;
    println(
      io,
      `Wrote ${options.html}: ${runs.length} experiment runs of ${experiments} experiments from ${read.source}.`,
    );
    return ExitCode.Ok;
  }

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
    println(io, `No runs yet in ${read.source}.`);
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

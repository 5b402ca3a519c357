/**
 * Reads earlier run journals from the results bucket, bounded: the month folders
 * `runs/<yyyy>/<mm>/` newest first, listed with the SDK's ListObjectsV2 paginator by prefix, until
 * enough journals are found or the look-back ends; then at most {@link MAX_HISTORY_JOURNALS}
 * GetObject calls, a few at a time.
 */
import { GetObjectCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { describeJournalProblem, runJournalSchema, upgradeJournal } from '../journal-schema';
import type { RunJournal } from '../types';

/** How many months back the trend looks (the current month included). */
export const HISTORY_MONTHS = 13;
/** Most journals read for one trend (one GetObject each). */
export const MAX_HISTORY_JOURNALS = 60;
/** Most ListObjectsV2 pages per month folder (1000 keys a page). */
const MAX_PAGES_PER_MONTH = 3;
/** GetObject calls in flight at once. */
const READ_CONCURRENCY = 6;

/** A run journal read, or why the text is not one (naming the field: `experiments[0].outcome: ...`). */
export type JournalReading = { readonly journal: RunJournal } | { readonly problem: string };

/**
 * Reads a run journal through its zod schema (lambdas/shared/journal-schema.ts), after bringing a
 * journal of an earlier version up to date ({@link upgradeJournal}).
 */
export function readRunJournal(value: unknown): JournalReading {
  const parsed = runJournalSchema.safeParse(upgradeJournal(value));
  return parsed.success ? { journal: parsed.data } : { problem: describeJournalProblem(parsed.error) };
}

/** Parses a journal's text: the journal, or the problem (`not valid JSON`, or the field at fault). */
export function readRunJournalText(text: string): JournalReading {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { problem: 'not valid JSON' };
  }
  return readRunJournal(data);
}

/** Parses a journal's text; undefined when it is not JSON or not a run journal ({@link readRunJournalText} says why). */
export function parseRunJournal(text: string): RunJournal | undefined {
  const reading = readRunJournalText(text);
  return 'journal' in reading ? reading.journal : undefined;
}

/** `runs/<yyyy>/<mm>/` of the month of `at` and the `months - 1` months before it, newest first. */
export function monthPrefixes(at: Date, months: number): string[] {
  const prefixes: string[] = [];
  for (let i = 0; i < months; i += 1) {
    const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - i, 1));
    prefixes.push(
      `runs/${String(d.getUTCFullYear()).padStart(4, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/`,
    );
  }
  return prefixes;
}

/** What {@link readEarlierJournals} found. */
export interface EarlierJournals {
  readonly journals: readonly RunJournal[];
  /** Keys that were not run journals. */
  readonly unreadable: readonly string[];
}

/**
 * The journals of the newest runs before (and including) `at`, newest first, at most `limit`.
 * Throws what S3 throws (the caller decides: PublishResults publishes without a trend).
 */
export async function readEarlierJournals(
  s3: Pick<S3Client, 'send'>,
  bucket: string,
  at: Date,
  options: { readonly limit?: number; readonly months?: number } = {},
): Promise<EarlierJournals> {
  // The SDK's paginator accepts only a real S3Client (it checks with instanceof).
  if (!(s3 instanceof S3Client)) throw new Error('reading earlier journals needs a real S3Client');
  const limit = options.limit ?? MAX_HISTORY_JOURNALS;
  const keys: string[] = [];
  for (const prefix of monthPrefixes(at, options.months ?? HISTORY_MONTHS)) {
    const month: { key: string; modified: number }[] = [];
    let pages = 0;
    const paginator = paginateListObjectsV2(
      { client: s3, pageSize: 1000 },
      { Bucket: bucket, Prefix: prefix },
    );
    for await (const page of paginator) {
      for (const object of page.Contents ?? []) {
        if (object.Key?.endsWith('.json'))
          month.push({ key: object.Key, modified: object.LastModified?.getTime() ?? 0 });
      }
      pages += 1;
      if (pages >= MAX_PAGES_PER_MONTH) break;
    }
    month.sort((a, b) => b.modified - a.modified || b.key.localeCompare(a.key));
    keys.push(...month.map((m) => m.key));
    if (keys.length >= limit) break;
  }
  const wanted = keys.slice(0, limit);
  const journals: RunJournal[] = [];
  const unreadable: string[] = [];
  for (let i = 0; i < wanted.length; i += READ_CONCURRENCY) {
    const batch = wanted.slice(i, i + READ_CONCURRENCY);
    const texts = await Promise.all(
      batch.map(async (key) => {
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return { key, text: (await object.Body?.transformToString('utf8')) ?? '' };
      }),
    );
    for (const { key, text } of texts) {
      const journal = parseRunJournal(text);
      if (journal) journals.push(journal);
      else unreadable.push(key);
    }
  }
  const atMs = at.getTime();
  return {
    journals: journals
      .filter((j) => Date.parse(j.startedAt) <= atMs)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt)),
    unreadable,
  };
}

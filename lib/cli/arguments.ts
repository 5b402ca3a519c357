/**
 * The CLI's argument parsers. They live apart from the commands so that building the program (and
 * `--help`) loads none of the commands: each command module, with the AWS SDK and the rehearsal engine
 * behind it, is loaded only when that command runs.
 */
import { UsageError } from './errors';

/** Largest `--limit` accepted (each run is one GetObject). */
export const MAX_HISTORY_LIMIT = 500;

/** Parses `--limit`: a whole number from 1 to {@link MAX_HISTORY_LIMIT}. @throws UsageError */
export function parseLimit(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > MAX_HISTORY_LIMIT) {
    throw new UsageError(`--limit must be a whole number from 1 to ${MAX_HISTORY_LIMIT} (got "${text}")`);
  }
  return value;
}

/** Parses `--experiments a,b`: the names, trimmed, empty ones dropped. */
export function parseExperimentList(text: string): string[] {
  return text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/** Parses `--at`: an ISO 8601 date-time. @throws UsageError */
export function parseAt(text: string): Date {
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(date.getTime())) {
    throw new UsageError(`--at must be an ISO 8601 date-time such as 2026-12-01T10:00:00Z (got "${text}")`);
  }
  return date;
}

import { parseScheduleExpression } from './expression';

/**
 * Checks an IANA time zone name with the platform's own tz database.
 * @returns a message naming the problem and the fix, or `undefined` when valid
 */
export function checkTimeZone(timeZone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return undefined;
  } catch {
    return `timeZone must be an IANA time zone such as Europe/Berlin, America/New_York or UTC (got "${timeZone}")`;
  }
}

/**
 * Checks an EventBridge Scheduler expression: `cron(...)` (6 fields), `rate(...)` or `at(...)`.
 * @returns a message naming the problem and the fix, or `undefined` when valid
 */
export function checkCadence(expression: string): string | undefined {
  try {
    parseScheduleExpression(expression);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

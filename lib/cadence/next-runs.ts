import { Cron } from 'croner';
import { CRONER_OPTIONS, parseScheduleExpression, type ScheduleExpression } from './expression';
import { checkTimeZone } from './validate';

/** The time zone is not an IANA name the platform knows. */
export class TimeZoneError extends Error {
  /** The time zone as received. */
  readonly timeZone: string;

  constructor(timeZone: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TimeZoneError';
    this.timeZone = timeZone;
  }
}

/** The most runs one call computes; enough for any check and any screen. */
export const MAX_RUNS = 1000;

/**
 * The next `n` times an EventBridge Scheduler expression fires in `timeZone`, strictly after `from`,
 * oldest first. DST is respected the way EventBridge Scheduler does it: a wall-clock time that does
 * not exist (spring forward) runs at the first valid time after the gap, a repeated one runs once.
 *
 * - `cron(...)`: fewer than `n` when the year field ends sooner.
 * - `rate(...)`: EventBridge anchors a rate schedule at the moment it is created; this helper anchors
 *   it at `from`, so the spacing is right but the time of day is only an example.
 * - `at(...)`: the one run, when it is after `from`.
 * @param from defaults to now
 * @throws ScheduleExpressionError for an invalid expression, TimeZoneError for an unknown time zone
 */
export function nextRuns(expression: string, timeZone: string, n: number, from: Date = new Date()): Date[] {
  return nextRunsOf(parseScheduleExpression(expression), timeZone, n, from);
}

/** {@link nextRuns} for an already parsed expression. */
export function nextRunsOf(
  schedule: ScheduleExpression,
  timeZone: string,
  n: number,
  from: Date = new Date(),
): Date[] {
  assertTimeZone(timeZone);
  const count = Math.max(0, Math.min(Math.floor(n), MAX_RUNS));
  if (count === 0) return [];
  switch (schedule.kind) {
    case 'cron':
      return new Cron(schedule.pattern, { ...CRONER_OPTIONS, timezone: timeZone }).nextRuns(count, from);
    case 'rate':
      return Array.from(
        { length: count },
        (_, i) => new Date(from.getTime() + (i + 1) * schedule.seconds * 1000),
      );
    case 'at': {
      const run = atInstant(schedule.localDateTime, timeZone);
      return run.getTime() > from.getTime() ? [run] : [];
    }
  }
}

/**
 * The instant an `at(yyyy-mm-ddThh:mm:ss)` wall-clock time means in `timeZone` (a time in a DST gap
 * moves forward by the length of the gap: 02:30 on the spring-forward night is 03:30).
 * @throws TimeZoneError for an unknown time zone
 */
export function atInstant(localDateTime: string, timeZone: string): Date {
  assertTimeZone(timeZone);
  const run = new Cron(localDateTime, { timezone: timeZone, paused: true }).nextRun(new Date(0));
  if (!run) throw new TimeZoneError(timeZone, `cannot place ${localDateTime} in ${timeZone}`);
  return run;
}

/**
 * A run time for people, in the team's time zone: `Tue 2026-12-01 10:00 CET`. The zone is the
 * short name where the platform has one (CET, CEST, EST, UTC), else the offset (`GMT+5:30`).
 * @throws TimeZoneError for an unknown time zone
 */
export function formatRun(date: Date, timeZone: string): string {
  assertTimeZone(timeZone);
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')} ${zoneName(date, timeZone)}`;
}

/** en-GB knows CET/CEST/BST, en-US knows EST/EDT/PST; both fall back to GMT+h offsets. */
function zoneName(date: Date, timeZone: string): string {
  let fallback = '';
  for (const locale of ['en-GB', 'en-US']) {
    const name =
      new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' })
        .formatToParts(date)
        .find((p) => p.type === 'timeZoneName')?.value ?? '';
    if (name && !/^GMT[+-]/.test(name)) return name;
    fallback ||= name;
  }
  return fallback;
}

function assertTimeZone(timeZone: string): void {
  const problem = checkTimeZone(timeZone);
  if (problem) throw new TimeZoneError(timeZone, problem);
}

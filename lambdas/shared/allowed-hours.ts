import type { AllowedHours } from './aws';
import { WEEKDAYS, type Weekday } from './vocabulary';

/** The wall-clock time of an instant in a time zone. */
export interface LocalTime {
  /** The day of the week in that zone. */
  readonly day: Weekday;
  /** Minutes since local midnight, 0-1439. */
  readonly minutes: number;
  /** `HH:MM` in that zone. */
  readonly hhmm: string;
}

/** The allowed hours cannot be evaluated (e.g. an unknown time zone or a malformed `HH:MM`). */
export class AllowedHoursError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AllowedHoursError';
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
    } catch (error) {
      throw new AllowedHoursError(
        `timeZone must be an IANA time zone such as Europe/Berlin (got "${timeZone}")`,
        { cause: error },
      );
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * The day of the week and time of day of `at` in `timeZone` (DST-aware, from the platform's tz data).
 * @throws AllowedHoursError for an unknown time zone
 */
export function localTime(at: Date, timeZone: string): LocalTime {
  const parts = formatterFor(timeZone).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  const day = part('weekday').toUpperCase().slice(0, 3) as Weekday;
  const hour = Number(part('hour')) % 24;
  const minute = Number(part('minute'));
  return {
    day,
    minutes: hour * 60 + minute,
    hhmm: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`,
  };
}

function minutesOf(hhmm: string, what: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!match) throw new AllowedHoursError(`allowedHours.${what} must be HH:MM (24 h) (got "${hhmm}")`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/**
 * Whether `at` falls inside the allowed hours, read as wall-clock time in `timeZone`: its local day
 * is one of `hours.days` and its local time is at or after `start` and before `end`.
 * @throws AllowedHoursError for an unknown time zone or a malformed `HH:MM`
 */
export function isWithinAllowedHours(at: Date, hours: AllowedHours, timeZone: string): boolean {
  const start = minutesOf(hours.start, 'start');
  const end = minutesOf(hours.end, 'end');
  const local = localTime(at, timeZone);
  return hours.days.includes(local.day) && local.minutes >= start && local.minutes < end;
}

/**
 * The allowed hours for people: `MON-FRI 09:00-16:00 Europe/Berlin`. Consecutive days (in MON..SUN
 * order) are written as ranges, others with commas: `MON,WED,FRI`, `MON-WED,SAT`.
 */
export function describeAllowedHours(hours: AllowedHours, timeZone: string): string {
  return `${describeDays(hours.days)} ${hours.start}-${hours.end} ${timeZone}`;
}

function describeDays(days: readonly Weekday[]): string {
  const indexes = WEEKDAYS.map((day, index) => (days.includes(day) ? index : -1)).filter((i) => i >= 0);
  if (indexes.length === 0) return 'never';
  const runs: [number, number][] = [];
  for (const index of indexes) {
    const last = runs[runs.length - 1];
    if (last && last[1] === index - 1) last[1] = index;
    else runs.push([index, index]);
  }
  return runs
    .map(([from, to]) => {
      const a = WEEKDAYS[from] ?? '';
      const b = WEEKDAYS[to] ?? '';
      if (from === to) return a;
      if (to === from + 1) return `${a},${b}`;
      return `${a}-${b}`;
    })
    .join(',');
}

import { durationSeconds } from '../config/duration';
import { parseScheduleExpression } from './expression';
import { nextRuns } from './next-runs';

/**
 * The cadence fields the heads-up needs (a validated `CadenceConfig` fits; so does what a deployed
 * heads-up function receives).
 */
export interface HeadsUpCadence {
  readonly expression: string;
  readonly timeZone: string;
  /** ISO 8601 duration before each run, or `false`: no heads-up. */
  readonly headsUp: string | false;
}

/** The EventBridge Scheduler schedule that fires the heads-up function. */
export interface HeadsUpSchedule {
  /** `cron(...)`. */
  readonly expression: string;
  /** IANA time zone the expression is read in. */
  readonly timeZone: string;
  /** Why this shape: for people reading the construct or the README. */
  readonly reason: string;
}

/** A heads-up cannot be scheduled for this cadence (e.g. `rate()`: its runs are not known ahead). */
export class HeadsUpScheduleError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HeadsUpScheduleError';
  }
}

/** How many upcoming runs the heads-up schedule is checked against (two years of a monthly cadence). */
export const HEADS_UP_RUNS_CHECKED = 48;

/**
 * How far a scheduled heads-up may lie from `run - headsUp` and still be that run's: EventBridge
 * Scheduler fires at the minute (flexible time window off), and the function reads the scheduled time
 * (`<aws.scheduler.scheduled-time>`), not the clock, so one minute is ample and no run is matched twice.
 */
export const HEADS_UP_MATCH_SECONDS = 60;

/** The heads-up lead time in seconds, or `undefined` when the cadence has none. */
export function headsUpSeconds(cadence: Pick<HeadsUpCadence, 'headsUp'>): number | undefined {
  if (cadence.headsUp === false) return undefined;
  const seconds = durationSeconds(cadence.headsUp);
  if (seconds === undefined || seconds <= 0) {
    throw new HeadsUpScheduleError(
      `headsUp must be an ISO 8601 duration such as PT24H (got "${cadence.headsUp}")`,
    );
  }
  return seconds;
}

/**
 * The schedule that fires the heads-up function exactly `headsUp` before every run of the cadence.
 *
 * "24 hours before the first Tuesday" is no cron expression (it may fall in the previous month), so
 * the heads-up schedule fires on a simple period that contains every heads-up instant, and the function
 * looks ahead ({@link runsDueForHeadsUp}): on most days it finds no run `headsUp` ahead and returns.
 * The period is the coarsest that hits every one of the next {@link HEADS_UP_RUNS_CHECKED} heads-up
 * instants exactly, tried in this order:
 * 1. daily at one wall-clock time in the cadence's own time zone (DST moves it as it moves the runs);
 * 2. daily at one UTC time;
 * 3. hourly at one minute (UTC), e.g. when a DST change falls between a heads-up and its run.
 * @param from the moment the upcoming runs are counted from
 * @throws HeadsUpScheduleError for `rate()` cadences, cadences without heads-up, or instants on no common minute
 */
export function headsUpSchedule(cadence: HeadsUpCadence, from: Date = new Date()): HeadsUpSchedule {
  const lead = headsUpSeconds(cadence);
  if (lead === undefined) throw new HeadsUpScheduleError('this cadence has headsUp: false');
  const schedule = parseScheduleExpression(cadence.expression);
  if (schedule.kind === 'rate') {
    throw new HeadsUpScheduleError(
      `no heads-up for ${cadence.expression}: a rate() schedule is anchored when it is created, so its runs are not known ahead; use cron() or set headsUp: false`,
    );
  }
  const instants = nextRuns(cadence.expression, cadence.timeZone, HEADS_UP_RUNS_CHECKED, from).map(
    (run) => new Date(run.getTime() - lead * 1000),
  );
  if (instants.length === 0) {
    // Nothing left to announce (an at() in the past, a cron whose years have ended): a schedule that
    // fires once a day and finds nothing keeps the deployment valid and costs nothing.
    return { expression: 'cron(0 12 * * ? *)', timeZone: 'UTC', reason: 'the cadence has no future runs' };
  }
  const local = instants.map((at) => wallClock(at, cadence.timeZone));
  if (local.every((t) => t.hour === local[0]?.hour && t.minute === local[0]?.minute)) {
    const first = local[0] as WallClock;
    return {
      expression: `cron(${first.minute} ${first.hour} * * ? *)`,
      timeZone: cadence.timeZone,
      reason: `every heads-up falls at ${hhmm(first)} ${cadence.timeZone}`,
    };
  }
  const utc = instants.map((at) => ({ hour: at.getUTCHours(), minute: at.getUTCMinutes() }));
  if (utc.every((t) => t.hour === utc[0]?.hour && t.minute === utc[0]?.minute)) {
    const first = utc[0] as WallClock;
    return {
      expression: `cron(${first.minute} ${first.hour} * * ? *)`,
      timeZone: 'UTC',
      reason: `every heads-up falls at ${hhmm(first)} UTC`,
    };
  }
  const minute = utc[0]?.minute ?? 0;
  if (utc.every((t) => t.minute === minute)) {
    return {
      expression: `cron(${minute} * * * ? *)`,
      timeZone: 'UTC',
      reason: `the heads-ups fall at different times of day (DST changes between a heads-up and its run), all at minute ${minute}`,
    };
  }
  throw new HeadsUpScheduleError(
    `the heads-ups of ${cadence.expression} in ${cadence.timeZone} (headsUp ${cadence.headsUp}) fall on different minutes of the hour; choose a headsUp of whole hours or set headsUp: false`,
  );
}

/**
 * The runs a heads-up fired at `scheduledTime` announces: every run `headsUp` after it (within
 * {@link HEADS_UP_MATCH_SECONDS}). Empty on the days with nothing to announce.
 */
export function runsDueForHeadsUp(cadence: HeadsUpCadence, scheduledTime: Date): Date[] {
  const lead = headsUpSeconds(cadence);
  if (lead === undefined || parseScheduleExpression(cadence.expression).kind === 'rate') return [];
  const target = scheduledTime.getTime() + lead * 1000;
  const from = new Date(target - HEADS_UP_MATCH_SECONDS * 1000 - 1);
  return nextRuns(cadence.expression, cadence.timeZone, 3, from).filter(
    (run) => Math.abs(run.getTime() - target) < HEADS_UP_MATCH_SECONDS * 1000,
  );
}

interface WallClock {
  readonly hour: number;
  readonly minute: number;
}

function wallClock(at: Date, timeZone: string): WallClock {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const value = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value ?? '0');
  return { hour: value('hour') % 24, minute: value('minute') };
}

function hhmm(t: WallClock): string {
  return `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
}

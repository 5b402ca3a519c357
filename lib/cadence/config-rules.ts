import { describeAllowedHours, isWithinAllowedHours } from '../../lambdas/shared/allowed-hours';
import type { AllowedHours } from '../../lambdas/shared/aws';
import type { ConfigProblem } from '../config/errors';
import type { CadenceConfig, Config } from '../config/schema';
import { parseScheduleExpression, type ScheduleExpression } from './expression';
import { atInstant, formatRun, nextRunsOf } from './next-runs';

/** How many upcoming runs the rules look at (two years of a monthly cadence). */
export const RUNS_CHECKED = 24;

const DAY_SECONDS = 86_400;
const WEEK_SECONDS = 7 * DAY_SECONDS;
/** DST moves a wall-clock schedule by at most an hour; allow for it when comparing gaps. */
const DST_SLACK_SECONDS = 2 * 3600;

/** One cadence of the config with where it sits. */
interface NamedCadence {
  /** `default` for the top-level `cadence`, else the key under `cadences`. */
  readonly group: string;
  /** `cadence` or `cadences.<group>`. */
  readonly path: string;
  readonly cadence: CadenceConfig;
}

/** What the rules learnt about one cadence; `undefined` when its fields are invalid. */
interface CadenceFacts extends NamedCadence {
  readonly schedule: ScheduleExpression;
  readonly runs: readonly Date[];
  /** Smallest and largest gap between consecutive runs, in seconds (none with fewer than 2 runs). */
  readonly minGap?: number;
  readonly maxGap?: number;
}

/**
 * Cadence rules that need the whole config. Called by the config schema after field validation, so
 * cadences whose expression or time zone is already invalid are skipped (never throws):
 * - a cadence that fires more often than weekly is an error unless `allowFrequentRuns: true`;
 * - `guardRails.allowedHours` (read in the cadence's time zone) that contain none of the next
 *   {@link RUNS_CHECKED} runs is an error: every run would be skipped.
 * @param from the moment the upcoming runs are counted from (tests pin it); defaults to the start of
 *   the current hour, so repeated validations share one computation
 */
export function cadenceProblems(config: Config, from: Date = startOfHour(new Date())): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const facts of cadenceFacts(config, from)) {
    const { path, cadence, schedule } = facts;
    if (!config.allowFrequentRuns && firesMoreOftenThanWeekly(facts)) {
      problems.push({
        path: `${path}.expression`,
        message: `${cadence.expression} fires more often than weekly (runs ${humanGap(facts.minGap ?? 0)} apart); chaos experiments on a cadence should run every 4-5 weeks, e.g. cron(0 10 ? * TUE#1 *). Set allowFrequentRuns: true at the top level if you really mean it`,
      });
    }
    const hours = allowedHoursOf(config);
    if (!hours) continue;
    // rate() runs are anchored at deployment time, so their time of day is unknown here.
    const checkable =
      schedule.kind === 'at' ? [atInstant(schedule.localDateTime, cadence.timeZone)] : facts.runs;
    if (schedule.kind === 'rate' || checkable.length === 0) continue;
    const inside = checkable.filter((run) => safeWithin(run, hours, cadence.timeZone));
    if (inside.length === 0) {
      const first = checkable[0];
      problems.push({
        path: `${path}.expression`,
        message: `guardRails.allowedHours (${describeAllowedHours(hours, cadence.timeZone)}) contain none of the next ${checkable.length} runs of ${path}.expression ${cadence.expression} (first: ${first ? formatRun(first, cadence.timeZone) : '?'}), so every run would be skipped; change the expression or guardRails.allowedHours`,
      });
    }
  }
  return problems;
}

/**
 * Softer findings for `chaos-cadence validate` to print: runs fewer than 4 or more than 5 weeks
 * apart, some runs outside `allowedHours`, a cadence that never fires again, `rate()` schedules
 * whose time of day cannot be checked. Never throws; skips cadences whose fields are invalid.
 * @param from the moment the upcoming runs are counted from; defaults to the start of the current hour
 */
export function cadenceWarnings(config: Config, from: Date = startOfHour(new Date())): string[] {
  const warnings: string[] = [];
  const hours = allowedHoursOf(config);
  for (const facts of cadenceFacts(config, from)) {
    const { path, cadence, schedule, runs, minGap, maxGap } = facts;
    const name = `${path}.expression ${cadence.expression}`;
    if (runs.length === 0) {
      warnings.push(
        `${name} has no runs after ${formatRun(from, cadence.timeZone)}; the schedule will never fire`,
      );
      continue;
    }
    if (minGap !== undefined && minGap < 4 * WEEK_SECONDS - DST_SLACK_SECONDS) {
      warnings.push(`${name} runs ${humanGap(minGap)} apart, more often than every 4 weeks`);
    }
    if (maxGap !== undefined && maxGap > 5 * WEEK_SECONDS + DST_SLACK_SECONDS) {
      warnings.push(`${name} runs up to ${humanGap(maxGap)} apart, less often than every 5 weeks`);
    }
    if (schedule.kind === 'rate') {
      warnings.push(
        `${name}: rate() runs are anchored at the moment the schedule is created, so their time of day cannot be checked against allowedHours; prefer cron(), e.g. cron(0 10 ? * TUE#1 *)`,
      );
      continue;
    }
    if (!hours) continue;
    const outside = runs.filter((run) => !safeWithin(run, hours, cadence.timeZone));
    if (outside.length > 0 && outside.length < runs.length) {
      const first = outside[0];
      warnings.push(
        `${outside.length} of the next ${runs.length} runs of ${name} fall outside guardRails.allowedHours (${describeAllowedHours(hours, cadence.timeZone)}) and will be skipped${first ? `, first ${formatRun(first, cadence.timeZone)}` : ''}`,
      );
    }
  }
  return warnings;
}

/** Every cadence in the config: the top-level one (`default`) and each of `cadences`. */
export function namedCadences(config: Config): NamedCadence[] {
  const list: NamedCadence[] = [];
  if (isCadence(config.cadence)) list.push({ group: 'default', path: 'cadence', cadence: config.cadence });
  const groups: unknown = config.cadences;
  if (groups && typeof groups === 'object') {
    for (const [group, cadence] of Object.entries(groups as Record<string, unknown>)) {
      if (isCadence(cadence)) list.push({ group, path: `cadences.${group}`, cadence });
    }
  }
  return list;
}

/** Computing 24 cron runs costs a few ms; config validation runs often (tests, property tests, synth). */
const runsCache = new Map<string, readonly Date[]>();
const RUNS_CACHE_SIZE = 200;

function upcomingRuns(
  schedule: ScheduleExpression,
  expression: string,
  timeZone: string,
  from: Date,
): readonly Date[] {
  const key = `${expression}\u0000${timeZone}\u0000${from.getTime()}`;
  let runs = runsCache.get(key);
  if (!runs) {
    runs = nextRunsOf(schedule, timeZone, RUNS_CHECKED, from);
    if (runsCache.size >= RUNS_CACHE_SIZE) runsCache.clear();
    runsCache.set(key, runs);
  }
  return runs;
}

function cadenceFacts(config: Config, from: Date): CadenceFacts[] {
  const facts: CadenceFacts[] = [];
  for (const named of namedCadences(config)) {
    try {
      const schedule = parseScheduleExpression(named.cadence.expression);
      const runs = upcomingRuns(schedule, named.cadence.expression, named.cadence.timeZone, from);
      const gaps =
        schedule.kind === 'rate'
          ? [schedule.seconds]
          : runs.slice(1).map((run, i) => (run.getTime() - (runs[i]?.getTime() ?? 0)) / 1000);
      facts.push({
        ...named,
        schedule,
        runs,
        ...(gaps.length ? { minGap: Math.min(...gaps), maxGap: Math.max(...gaps) } : {}),
      });
    } catch {
      // Invalid expression or time zone: field validation reports it on its own path.
    }
  }
  return facts;
}

function firesMoreOftenThanWeekly(facts: CadenceFacts): boolean {
  return facts.minGap !== undefined && facts.minGap < WEEK_SECONDS - DST_SLACK_SECONDS;
}

function isCadence(value: unknown): value is CadenceConfig {
  if (!value || typeof value !== 'object') return false;
  const { expression, timeZone } = value as Record<string, unknown>;
  return typeof expression === 'string' && typeof timeZone === 'string';
}

function allowedHoursOf(config: Config): AllowedHours | undefined {
  const hours: unknown = (config.guardRails as Config['guardRails'] | undefined)?.allowedHours;
  if (!hours || typeof hours !== 'object') return undefined;
  const { days, start, end } = hours as Record<string, unknown>;
  if (!Array.isArray(days) || typeof start !== 'string' || typeof end !== 'string') return undefined;
  return hours as AllowedHours;
}

function safeWithin(run: Date, hours: AllowedHours, timeZone: string): boolean {
  try {
    return isWithinAllowedHours(run, hours, timeZone);
  } catch {
    return true; // malformed hours are reported by field validation; do not pile on
  }
}

function humanGap(seconds: number): string {
  if (seconds >= DAY_SECONDS) {
    const days = Math.round(seconds / DAY_SECONDS);
    return `${days} day${days === 1 ? '' : 's'}`;
  }
  if (seconds >= 3600) {
    const hours = Math.round(seconds / 3600);
    return `${hours} hour${hours === 1 ? '' : 's'}`;
  }
  const minutes = Math.max(1, Math.round(seconds / 60));
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

function startOfHour(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 3_600_000) * 3_600_000);
}

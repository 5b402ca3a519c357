import type { Config } from '../config/schema';
import { namedCadences } from './config-rules';
import { nextRuns } from './next-runs';

/** Runs looked at to find a cadence's period: a year of monthly runs. */
const PERIOD_RUNS = 13;

/**
 * The period of a cadence in seconds: the longest gap between its next {@link PERIOD_RUNS} runs
 * (`cron(0 10 ? * TUE#1 *)`: 35 days, the 5-week months). Undefined for a one-time `at(...)`.
 * The resilience score calls an experiment stale after two of these without a tested run.
 */
export function cadencePeriodSeconds(expression: string, timeZone: string, from: Date): number | undefined {
  const runs = nextRuns(expression, timeZone, PERIOD_RUNS, from);
  let longest = 0;
  for (let i = 1; i < runs.length; i += 1) {
    const a = runs[i - 1];
    const b = runs[i];
    if (a && b) longest = Math.max(longest, (b.getTime() - a.getTime()) / 1000);
  }
  return longest > 0 ? Math.round(longest) : undefined;
}

/** Each experiment's cadence period in seconds (experiments of one-time cadences left out). */
export function cadencePeriods(config: Config, from: Date): Record<string, number> {
  const byGroup = new Map<string, number | undefined>();
  for (const { group, cadence } of namedCadences(config)) {
    byGroup.set(group, cadencePeriodSeconds(cadence.expression, cadence.timeZone, from));
  }
  const periods: Record<string, number> = {};
  for (const experiment of config.experiments) {
    const period = byGroup.get(experiment.cadence ?? 'default');
    if (period !== undefined) periods[experiment.name] = period;
  }
  return periods;
}

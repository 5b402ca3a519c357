import { experimentsInGroup } from '../config/plan';
import type { Config } from '../config/schema';
import { namedCadences } from './config-rules';
import { formatRun, nextRuns } from './next-runs';

/** The next runs of one cadence group, for people (CLI `validate`, dashboard header). */
export interface UpcomingRuns {
  /** `default` for the top-level `cadence`, else the key under `cadences`. */
  readonly group: string;
  readonly expression: string;
  readonly timeZone: string;
  readonly enabled: boolean;
  /** The experiments the group's schedule starts (enabled ones only). */
  readonly experiments: readonly string[];
  /** The run instants. */
  readonly runs: readonly Date[];
  /** The same runs as `Tue 2026-12-01 10:00 CET`, in the group's time zone. */
  readonly formatted: readonly string[];
}

/**
 * The next `n` runs of every cadence group of a validated config (groups without enabled experiments
 * included, with an empty `experiments` list, so `validate` can say so).
 * @param n how many runs per group (the CLI prints 6)
 * @param from defaults to now
 */
export function upcomingRuns(config: Config, n = 6, from: Date = new Date()): UpcomingRuns[] {
  return namedCadences(config).map(({ group, cadence }) => {
    const runs = nextRuns(cadence.expression, cadence.timeZone, n, from);
    return {
      group,
      expression: cadence.expression,
      timeZone: cadence.timeZone,
      enabled: cadence.enabled,
      experiments: experimentsInGroup(config, group),
      runs,
      formatted: runs.map((run) => formatRun(run, cadence.timeZone)),
    };
  });
}

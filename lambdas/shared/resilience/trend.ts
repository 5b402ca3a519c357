/**
 * The trend of an experiment: its last outcomes with dates, the resilience score now and before this
 * run, and what changed ("first deviation since 2026-03-03"). Built from run journals; pure.
 */
import type { ExperimentResult, RunJournal } from '../types';
import { applicationScore, resilienceScore, type ResilienceScore, type ScoredOutcome } from './score';

/** How many outcomes the trend lists (this run included). */
export const TREND_RUNS = 6;

/** One experiment's run, flattened out of a journal. */
export interface ExperimentRun {
  readonly runId: string;
  readonly experiment: string;
  readonly application: string;
  readonly outcome: ScoredOutcome;
  /** When the experiment started. */
  readonly at: string;
  readonly recoverySeconds?: number;
  readonly timeToDetectSeconds?: number;
  readonly timeToStopSeconds?: number;
}

/** Cadence period in seconds by experiment name (see lib/cadence/period.ts). */
export type CadencePeriods = Readonly<Record<string, number>>;

/**
 * Seconds from the fault's start to the first stop-condition alarm seen in ALARM while it ran, or
 * undefined when no alarm fired (nothing was detected, or there was nothing to detect).
 */
export function timeToDetectSeconds(result: ExperimentResult): number | undefined {
  const start = result.fault?.startedAt;
  if (start === undefined) return undefined;
  const startMs = Date.parse(start);
  const first = result.alarmTransitions
    .filter((t) => t.to === 'ALARM' && Date.parse(t.at) >= startMs)
    .map((t) => Date.parse(t.at))
    .sort((a, b) => a - b)[0];
  return first === undefined ? undefined : Math.round((first - startMs) / 1000);
}

/** Every experiment run in the journals, dry runs left out (nothing was injected), one per run id and experiment. */
export function experimentRuns(journals: readonly RunJournal[]): ExperimentRun[] {
  const seen = new Set<string>();
  const runs: ExperimentRun[] = [];
  for (const journal of journals) {
    if (journal.dryRun) continue;
    for (const result of journal.experiments) {
      const key = `${journal.runId}\u0000${result.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const detect = timeToDetectSeconds(result);
      runs.push({
        runId: journal.runId,
        experiment: result.name,
        application: result.application,
        outcome: result.outcome,
        at: result.startedAt,
        ...(result.recoverySeconds !== undefined ? { recoverySeconds: result.recoverySeconds } : {}),
        ...(detect !== undefined ? { timeToDetectSeconds: detect } : {}),
        ...(result.timeToStopSeconds !== undefined ? { timeToStopSeconds: result.timeToStopSeconds } : {}),
      });
    }
  }
  return runs.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.runId.localeCompare(b.runId));
}

/** The score of every experiment known from `runs`, as of `at`. */
export function experimentScores(
  runs: readonly ExperimentRun[],
  at: string,
  periods: CadencePeriods,
): Map<string, { readonly application: string; readonly score: ResilienceScore }> {
  const byExperiment = new Map<string, ExperimentRun[]>();
  for (const run of runs)
    byExperiment.set(run.experiment, [...(byExperiment.get(run.experiment) ?? []), run]);
  const scores = new Map<string, { application: string; score: ResilienceScore }>();
  for (const [experiment, list] of byExperiment) {
    const period = periods[experiment];
    const score = resilienceScore(list, {
      at,
      ...(period !== undefined ? { cadencePeriodSeconds: period } : {}),
    });
    if (score.runs === 0) continue; // every run after `at`: not known yet
    scores.set(experiment, { application: list[list.length - 1]?.application ?? '', score });
  }
  return scores;
}

/** One entry of the trend. */
export interface TrendPoint {
  readonly runId: string;
  readonly at: string;
  readonly outcome: ScoredOutcome;
  /** The run the email or report is about. */
  readonly current: boolean;
}

/** The trend of one experiment at one run. */
export interface ExperimentTrend {
  readonly experiment: string;
  readonly application: string;
  /** The last {@link TREND_RUNS} outcomes, oldest first, this run last. */
  readonly recent: readonly TrendPoint[];
  /** Runs on record (this one included). */
  readonly runsOnRecord: number;
  /** The score with this run. */
  readonly now: ResilienceScore;
  /** The score as it stood after the previous run; absent for the first run on record. */
  readonly before?: ResilienceScore;
  /** Set when the outcome differs from the previous run's: `first deviation since 2026-03-03`. */
  readonly change?: string;
  /** The application's score with this run: the mean of its experiments. */
  readonly applicationScore: number;
  /** How many experiments that mean is over. */
  readonly applicationExperiments: number;
}

/** The outcome as a noun, for "first ... since". */
const OUTCOME_NOUN: Readonly<Record<ScoredOutcome, string>> = {
  passed: 'pass',
  deviated: 'deviation',
  aborted: 'abort',
  skipped: 'skip',
  failed: 'failure',
  inconclusive: 'inconclusive run',
};

/** `2026-03-03` (UTC). */
export function formatDay(iso: string): string {
  return iso.slice(0, 10);
}

/**
 * The trend of `experiment` at run `runId`. `runs` holds the history and the run itself (see
 * {@link experimentRuns}); runs after it are ignored. Undefined when the run is not among `runs`.
 * @param applicationAt when the application's score is taken (the run's end, so the run's other
 *   experiments count) @default the experiment's start
 */
export function buildTrend(
  runs: readonly ExperimentRun[],
  current: { readonly runId: string; readonly experiment: string },
  periods: CadencePeriods,
  applicationAt?: string,
): ExperimentTrend | undefined {
  const own = runs.filter((r) => r.experiment === current.experiment);
  const index = own.findIndex((r) => r.runId === current.runId);
  const run = own[index];
  if (run === undefined) return undefined;
  const upTo = own.slice(0, index + 1);
  const previous = index > 0 ? own[index - 1] : undefined;
  const period = periods[current.experiment];
  const withPeriod = period !== undefined ? { cadencePeriodSeconds: period } : {};
  const now = resilienceScore(upTo, { at: run.at, ...withPeriod });
  const before = previous
    ? resilienceScore(upTo.slice(0, -1), { at: previous.at, ...withPeriod })
    : undefined;

  let change: string | undefined;
  if (previous !== undefined && previous.outcome !== run.outcome) {
    const noun = OUTCOME_NOUN[run.outcome];
    const lastSame = [...upTo.slice(0, -1)].reverse().find((r) => r.outcome === run.outcome);
    const first = upTo[0];
    change = lastSame
      ? `first ${noun} since ${formatDay(lastSame.at)}`
      : `first ${noun} on record (${index} earlier run${index === 1 ? '' : 's'} since ${formatDay(first?.at ?? run.at)})`;
  }

  const application = [...experimentScores(runs, applicationAt ?? run.at, periods).values()]
    .filter((s) => s.application === run.application)
    .map((s) => s.score);
  return {
    experiment: run.experiment,
    application: run.application,
    recent: upTo.slice(-TREND_RUNS).map((r) => ({
      runId: r.runId,
      at: r.at,
      outcome: r.outcome,
      current: r.runId === run.runId,
    })),
    runsOnRecord: upTo.length,
    now,
    ...(before ? { before } : {}),
    ...(change !== undefined ? { change } : {}),
    applicationScore: applicationScore(application) ?? now.score,
    applicationExperiments: Math.max(application.length, 1),
  };
}

/** The trends of every experiment of a run, by experiment name, from the earlier journals and the run's own. */
export function runTrends(
  journal: RunJournal,
  earlier: readonly RunJournal[],
  periods: CadencePeriods,
): Record<string, ExperimentTrend> {
  const runs = experimentRuns([...earlier.filter((j) => j.runId !== journal.runId), journal]);
  const trends: Record<string, ExperimentTrend> = {};
  if (journal.dryRun) return trends;
  for (const result of journal.experiments) {
    const trend = buildTrend(
      runs,
      { runId: journal.runId, experiment: result.name },
      periods,
      journal.endedAt,
    );
    if (trend) trends[result.name] = trend;
  }
  return trends;
}

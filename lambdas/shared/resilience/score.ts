/**
 * The resilience score: how well an experiment's hypothesis has held lately, 0 to 100, from its
 * runs in the journals. Pure and deterministic; the formula is documented in README.md
 * ("Resilience over time") and pinned by table tests (test/resilience/score.test.ts).
 *
 * Runs are taken oldest first (dry runs never reach it: nothing was injected):
 *
 * - `passed` (the hypothesis held):           S = 0.5 x 100 + 0.5 x S   (the first tested run: S = 100)
 * - `deviated`, `aborted` (it did not hold):  S = 0.5 x 0   + 0.5 x S   (the first tested run: S = 0)
 * - `skipped`, `failed`, `inconclusive`:      S = 0.9 x S   (nothing was proven: the score decays)
 *
 * So the newest tested run weighs half, the one before a quarter, and so on (recency-weighted).
 * Then, at the moment of scoring: an experiment whose last tested run is older than two cadence
 * periods is **stale** and loses points: S x 0.75, and a further x 0.9 for every whole period
 * beyond those two. An experiment never tested (no runs, or only runs that tested nothing) is
 * **untested** and scores 0. An application's score is the mean of its experiments' scores.
 */
import type { Outcome } from '../types';

/**
 * Every outcome the score accepts: the workflow's outcomes and `inconclusive` (the fault ran but no
 * effect was seen), which the score treats as "not tested" whether or not the workflow emits it yet.
 */
export type ScoredOutcome = Outcome | 'inconclusive';

/** Outcomes that tested the hypothesis, and whether it held. */
const TESTED_VALUE: Readonly<Partial<Record<ScoredOutcome, number>>> = {
  passed: 100,
  deviated: 0,
  aborted: 0,
};

/** The constants of the formula (the README quotes them). */
export const SCORE_RULES = {
  /** Weight of the newest tested run; the rest carries over. */
  recencyWeight: 0.5,
  /** Factor applied for a run that tested nothing (skipped, failed, inconclusive). */
  notTestedDecay: 0.9,
  /** Cadence periods without a tested run after which an experiment is stale. */
  stalePeriods: 2,
  /** Factor applied once an experiment is stale. */
  stalePenalty: 0.75,
  /** Further factor per whole cadence period beyond {@link SCORE_RULES.stalePeriods}. */
  stalePeriodDecay: 0.9,
} as const;

/** One run of one experiment, as the score sees it. */
export interface ScoredRun {
  /** When the run (the experiment) started, ISO 8601. */
  readonly at: string;
  readonly outcome: ScoredOutcome;
}

/** Options of {@link resilienceScore}. */
export interface ScoreOptions {
  /** The moment of scoring (runs after it are ignored; staleness is measured to it). */
  readonly at: string;
  /**
   * The experiment's cadence period in seconds (the longest gap between its scheduled runs).
   * @default - never stale (e.g. a one-time `at(...)` schedule)
   */
  readonly cadencePeriodSeconds?: number;
}

/** Whether the score rests on evidence: never tested, recently tested, or tested too long ago. */
export type ScoreState = 'untested' | 'current' | 'stale';

/** An experiment's resilience score. */
export interface ResilienceScore {
  /** 0 to 100, rounded. */
  readonly score: number;
  readonly state: ScoreState;
  /** The start of the newest run that tested the hypothesis. */
  readonly lastTestedAt?: string;
  /** Runs counted (up to `at`). */
  readonly runs: number;
  /** Of those, runs that tested the hypothesis (passed, deviated, aborted). */
  readonly tested: number;
}

/** True for the outcomes that put the hypothesis to the test. */
export function isTestedOutcome(outcome: ScoredOutcome): boolean {
  return TESTED_VALUE[outcome] !== undefined;
}

/** The resilience score of one experiment from its runs (any order), as of `options.at`. */
export function resilienceScore(runs: readonly ScoredRun[], options: ScoreOptions): ResilienceScore {
  const atMs = Date.parse(options.at);
  const counted = runs
    .filter((r) => !Number.isNaN(Date.parse(r.at)) && Date.parse(r.at) <= atMs)
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  let score: number | undefined;
  let lastTestedAt: string | undefined;
  let tested = 0;
  for (const run of counted) {
    const value = TESTED_VALUE[run.outcome];
    if (value === undefined) {
      if (score !== undefined) score *= SCORE_RULES.notTestedDecay;
      continue;
    }
    tested += 1;
    lastTestedAt = run.at;
    score =
      score === undefined
        ? value
        : SCORE_RULES.recencyWeight * value + (1 - SCORE_RULES.recencyWeight) * score;
  }
  if (score === undefined || lastTestedAt === undefined) {
    return { score: 0, state: 'untested', runs: counted.length, tested };
  }
  const period = options.cadencePeriodSeconds;
  let state: ScoreState = 'current';
  if (period !== undefined && period > 0) {
    const periodsSince = (atMs - Date.parse(lastTestedAt)) / 1000 / period;
    if (periodsSince > SCORE_RULES.stalePeriods) {
      state = 'stale';
      const beyond = Math.floor(periodsSince - SCORE_RULES.stalePeriods);
      score *= SCORE_RULES.stalePenalty * SCORE_RULES.stalePeriodDecay ** beyond;
    }
  }
  return { score: Math.round(score), state, lastTestedAt, runs: counted.length, tested };
}

/** An application's score: the mean of its experiments' scores (untested ones count 0), rounded. */
export function applicationScore(scores: readonly ResilienceScore[]): number | undefined {
  if (scores.length === 0) return undefined;
  return Math.round(scores.reduce((sum, s) => sum + s.score, 0) / scores.length);
}

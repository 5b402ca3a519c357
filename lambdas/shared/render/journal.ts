/**
 * The run journal: one JSON object per run in S3, the history the CLI and the report read.
 * Its format is `runJournalSchema` (lambdas/shared/journal-schema.ts); `schema/run-journal.schema.json` is generated from it.
 */
import type { ExperimentPlan, ExperimentResult, PublishInput, RunJournal, TravellingResult } from '../types';

/** Where the journal of a run lives: `runs/<yyyy>/<mm>/<run id>.json` (year and month of the run's start, UTC). */
export function journalKey(runId: string, startedAt: string): string {
  const date = new Date(startedAt);
  const valid = !Number.isNaN(date.getTime());
  const yyyy = valid ? String(date.getUTCFullYear()).padStart(4, '0') : 'unknown';
  const mm = valid ? String(date.getUTCMonth() + 1).padStart(2, '0') : 'unknown';
  return `runs/${yyyy}/${mm}/${safeKeyPart(runId)}.json`;
}

/** Where the HTML report of a run lives: `reports/<run id>.html`. */
export function reportKey(runId: string): string {
  return `reports/${safeKeyPart(runId)}.html`;
}

/** The prefix of a run's during-fault series: `probe-series/<run id>/` (the poll writes, PublishResults reads). */
export const PROBE_SERIES_ROOT = 'probe-series/';

/** Where one poll batch of an experiment's during-fault series lives: `probe-series/<run id>/<experiment>/<batch>.json`. */
export function probeSeriesKey(runId: string, experiment: string, batch: number): string {
  return `${PROBE_SERIES_ROOT}${safeKeyPart(runId)}/${safeKeyPart(experiment)}/${String(batch).padStart(5, '0')}.json`;
}

/** Execution names are `[A-Za-z0-9-_]`; keep keys free of `/` and odd characters whatever arrives. */
function safeKeyPart(runId: string): string {
  const cleaned = runId.replace(/[^A-Za-z0-9._-]/g, '_');
  return cleaned.length > 0 ? cleaned : 'unnamed-run';
}

/**
 * Builds the journal of a run from what the PublishResults state receives.
 * @param endedAt when publishing started (the run's end, as far as the journal is concerned)
 */
export function buildJournal(input: PublishInput, endedAt: string): RunJournal {
  const { run } = input;
  return {
    schemaVersion: 1,
    runId: run.runId,
    executionArn: run.executionArn,
    stateMachineArn: run.stateMachineArn,
    trigger: run.trigger,
    dryRun: run.dryRun,
    startedAt: run.startedAt,
    endedAt,
    configHash: run.configHash,
    ...(input.guardRails !== undefined ? { guardRails: input.guardRails } : {}),
    experiments: input.results.map((result) => withPlan(result, input.plans ?? [])),
  };
}

/** A result of the run without its plan: the plan of the run's experiments, or none. */
export class PlanMissingError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PlanMissingError';
  }
}

/** A travelling result joined again with its plan (results travel without theirs, see `TravellingResult`). */
export function withPlan(result: TravellingResult, plans: readonly ExperimentPlan[]): ExperimentResult {
  const plan = result.plan ?? plans.find((p) => p.name === result.name);
  if (!plan) {
    throw new PlanMissingError(
      `the result of ${result.name} has no plan and the run's plans (${plans.map((p) => p.name).join(', ') || 'none'}) do not include it`,
    );
  }
  return { ...result, plan };
}

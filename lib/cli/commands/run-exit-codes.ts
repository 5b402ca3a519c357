import { OUTCOMES, type Outcome } from '../../../lambdas/shared/vocabulary';

/**
 * The exit code of `run --wait` and `rehearse` for each experiment outcome (0, 1 and 2 keep their meaning
 * for every command: ok, the operation failed, bad usage or config). A CI pipeline can tell each outcome
 * apart: only `passed` is 0, so "nothing was proven" (`inconclusive`) never reads as success.
 */
export const OUTCOME_EXIT_CODES = {
  passed: 0,
  deviated: 3,
  aborted: 4,
  inconclusive: 5,
  skipped: 6,
  failed: 7,
} as const satisfies Record<Outcome, number>;

/** One of {@link OUTCOME_EXIT_CODES}' values. */
export type OutcomeExitCode = (typeof OUTCOME_EXIT_CODES)[Outcome];

/**
 * Which outcome decides the exit code when a run has several experiments, most urgent first: a failed
 * orchestration (is the fault stopped?), a weakness found, a stop condition fired, nothing proven,
 * nothing injected, the hypothesis held.
 */
export const OUTCOME_EXIT_PRECEDENCE = [
  'failed',
  'deviated',
  'aborted',
  'inconclusive',
  'skipped',
  'passed',
] as const satisfies readonly Outcome[];

/** What each outcome's exit code means, one short phrase each (help text and README). */
const OUTCOME_EXIT_MEANINGS: Record<Outcome, string> = {
  passed: 'every experiment passed',
  deviated: 'an experiment deviated (a weakness found)',
  aborted:
    'an experiment was aborted: stopped early by a stop condition, a probe stopAfter or the kill switch',
  inconclusive: 'an experiment was inconclusive (no effect seen: nothing proven)',
  skipped: 'an experiment was skipped, or none ran: nothing injected (as in a dry run)',
  failed: 'an experiment failed: the orchestration itself failed (its reason says where)',
};

/**
 * The exit code for the outcomes of one run: the code of the most urgent outcome present
 * ({@link OUTCOME_EXIT_PRECEDENCE}); no experiment at all (guard rails said no) counts as `skipped`.
 */
export function outcomesExitCode(outcomes: readonly Outcome[]): OutcomeExitCode {
  if (outcomes.length === 0) return OUTCOME_EXIT_CODES.skipped;
  const decisive = OUTCOME_EXIT_PRECEDENCE.find((outcome) => outcomes.includes(outcome)) ?? 'passed';
  return OUTCOME_EXIT_CODES[decisive];
}

/** The exit-code table as lines `  5  an experiment was inconclusive ...`, codes ascending (help and README). */
export function outcomeExitTable(): string[] {
  const rows: Array<[number, string]> = [
    [0, `ok; for run --wait and rehearse: ${OUTCOME_EXIT_MEANINGS.passed}`],
    [1, 'the operation failed (AWS said no; the workflow execution failed, timed out or was aborted)'],
    [2, 'bad usage or a bad config/scenario file'],
    ...OUTCOMES.filter((outcome) => outcome !== 'passed').map((outcome): [number, string] => [
      OUTCOME_EXIT_CODES[outcome],
      OUTCOME_EXIT_MEANINGS[outcome],
    ]),
  ];
  return rows.sort((a, b) => a[0] - b[0]).map(([code, meaning]) => `  ${code}  ${meaning}`);
}

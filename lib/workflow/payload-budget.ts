import { MAX_KEPT_CHECKS } from '../../lambdas/check-steady-state/check-steady-state';
import type { ExperimentPlan, ProbeSpec, RunConfig } from '../../lambdas/shared/types';

/**
 * The state payload budget: Step Functions refuses a state input or output above 256 KiB
 * (`States.DataLimitExceeded`), and chaos-cadence keeps the worst case of a run at half of that, so
 * what other steps add later still fits. The worst case is bounded at synth from the plans themselves:
 * each plan travels once (the guard-rail decision), each result without its plan, with the check before
 * the fault and at most {@link MAX_KEPT_CHECKS} checks after it, every probe failing (longest reason).
 */

/** Step Functions' limit on a state's input or output. */
export const STATE_PAYLOAD_LIMIT_BYTES = 256 * 1024;
/** What a run may use at most: half the limit. */
export const PAYLOAD_BUDGET_BYTES = STATE_PAYLOAD_LIMIT_BYTES / 2;

/** Bytes of a result besides its checks and reason: outcome, conclusions, fault, stop, timings. */
const RESULT_FIXED_BYTES = 1_500;
/** Bytes of one probe result besides the texts that come from its spec (id, expected): observed value, times, error. */
const PROBE_RESULT_FIXED_BYTES = 150;
/** Bytes of the run's own fields in the state (run context, request, guard-rail checks, published keys). */
const RUN_FIXED_BYTES = 4_000;
/** Room kept per experiment for the during-fault summary the poll carries (fault, poll, stop). */
const DURING_FAULT_BYTES = 2_000;

const bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** An upper bound of one probe's result in the state (its spec's texts appear in id and expected). */
function probeResultBound(probe: ProbeSpec): number {
  return PROBE_RESULT_FIXED_BYTES + Math.ceil(1.5 * bytes(probe));
}

/** An upper bound of one experiment's share of the state: its plan once, its result, its fault's state. */
export function experimentBound(plan: ExperimentPlan): number {
  const before = plan.steadyState.reduce((sum, p) => sum + probeResultBound(p), 0);
  const after = [...plan.steadyState, ...plan.recovery.expect].reduce(
    (sum, p) => sum + probeResultBound(p),
    0,
  );
  // The reason of a deviated result names every failing probe of the last check.
  const reason = after / 2;
  // The result repeats the hypothesis.
  const texts = bytes(plan.hypothesis);
  return (
    bytes(plan) + texts + RESULT_FIXED_BYTES + before + MAX_KEPT_CHECKS * after + reason + DURING_FAULT_BYTES
  );
}

/** The worst case of a run of every deployed experiment, in bytes, and each experiment's share. */
export function worstCaseBytes(config: RunConfig): {
  readonly total: number;
  readonly byExperiment: Record<string, number>;
} {
  const byExperiment = Object.fromEntries(
    Object.values(config.plans).map((plan) => [plan.name, experimentBound(plan)]),
  );
  const total = RUN_FIXED_BYTES + Object.values(byExperiment).reduce((sum, b) => sum + b, 0);
  return { total, byExperiment };
}

/** A run of the config could exceed the state payload budget. */
export class PayloadBudgetError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PayloadBudgetError';
  }
}

/**
 * Refuses a config whose worst-case run could not fit the budget, naming the experiments with the
 * largest share and their probe counts, so the fix (fewer probes, or fewer experiments in one stack: a
 * manual run without names runs every deployed experiment) is clear.
 * @throws PayloadBudgetError
 */
export function checkPayloadBudget(config: RunConfig): void {
  const { total, byExperiment } = worstCaseBytes(config);
  if (total <= PAYLOAD_BUDGET_BYTES) return;
  const largest = Object.entries(byExperiment)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([name, size]) => {
      const plan = config.plans[name] as ExperimentPlan;
      return `${name} (${Math.round(size / 1024)} KiB: ${plan.steadyState.length} steadyState probes, ${plan.recovery.expect.length} recovery.expect probes)`;
    });
  throw new PayloadBudgetError(
    `a run of these ${Object.keys(byExperiment).length} experiments could carry up to ${Math.round(total / 1024)} KiB in one Step Functions state; ` +
      `the budget is ${PAYLOAD_BUDGET_BYTES / 1024} KiB (half of the 256 KiB limit). Largest: ${largest.join('; ')}. ` +
      'Cut steadyState or recovery.expect probes from these experiments, or deploy fewer experiments in this stack (a run without names runs them all).',
  );
}

/**
 * The words chaos-cadence judges with, defined once: every type, zod enum, JSON Schema enum, metric,
 * colour table and CLI list derives from these arrays (tests check the copies that must repeat them,
 * such as schema/run-journal.schema.json).
 */

/**
 * The six outcomes of an experiment (DESIGN.md, "Outcomes"), in the order people read them:
 * from "the hypothesis held" to "the orchestration failed".
 */
export const OUTCOMES = ['passed', 'deviated', 'aborted', 'inconclusive', 'skipped', 'failed'] as const;

/** One of {@link OUTCOMES}. */
export type Outcome = (typeof OUTCOMES)[number];

/** Impact on the system, from least to worst: expected in config, observed by the verdict. */
export const IMPACTS = ['none', 'degraded', 'outage'] as const;

/** One of {@link IMPACTS}. */
export type Impact = (typeof IMPACTS)[number];

/** An impact's rank: its index in {@link IMPACTS} (higher is worse). */
export function impactRank(impact: Impact): number {
  return IMPACTS.indexOf(impact);
}

/** The worse of two impacts. */
export function worseImpact(a: Impact, b: Impact): Impact {
  return impactRank(a) >= impactRank(b) ? a : b;
}

/** Outcomes in which a fault was injected and ran to a verdict (the hypothesis was put to the test). */
export const TESTED_OUTCOMES: readonly Outcome[] = ['passed', 'deviated', 'aborted'];

/** What a conclusion of the experiment card answers: measured yes/no, or why it cannot be answered. */
export const FINDING_ANSWERS = ['yes', 'no', 'not applicable', 'unknown'] as const;

/** One of {@link FINDING_ANSWERS}. */
export type FindingAnswer = (typeof FINDING_ANSWERS)[number];

/**
 * What effect verification concluded (DESIGN.md, "Observing the fault"):
 * - `seen`: every evaluated target (or the effect metric) reached the threshold during the fault;
 * - `partial`: some targets did, others did not;
 * - `not-seen`: data for the fault window exists and never reached the threshold: nothing was proven;
 * - `no-data`: the data cannot exist (yet): e.g. basic monitoring's 5-minute datapoints and a shorter
 *   fault, or datapoints not yet published when the run ended;
 * - `unverified`: nothing to verify against (an imported template without `effect`, a dry run).
 */
export const EFFECT_STATUSES = ['seen', 'partial', 'not-seen', 'no-data', 'unverified'] as const;

/** One of {@link EFFECT_STATUSES}. */
export type EffectStatus = (typeof EFFECT_STATUSES)[number];

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

/**
 * Outcomes in which the fault was injected: the tested ones and `inconclusive` (it ran, but showed no
 * effect); the card's conclusions are measured for these.
 */
export const INJECTED_OUTCOMES: readonly Outcome[] = [...TESTED_OUTCOMES, 'inconclusive'];

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

/** How a run was started: by its cadence schedule or on demand (`chaos-cadence run`). */
export const TRIGGERS = ['schedule', 'manual'] as const;

/** One of {@link TRIGGERS}. */
export type Trigger = (typeof TRIGGERS)[number];

/** The kinds of steady-state probe, as the config names them (one key a probe). */
export const PROBE_KINDS = ['alarm', 'http', 'asgCapacity', 'metric'] as const;

/** One of {@link PROBE_KINDS}. */
export type ProbeKind = (typeof PROBE_KINDS)[number];

/** When the steady state is checked as a whole: before the fault, and again after it. */
export const CHECK_PHASES = ['before', 'after'] as const;

/** One of {@link CHECK_PHASES}. */
export type CheckPhase = (typeof CHECK_PHASES)[number];

/** How a fault is injected and stopped: a FIS experiment or SSM Run Command (`cpuStress.via`). */
export const FAULT_KINDS = ['fis', 'ssm'] as const;

/** One of {@link FAULT_KINDS}. */
export type FaultKind = (typeof FAULT_KINDS)[number];

const INJECTING = ['pending', 'initiating', 'running'] as const;
const TERMINAL = ['failed', 'cancelled', 'completed', 'stopped', 'dry-run'] as const;

/**
 * FIS and SSM states mapped onto one vocabulary, from the least ended to the most (StopFault reports
 * the least ended of several faults): injecting, `stopping`, terminal. FIS's own statuses are all but
 * `dry-run`.
 */
export const FAULT_STATES = [...INJECTING, 'stopping', ...TERMINAL] as const;

/** One of {@link FAULT_STATES}. */
export type FaultState = (typeof FAULT_STATES)[number];

/** Fault states in which the fault injects, or is about to: nothing has asked it to end. */
export const INJECTING_FAULT_STATES: readonly FaultState[] = INJECTING;

/** Fault states after which there is nothing left to stop or watch: the service reports it over. */
export const TERMINAL_FAULT_STATES: readonly FaultState[] = TERMINAL;

/**
 * Fault states in which nothing is injected any more: the terminal ones and `stopping` (the service
 * accepted the stop and rolls the actions back). The one place that decides `stopping` counts as
 * ended: a stop that reads it is a confirmed stop (StopFault, `halt`, the texts' "stopped"), the
 * verdict takes it as the fault's end, and abort-on-event leaves such a fault alone.
 */
export const ENDED_FAULT_STATES: readonly FaultState[] = ['stopping', ...TERMINAL];

/** True for the states of {@link TERMINAL_FAULT_STATES}: nothing is left to stop or watch. */
export function isTerminalFaultState(state: string): boolean {
  return (TERMINAL_FAULT_STATES as readonly string[]).includes(state);
}

/** True for the states of {@link ENDED_FAULT_STATES} (terminal or `stopping`): nothing is injected. */
export function hasFaultEnded(state: string): boolean {
  return (ENDED_FAULT_STATES as readonly string[]).includes(state);
}

/**
 * SSM command statuses in which the stress may still be injecting: a stop is still needed (the sweep,
 * abort-on-event and `halt` cancel these).
 */
export const SSM_INJECTING_STATUSES: readonly string[] = ['Pending', 'InProgress', 'Delayed'];

/**
 * SSM command statuses in which the command has not finished: injecting, or `Cancelling` (a cancel
 * was asked, the stress may still run). Another experiment's fault in one of these blocks a start.
 */
export const SSM_UNFINISHED_STATUSES: readonly string[] = [...SSM_INJECTING_STATUSES, 'Cancelling'];

/** Why a fault was stopped before its end (`probe`: a probe's `stopAfter` ran out during the fault). */
export const STOP_REASONS = ['stop-condition', 'probe', 'kill-switch', 'time-over', 'error'] as const;

/** One of {@link STOP_REASONS}. */
export type StopReason = (typeof STOP_REASONS)[number];

/**
 * Who stopped a fault early, in order of speed (fastest first): FIS itself on its native stop
 * conditions, the abort-on-event function (alarm or kill-switch event), the workflow's poll (then
 * StopFault), or `chaos-cadence halt`.
 */
export const STOPPED_BY = ['fis-native', 'event', 'poll', 'halt'] as const;

/** One of {@link STOPPED_BY}. */
export type StoppedBy = (typeof STOPPED_BY)[number];

/**
 * Whether a read confirmed the stop: `confirmed` (a read saw the fault ended or rolling back) or
 * `not-confirmed` (the stop was requested, no read could confirm it: never reported as stopped).
 */
export const STOP_CONFIRMATIONS = ['confirmed', 'not-confirmed'] as const;

/** One of {@link STOP_CONFIRMATIONS}. */
export type StopConfirmation = (typeof STOP_CONFIRMATIONS)[number];

/** Day names as EventBridge and the config write them, Monday first, as people read a working week. */
export const WEEKDAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;

/** A day of the week. */
export type Weekday = (typeof WEEKDAYS)[number];

/** The working week, Monday to Friday: the default `allowedHours.days`. */
export const WORKING_DAYS: readonly Weekday[] = WEEKDAYS.slice(0, 5);

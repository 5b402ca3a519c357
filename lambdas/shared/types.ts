/**
 * The domain types every part of chaos-cadence shares: the plan baked into the state machine,
 * what each state returns, the per-experiment result and the run journal written to S3.
 * Plain JSON only (Step Functions passes them between states; keep them small).
 */

import type {
  CheckPhase,
  EffectStatus,
  FaultKind,
  FaultState,
  FindingAnswer,
  Impact,
  Outcome,
  ProbeKind,
  StopConfirmation,
  StopReason,
  StoppedBy,
  Trigger,
} from './vocabulary';

/** Every vocabulary type (Outcome, FaultState, StopReason...) is part of the domain types too. */
export type * from './vocabulary';

// ---------------------------------------------------------------------------------------------
// The plan: what the config says, resolved for the runtime (durations in seconds, ids resolved).
// ---------------------------------------------------------------------------------------------

/** What every probe may add: whether it runs during the fault, and whether it may stop it. */
export interface ProbeOptions {
  /** `false`: not checked while the fault runs (only before and after). Absent: checked every poll. */
  readonly during?: boolean;
  /** A probe stop condition: failing continuously this long during the fault stops it (`aborted`). */
  readonly stopAfterSeconds?: number;
}

/** A steady-state probe, normalized. `id` is stable and readable, e.g. `alarm:sock-shop-5xx`. */
export type ProbeSpec = ProbeOptions &
  (
    | {
        readonly kind: 'alarm';
        readonly id: string;
        readonly alarmName: string;
        readonly allowInsufficientData: boolean;
      }
    | {
        readonly kind: 'http';
        readonly id: string;
        readonly url: string;
        readonly method: 'GET' | 'HEAD';
        readonly expectedStatus: number;
        readonly timeoutSeconds: number;
        readonly bodyMatch?: string;
      }
    | {
        readonly kind: 'asgCapacity';
        readonly id: string;
        readonly groupName: string;
        readonly minInService: number;
      }
    | {
        readonly kind: 'metric';
        readonly id: string;
        readonly namespace: string;
        readonly metricName: string;
        readonly dimensions: Readonly<Record<string, string>>;
        readonly statistic: string;
        readonly periodSeconds: number;
        readonly windowSeconds: number;
        readonly min?: number;
        readonly max?: number;
      }
  );

/**
 * How the run verifies that the fault acted (DESIGN.md, "Observing the fault"):
 * - `cpu`: the targets' `CPUUtilization` reaches `minCpuPercent` during the fault (per instance, at
 *   the period it publishes), `derived` when the threshold is the default taken from `loadPercent`;
 * - `metric`: an imported template's metric reaches `min` (or falls to `max`) during the fault.
 */
export type EffectSpec =
  | { readonly kind: 'cpu'; readonly minCpuPercent: number; readonly derived: boolean }
  | {
      readonly kind: 'metric';
      readonly namespace: string;
      readonly metricName: string;
      readonly dimensions: Readonly<Record<string, string>>;
      readonly statistic: string;
      readonly periodSeconds: number;
      readonly min?: number;
      readonly max?: number;
    };

/** EC2 targets and the blast radius. */
export interface TargetSpec {
  readonly tags: Readonly<Record<string, string>>;
  /** `ALL`, `COUNT(n)` or `PERCENT(p)`. */
  readonly selection: string;
}

/** CPU stress parameters, as the `AWSFIS-Run-CPU-Stress` document takes them. */
export interface CpuStressSpec {
  readonly loadPercent: number;
  /** 0 = all cores. */
  readonly cores: number;
  readonly durationSeconds: number;
  readonly installDependencies: boolean;
  readonly targets: TargetSpec;
}

/** How the fault is injected and stopped. */
export type FaultPlan =
  | {
      /** A FIS experiment template (created from cpuStress or a template file, or an existing id). */
      readonly kind: 'fis';
      readonly source: 'cpuStress' | 'fisTemplate' | 'fisTemplateId';
      /** The template id; a `${...}` placeholder in the ASL file, resolved at deploy time. */
      readonly templateId: string;
      /** How long the fault is meant to run. */
      readonly durationSeconds: number;
      /** When the workflow stops it regardless ("time over"): duration plus start-up margin. */
      readonly maxRunSeconds: number;
      /** One line for people: what is hit and how. */
      readonly scope: string;
      readonly cpuStress?: CpuStressSpec;
    }
  | {
      /** SSM Run Command with the same document, for accounts without FIS. */
      readonly kind: 'ssm';
      readonly source: 'cpuStress';
      readonly documentName: string;
      readonly durationSeconds: number;
      readonly maxRunSeconds: number;
      readonly scope: string;
      readonly cpuStress: CpuStressSpec;
    };

/** One experiment as the workflow runs it. */
export interface ExperimentPlan {
  readonly name: string;
  readonly application: string;
  readonly description?: string;
  readonly hypothesis: string;
  readonly expectedImpact: Impact;
  readonly steadyState: readonly ProbeSpec[];
  readonly fault: FaultPlan;
  /** How the fault's effect is verified; absent: nothing to verify against ("unverified"). */
  readonly effect?: EffectSpec;
  readonly stopConditions: readonly { readonly alarmName: string }[];
  readonly recovery: {
    readonly windowSeconds: number;
    readonly intervalSeconds: number;
    readonly expect: readonly ProbeSpec[];
  };
  readonly pollIntervalSeconds: number;
}

/** What the deployment bakes into the state machine definition (the `${RunConfig}` object). */
export interface RunConfig {
  /** sha256 of the config file, recorded in every journal. */
  readonly configHash: string;
  /** Every deployed experiment, by name. */
  readonly plans: Readonly<Record<string, ExperimentPlan>>;
}

// ---------------------------------------------------------------------------------------------
// The run.
// ---------------------------------------------------------------------------------------------

/** The state machine's input. */
export interface RunInput {
  /** Experiment names; empty or absent = every enabled experiment. */
  readonly experiments?: readonly string[];
  readonly trigger: Trigger;
  readonly dryRun?: boolean;
}

/** Facts about the execution, taken from the context object at the start. */
export interface RunContext {
  /** The execution name. */
  readonly runId: string;
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly startedAt: string;
  readonly trigger: Trigger;
  readonly dryRun: boolean;
  readonly configHash: string;
}

/** The result of one guard-rail check. */
export interface GuardRailCheck {
  readonly name: 'killSwitch' | 'singleRun' | 'changeCalendar' | 'allowedHours' | 'experiments';
  readonly ok: boolean;
  /** What was seen, e.g. `kill switch is off`, `calendar prod-freeze is CLOSED`. */
  readonly detail: string;
}

/** What CheckGuardRails returns. */
export interface GuardRailsResult {
  readonly allowed: boolean;
  /** Why not, in one line, when `allowed` is false. */
  readonly reason?: string;
  readonly checks: readonly GuardRailCheck[];
  /** The plans of the experiments to run, in order. */
  readonly experiments: readonly ExperimentPlan[];
  readonly checkedAt: string;
}

/** One probe's result: what was expected, what was seen, when. */
export interface ProbeResult {
  readonly id: string;
  readonly kind: ProbeKind;
  readonly ok: boolean;
  /** e.g. `state OK`, `HTTP 200 within 3 s`, `>= 3 InService`, `p99 <= 0.5`. */
  readonly expected: string;
  /** e.g. `state ALARM since 10:02:13`, `HTTP 503 in 120 ms`, `2 InService`, `p99 = 0.72`. */
  readonly observed: string;
  readonly checkedAt: string;
  /** Set when the probe could not be evaluated (timeout, access denied...): counts as not ok. */
  readonly error?: string;
  /** The numeric value seen, when there is one (for charts and metrics). */
  readonly value?: number;
}

/** A steady-state check: all probes of one phase at one moment. */
export interface SteadyStateCheck {
  readonly phase: CheckPhase;
  readonly steady: boolean;
  readonly attempt: number;
  readonly checkedAt: string;
  readonly probes: readonly ProbeResult[];
}

/** A started fault. */
export interface FaultRef {
  readonly kind: FaultKind;
  /** FIS experiment id (`EXP...`) or SSM command id (the first, when there are several). */
  readonly id: string;
  /**
   * SSM: every command id, one per chunk of at most 50 targets (SendCommand's limit), `id` first.
   * Read it through `faultIds()`; absent on FIS faults and on references from before chunking.
   */
  readonly commandIds?: readonly string[];
  readonly startedAt: string;
  readonly state: FaultState;
  /** Instance ids targeted (SSM; FIS when known). */
  readonly targets?: readonly string[];
  readonly dryRun: boolean;
  /** FIS experiment template id, when FIS. */
  readonly templateId?: string;
}

/** An alarm state change seen while polling. */
export interface AlarmTransition {
  readonly alarmName: string;
  readonly from: string;
  readonly to: string;
  readonly at: string;
}

/** A stretch of consecutive during-fault checks of one probe with the same result. */
export interface ProbeSegment {
  readonly from: string;
  /** The last check of the stretch. */
  readonly to: string;
  readonly ok: boolean;
  readonly checks: number;
  /** What the first check of the stretch saw (a failing stretch: its first failure). */
  readonly observed: string;
}

/** One probe while the fault ran: a compact summary, whatever the fault's length. */
export interface DuringProbe {
  readonly id: string;
  readonly kind: ProbeKind;
  /** Checks that could be evaluated. */
  readonly checks: number;
  readonly failures: number;
  /** Checks that could not be evaluated (throttled, timed out reading AWS): neither ok nor failed. */
  readonly unevaluated: number;
  readonly firstFailureAt?: string;
  readonly lastFailureAt?: string;
  /** Start of the failure streak still going on at the last check (for `stopAfter`). */
  readonly failingSince?: string;
  /** The longest continuous failure, from its first to its last failing check (seconds). */
  readonly longestFailureSeconds: number;
  /** The worst failing observation (the furthest out of bounds for numbers, else the first). */
  readonly worst?: { readonly observed: string; readonly at: string; readonly value?: number };
  /** Lowest and highest numeric value seen (e.g. InService capacity). */
  readonly min?: number;
  readonly max?: number;
  /** The series, run-length encoded: at most {@link MAX_SEGMENTS} stretches (the first and the latest). */
  readonly segments: readonly ProbeSegment[];
  /** Stretches left out in the middle to keep the summary small. */
  readonly droppedSegments: number;
}

/** Stretches kept per probe: the first {@link KEPT_FIRST_SEGMENTS} and the latest others. */
export const MAX_SEGMENTS = 24;
/** How many of the first stretches are always kept. */
export const KEPT_FIRST_SEGMENTS = 4;

/** The steady-state probes during the fault. */
export interface DuringSummary {
  /** Polls that ran the probes. */
  readonly checks: number;
  readonly firstAt?: string;
  readonly lastAt?: string;
  readonly probes: readonly DuringProbe[];
  /** Where the full series went: one S3 object per poll batch (absent: none written, e.g. a rehearsal test). */
  readonly series?: SeriesRef;
}

/**
 * The full during-fault series of one experiment, kept out of the state: each PollStopConditions batch
 * writes its checks to `probe-series/<run id>/<experiment>/<batch>.json` ({@link ProbeSeriesBatch}) and
 * PublishResults joins them into the journal (`experiments[].duringSeries`).
 */
export interface SeriesRef {
  /** Batches written so far, numbered from 1. */
  readonly batches: number;
  /** Checks (polls) written across them. */
  readonly checks: number;
  /** Batches whose object could not be written (their checks are only in the summary); a count, to stay small. */
  readonly unwritten?: number;
  /** The last write error, when a batch could not be written. */
  readonly lastError?: string;
}

/** One probe check during the fault, as written to the series (full, not run-length encoded). */
export interface ProbeObservation {
  readonly at: string;
  /** `false` also when the check errored; absent `ok` with `error`: could not be evaluated (throttled). */
  readonly ok?: boolean;
  readonly observed?: string;
  readonly value?: number;
  readonly error?: string;
}

/** One S3 object of the series: the checks of one PollStopConditions batch. */
export interface ProbeSeriesBatch {
  readonly runId: string;
  readonly experiment: string;
  readonly batch: number;
  /** Probe id -> its checks in this batch, oldest first. */
  readonly probes: Readonly<Record<string, readonly ProbeObservation[]>>;
}

/** The full during-fault series of an experiment, as the journal carries it. */
export interface DuringSeries {
  /** Probe id -> every check while the fault ran, oldest first. */
  readonly probes: Readonly<Record<string, readonly ProbeObservation[]>>;
  /** Batches written by the poll and read back. */
  readonly batches: number;
  /** What could not be joined (batches not written or not readable): the summary still has their counts. */
  readonly missing?: string;
}

/** What effect verification saw on one target. */
export interface TargetEffect {
  readonly id: string;
  /** The period the target publishes CPUUtilization at: 60 (detailed) or 300 (basic monitoring). */
  readonly periodSeconds: number;
  /** The highest datapoint whose whole period lies within the fault. */
  readonly maxCpu?: number;
  readonly datapoints: number;
  /** The stress command's status on this target (SSM invocation status), when known. */
  readonly command?: string;
}

/** Effect verification: did the fault act? */
export interface EffectResult {
  readonly status: EffectStatus;
  /** One line: what was seen, or why it cannot be known. */
  readonly detail: string;
  /** e.g. `CPUUtilization >= 60 %`. */
  readonly threshold?: string;
  /** Per target (cpu effect; at most {@link MAX_EFFECT_TARGETS}). */
  readonly targets?: readonly TargetEffect[];
  /** Targets not evaluated because of the cap. */
  readonly targetsLeftOut?: number;
  /** The best value of the effect metric (metric effect). */
  readonly value?: number;
  /** How the command ran: `FIS action cpu-stress completed`, `SSM 3 of 3 Success`. */
  readonly command?: string;
  readonly checkedAt: string;
}

/** At most this many targets are evaluated (and kept in the state) for the CPU effect. */
export const MAX_EFFECT_TARGETS = 100;

/** In-service capacity of an Auto Scaling group over the run: "did autoscaling kick in?". */
export interface CapacityTrace {
  readonly group: string;
  readonly before?: number;
  /** The highest InService count seen during the fault or after it. */
  readonly peak?: number;
  readonly after?: number;
}

/** What PollStopConditions returns. */
export interface PollResult {
  readonly action: 'continue' | 'stop' | 'finished';
  readonly reason?: StopReason;
  /** One line, e.g. `alarm sock-shop-5xx is in ALARM`. */
  readonly detail: string;
  readonly faultState: FaultState;
  readonly polledAt: string;
  readonly polls: number;
  /** Seconds the next Wait should last. */
  readonly waitSeconds: number;
  /** Last known state per stop-condition alarm. */
  readonly alarmStates: Readonly<Record<string, string>>;
  /** Every change seen so far (accumulated across polls). */
  readonly transitions: readonly AlarmTransition[];
  /** When a stop condition was first seen in ALARM. */
  readonly firstAlarmAt?: string;
  /** The steady-state probes during the fault (compact; absent when no probe runs during it). */
  readonly during?: DuringSummary;
  /** Effect verification so far. */
  readonly effect?: EffectResult;
  /** For reason `probe`: when the probe's failure streak began (the stop condition's "firing"). */
  readonly probeFailingSince?: string;
  /** Who stopped the fault (set with `stop`, and with `finished` when it was stopped early). */
  readonly stoppedBy?: StoppedBy;
  /** The triggering transition (alarm StateUpdatedTimestamp, kill switch LastModifiedDate, time limit). */
  readonly triggeredAt?: string;
  /** When another part (event, halt, FIS) requested the stop; for `poll` it is StopFault's request. */
  readonly stopRequestedAt?: string;
}

/** What StopFault returns. */
export interface StopResult {
  /** When the stop request was sent (before any read). */
  readonly requestedAt: string;
  readonly confirmation: StopConfirmation;
  /** The fault's state after the stop, as a read confirmed it; absent when `not-confirmed`. */
  readonly confirmedState?: FaultState;
  /** True when the fault had already ended (nothing to stop). */
  readonly alreadyEnded: boolean;
  readonly reason: StopReason;
  /** `not-confirmed`: why the reads failed. */
  readonly readError?: string;
  /** `not-confirmed`: the command that checks whether the fault still runs. */
  readonly checkCommand?: string;
  /** On the error path: unfinished faults of the run's other experiments, and how stopping each went. */
  readonly earlierFaults?: readonly string[];
}

/** A stop another part made (abort-on-event, halt), as recorded on the run lock for the poll to read. */
export interface StopRecord {
  readonly faultId: string;
  readonly by: StoppedBy;
  /** When the stop request was sent. */
  readonly requestedAt: string;
  /** The triggering transition: the alarm's StateUpdatedTimestamp, the kill switch's LastModifiedDate. */
  readonly triggeredAt?: string;
  /** One line: what triggered it, e.g. `alarm sock-shop-5xx entered ALARM`. */
  readonly trigger: string;
}

/** One conclusion of the experiment card: the answer and the measurement behind it. */
export interface Finding {
  readonly answer: FindingAnswer;
  /** The evidence, rendered from the facts of the run. */
  readonly text: string;
}

/** The experiment card's conclusions (measured, never fixed sentences). */
export interface Conclusions {
  /** Observed vs expected impact, with the evidence. */
  readonly expected: Finding;
  /** Did an alarm reach ALARM while probes saw impact, and how fast? */
  readonly detected: Finding;
  /** Time to recover; capacity before, peak, after. */
  readonly handled: Finding;
  /** What to automate (alarms, scaling), derived from the findings. */
  readonly automate: readonly string[];
  /** What to look into next, derived from the findings. */
  readonly digDeeper: readonly string[];
}

/** The result of one experiment: a Map iteration's output and a journal entry. */
export interface ExperimentResult {
  readonly name: string;
  readonly application: string;
  readonly outcome: Outcome;
  /** One line for the email subject, e.g. `stop condition sock-shop-5xx fired after 90 s`. */
  readonly reason: string;
  /** What to do about it, for skipped and failed. */
  readonly advice?: string;
  readonly hypothesis: string;
  readonly expectedImpact: Impact;
  readonly observedImpact: Impact;
  readonly conclusions: Conclusions;
  /** From the triggering transition (alarm, kill switch, time limit) to the stop requested. */
  readonly timeToStopSeconds?: number;
  /** Who stopped the fault early, when it was. */
  readonly stoppedBy?: StoppedBy;
  /** From the fault's end to the steady state holding again. */
  readonly recoverySeconds?: number;
  /** From the first impact a probe saw during the fault to the first alarm in ALARM. */
  readonly timeToDetectSeconds?: number;
  /** The steady-state probes while the fault ran. */
  readonly during?: DuringSummary;
  /** Every during-fault check, joined by PublishResults from S3 (the journal only; never in the state). */
  readonly duringSeries?: DuringSeries;
  /** Effect verification: did the fault act? */
  readonly effect?: EffectResult;
  /** In-service capacity of the groups named in probes: before, peak, after. */
  readonly capacity?: readonly CapacityTrace[];
  readonly startedAt: string;
  readonly endedAt: string;
  readonly steadyStateBefore?: SteadyStateCheck;
  /** Every re-check after the fault, in order (bounded). */
  readonly steadyStateAfter: readonly SteadyStateCheck[];
  readonly fault?: FaultRef;
  readonly faultEndedAt?: string;
  readonly stop?: StopResult;
  readonly alarmTransitions: readonly AlarmTransition[];
  readonly error?: { readonly error: string; readonly cause: string; readonly state?: string };
  /** The definition as it ran (snapshot). */
  readonly plan: ExperimentPlan;
}

/**
 * A result as it travels in the workflow's state: without its plan, since each plan already travels
 * once (in the guard-rail decision's `experiments`); PublishResults joins them again for the journal.
 * A result built outside the workflow (the sweep) may still carry its plan.
 */
export type TravellingResult = Omit<ExperimentResult, 'plan'> & { readonly plan?: ExperimentPlan };

/** `ok`, or the error that stopped one publishing channel (the others still run). */
export type ChannelStatus = string;

/** What PublishResults reports per channel: `ok` or the error message. */
export interface PublishStatus {
  readonly journal: ChannelStatus;
  readonly report: ChannelStatus;
  readonly metrics: ChannelStatus;
  readonly email: ChannelStatus;
}

/** The run journal: `s3://<bucket>/runs/<yyyy>/<mm>/<run id>.json`. */
export interface RunJournal {
  readonly schemaVersion: 1;
  readonly runId: string;
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly trigger: Trigger;
  readonly dryRun: boolean;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly configHash: string;
  /** The guard-rail decision (without the plans, which are in `experiments[].plan`). */
  readonly guardRails?: Omit<GuardRailsResult, 'experiments'>;
  readonly experiments: readonly ExperimentResult[];
}

/** What the PublishResults state receives: the run, the guard-rail decision, the plans and every result. */
export interface PublishInput {
  readonly run: RunContext;
  readonly guardRails?: Omit<GuardRailsResult, 'experiments'>;
  /** The plans of the run's experiments, for results that travel without theirs. */
  readonly plans?: readonly ExperimentPlan[];
  readonly results: readonly TravellingResult[];
}

/** What PublishResults returns (also the execution's output, with the results). */
export interface PublishOutput extends PublishStatus {
  /** `runs/<yyyy>/<mm>/<run id>.json` */
  readonly journalKey: string;
  /** `reports/<run id>.html` */
  readonly reportKey: string;
}

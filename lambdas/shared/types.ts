/**
 * The domain types every part of chaos-cadence shares: the plan baked into the state machine,
 * what each state returns, the per-experiment result and the run journal written to S3.
 * Plain JSON only (Step Functions passes them between states; keep them small).
 */

/** The five outcomes of an experiment (see DESIGN.md, "Outcomes"). */
export type Outcome = 'passed' | 'deviated' | 'aborted' | 'skipped' | 'failed';

/** Impact on the system: expected in config, observed by the verdict. */
export type Impact = 'none' | 'degraded' | 'outage';

/** How a run was started. */
export type Trigger = 'schedule' | 'manual';

// ---------------------------------------------------------------------------------------------
// The plan: what the config says, resolved for the runtime (durations in seconds, ids resolved).
// ---------------------------------------------------------------------------------------------

/** A steady-state probe, normalized. `id` is stable and readable, e.g. `alarm:sock-shop-5xx`. */
export type ProbeSpec =
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
  readonly kind: ProbeSpec['kind'];
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
  readonly phase: 'before' | 'after';
  readonly steady: boolean;
  readonly attempt: number;
  readonly checkedAt: string;
  readonly probes: readonly ProbeResult[];
}

/** Fault states, FIS and SSM mapped onto one vocabulary. */
export type FaultState =
  | 'pending'
  | 'initiating'
  | 'running'
  | 'completed'
  | 'stopping'
  | 'stopped'
  | 'failed'
  | 'cancelled'
  | 'dry-run';

/** A started fault. */
export interface FaultRef {
  readonly kind: 'fis' | 'ssm';
  /** FIS experiment id (`EXP...`) or SSM command id. */
  readonly id: string;
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

/** Why a fault was stopped before its end. */
export type StopReason = 'stop-condition' | 'kill-switch' | 'time-over' | 'error';

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
}

/** What StopFault returns. */
export interface StopResult {
  readonly requestedAt: string;
  /** The fault's state after the stop, as confirmed by the service. */
  readonly confirmedState: FaultState;
  /** True when the fault had already ended (nothing to stop). */
  readonly alreadyEnded: boolean;
  readonly reason: StopReason;
  /** On the error path: unfinished faults of the run's other experiments, and how stopping each went. */
  readonly earlierFaults?: readonly string[];
}

/** The experiment card's conclusions. */
export interface Conclusions {
  /** Did the system behave as the hypothesis expected? */
  readonly expected: boolean;
  /** Did monitoring see the impact (a stop-condition alarm fired, or no impact to see)? */
  readonly detected: boolean;
  /** Did the system return to steady state by itself within the recovery window? */
  readonly handled: boolean;
  /** What to look into next, in sentences. */
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
  /** From the stop condition first seen in ALARM to the stop requested. */
  readonly timeToStopSeconds?: number;
  /** From the fault's end to the steady state holding again. */
  readonly recoverySeconds?: number;
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

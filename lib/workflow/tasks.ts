import { ERROR_NAMES } from '../../lambdas/shared/error-names';

/**
 * The workflow's contract in one table: every Task state of `state-machines/run-experiments.asl.json`,
 * the Lambda function behind it, that function's timeout, the state's own timeout, its Retry policy
 * (and so the errors it retries) and the pure core it runs. The construct builds the functions from
 * {@link WORKFLOW_FUNCTIONS} and {@link EVENT_FUNCTIONS}, the local handlers and the rehearsal's
 * progress lines come from {@link TASKS}, and test/workflow/task-table.cases.ts checks that every Task
 * of the ASL file says what this table says.
 */

/** A Lambda function of the stack: its folder under `lambdas/` (entry `handler.ts`) and its timeout. */
export interface FunctionSpec {
  /** `lambdas/<folder>/handler.ts`. */
  readonly folder: string;
  /** The Lambda timeout. */
  readonly timeoutSeconds: number;
}

/** The functions the ASL calls, by construct id; each is the `${<id>FunctionArn}` substitution. */
export const WORKFLOW_FUNCTIONS = {
  CheckGuardRails: { folder: 'check-guard-rails', timeoutSeconds: 50 },
  CheckSteadyState: { folder: 'check-steady-state', timeoutSeconds: 150 },
  StartFault: { folder: 'start-fault', timeoutSeconds: 100 },
  // Polls in batches of up to 5 minutes inside one invocation.
  PollStopConditions: { folder: 'poll-stop-conditions', timeoutSeconds: 390 },
  StopFault: { folder: 'stop-fault', timeoutSeconds: 150 },
  Verdict: { folder: 'verdict', timeoutSeconds: 30 },
  // Built by the Results construct (it owns the bucket and topic it writes to).
  PublishResults: { folder: 'publish-results', timeoutSeconds: 60 },
} as const satisfies Record<string, FunctionSpec>;

/** The construct id of a function the ASL calls. */
export type WorkflowFunctionName = keyof typeof WORKFLOW_FUNCTIONS;

/**
 * The functions beside the workflow, invoked by EventBridge rather than by a Task state. Their names
 * are also the callers under which the rehearsal records their AWS calls.
 */
export const EVENT_FUNCTIONS = {
  // Searches twice, 120 s apart, and confirms each stop (up to a minute a fault): 15 minutes.
  Sweep: { folder: 'sweep', timeoutSeconds: 15 * 60 },
  // Stop request (retried up to ~31 s) and a few confirmation reads (~10 s) per fault, in parallel.
  AbortOnEvent: { folder: 'abort-on-event', timeoutSeconds: 90 },
} as const satisfies Record<string, FunctionSpec>;

/** The construct id of a function beside the workflow. */
export type EventFunctionName = keyof typeof EVENT_FUNCTIONS;

/** The `definitionSubstitutions` key of a workflow function's ARN. */
export type FunctionArnKey = `${WorkflowFunctionName}FunctionArn`;

/** `StartFault` -> `StartFaultFunctionArn`. */
export function functionArnKey(name: WorkflowFunctionName): FunctionArnKey {
  return `${name}FunctionArn`;
}

/** Errors Step Functions raises itself. */
export const STATES_ERRORS = {
  /** Matches every error. */
  all: 'States.ALL',
  /** A Task ran longer than its `TimeoutSeconds`. */
  timeout: 'States.Timeout',
} as const;

/** Errors of the Lambda service itself (the invocation, not the function), worth retrying. */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

/** What a Task retries with backoff: Lambda service errors and our own throttled/transient errors. */
export const RETRYABLE_ERRORS = [
  ...LAMBDA_SERVICE_ERRORS,
  ERROR_NAMES.throttled,
  ERROR_NAMES.transient,
] as const;

/** One ASL retrier, as written in the ASL. */
export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds: number;
  readonly MaxAttempts: number;
  readonly BackoffRate: number;
  readonly MaxDelaySeconds: number;
  readonly JitterStrategy?: 'FULL' | 'NONE';
}

/** The backoff every retrier shares: 2 s doubling up to a minute, full jitter. */
const BACKOFF = { IntervalSeconds: 2, BackoffRate: 2, MaxDelaySeconds: 60, JitterStrategy: 'FULL' } as const;

/**
 * The Retry policies of the Task states, defined once.
 * - `standard`: the retryable errors, 6 attempts; anything else goes to the state's Catch.
 * - `stop`: stopping a fault must not give up early: the retryable errors 10 times, then any error 5
 *   more times (no jitter: a stop is never a thundering herd) before the Catch.
 * - `bestEffort`: any error, 4 times, up to 30 s apart (releasing the run lock: its lease expires anyway).
 */
export const RETRY_POLICIES = {
  standard: [{ ErrorEquals: RETRYABLE_ERRORS, ...BACKOFF, MaxAttempts: 6 }],
  stop: [
    { ErrorEquals: RETRYABLE_ERRORS, ...BACKOFF, MaxAttempts: 10 },
    {
      ErrorEquals: [STATES_ERRORS.all],
      IntervalSeconds: 5,
      MaxAttempts: 5,
      BackoffRate: 2,
      MaxDelaySeconds: 60,
    },
  ],
  bestEffort: [{ ErrorEquals: [STATES_ERRORS.all], ...BACKOFF, MaxAttempts: 4, MaxDelaySeconds: 30 }],
} as const satisfies Record<string, readonly Retrier[]>;

/** The name of a Retry policy. */
export type RetryPolicyName = keyof typeof RETRY_POLICIES;

/** The pure core a Task state runs (a function may serve several states with different cores). */
export type TaskCore =
  | 'checkGuardRails'
  | 'releaseRunLock'
  | 'guardRailsFailed'
  | 'checkSteadyStateBefore'
  | 'checkSteadyStateAfter'
  | 'startFault'
  | 'pollStopConditions'
  | 'stopFault'
  | 'verdict'
  | 'publishResults';

/** One Task state of the workflow. */
export interface TaskSpec {
  /** The function the state invokes. */
  readonly function: WorkflowFunctionName;
  /** The pure core the function runs for this state. */
  readonly core: TaskCore;
  /** The state's `TimeoutSeconds`: longer than the function's timeout (see {@link INVOKE_MARGIN_SECONDS}). */
  readonly timeoutSeconds: number;
  /** The state's Retry policy. */
  readonly retry: RetryPolicyName;
}

/**
 * How much longer a Task waits than its function may run: the invocation's own overhead (an
 * on-demand cold start's init phase may take up to 10 s outside the function timeout). A Lambda that
 * times out then surfaces as the function's error (`Sandbox.Timedout`), not as `States.Timeout`.
 */
export const INVOKE_MARGIN_SECONDS = 10;

/** Every Task state of the workflow, in the order the ASL file defines them. */
export const TASKS = {
  CheckGuardRails: {
    function: 'CheckGuardRails',
    core: 'checkGuardRails',
    timeoutSeconds: 60,
    retry: 'standard',
  },
  GuardRailsFailed: { function: 'Verdict', core: 'guardRailsFailed', timeoutSeconds: 60, retry: 'standard' },
  CheckSteadyStateBefore: {
    function: 'CheckSteadyState',
    core: 'checkSteadyStateBefore',
    timeoutSeconds: 180,
    retry: 'standard',
  },
  RecheckGuardRails: {
    function: 'CheckGuardRails',
    core: 'checkGuardRails',
    timeoutSeconds: 60,
    retry: 'standard',
  },
  StartFault: { function: 'StartFault', core: 'startFault', timeoutSeconds: 120, retry: 'standard' },
  PollStopConditions: {
    function: 'PollStopConditions',
    core: 'pollStopConditions',
    timeoutSeconds: 420,
    retry: 'standard',
  },
  StopFault: { function: 'StopFault', core: 'stopFault', timeoutSeconds: 180, retry: 'stop' },
  CheckSteadyStateAfter: {
    function: 'CheckSteadyState',
    core: 'checkSteadyStateAfter',
    timeoutSeconds: 180,
    retry: 'standard',
  },
  StopFaultAfterError: { function: 'StopFault', core: 'stopFault', timeoutSeconds: 180, retry: 'stop' },
  Verdict: { function: 'Verdict', core: 'verdict', timeoutSeconds: 60, retry: 'standard' },
  StopFaultAfterVerdictError: {
    function: 'StopFault',
    core: 'stopFault',
    timeoutSeconds: 180,
    retry: 'stop',
  },
  PublishResults: {
    function: 'PublishResults',
    core: 'publishResults',
    timeoutSeconds: 300,
    retry: 'standard',
  },
  ReleaseRunLock: {
    function: 'CheckGuardRails',
    core: 'releaseRunLock',
    timeoutSeconds: 60,
    retry: 'bestEffort',
  },
} as const satisfies Record<string, TaskSpec>;

/** The name of a Task state. */
export type TaskStateName = keyof typeof TASKS;

/** Every Task state name, in the table's order. */
export const TASK_STATE_NAMES = Object.keys(TASKS) as readonly TaskStateName[];

/** Whether a state name is a Task state of the table. */
export function isTaskState(name: string): name is TaskStateName {
  return Object.hasOwn(TASKS, name);
}

/** The table's entry of a Task state, typed as the general {@link TaskSpec}. */
export function taskSpec(name: TaskStateName): TaskSpec {
  return TASKS[name];
}

/** The Retry block the ASL must carry for a Task state. */
export function retryOf(name: TaskStateName): readonly Retrier[] {
  return RETRY_POLICIES[TASKS[name].retry];
}

/** The errors a Task state retries (every error when its policy retries `States.ALL`). */
export function retryableErrorsOf(name: TaskStateName): readonly string[] {
  return [...new Set(retryOf(name).flatMap((retrier) => retrier.ErrorEquals))];
}

/** The Lambda timeout of the function behind a Task state. */
export function functionTimeoutOf(name: TaskStateName): number {
  return WORKFLOW_FUNCTIONS[TASKS[name].function].timeoutSeconds;
}

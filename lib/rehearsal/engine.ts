import '../util/polyfills';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import type { Runtime, WorkflowSettings } from '../../lambdas/shared/aws';
import type {
  ExperimentPlan,
  PublishOutput,
  RunConfig,
  RunJournal,
  Trigger,
} from '../../lambdas/shared/types';
import type { LoadedConfig } from '../config/load';
import { buildRunConfig, templateIdSubstitutionKey } from '../config/plan';
import { cadencePeriods } from '../cadence/period';
import { journalKey as journalKeyOf } from '../../lambdas/shared/render/journal';
import { parseRunJournal, readRunJournalText } from '../../lambdas/shared/resilience/journals';
import { RUN_LOCK_MARGIN_SECONDS } from '../../lambdas/check-guard-rails/run-lock';
import {
  localFunctionArns,
  renderDefinition,
  RUN_CONFIG_TOKEN,
  substitute,
  workflowTimeoutSeconds,
} from '../workflow/definition';
import { createTaskHandlers, type PublishCore, type TaskHandler } from '../workflow/task-handlers';
import type { EventFunctionName } from '../workflow/tasks';
import { abortOnEvent, stopConditionsOf, type AbortEvent } from '../../lambdas/abort-on-event/abort-on-event';
import { seededRandom } from '../../lambdas/shared/random';
import { sweepRun, type ExecutionStatusChangeEvent, type SweepOutcome } from '../../lambdas/sweep/sweep';
import { VirtualClock } from './clock';
import { describeError, describeSweep, describeTaskResult, type ProgressLine } from './progress';
import type { Scenario } from './scenario';
import {
  createSimulatedAccount,
  type PutMetrics,
  type RecordedCall,
  type SimulatedAccount,
  type SimulatedFisTemplate,
} from './simulated-account';

/** Makes one Task state throw or never answer (a hung Lambda), for workflow tests. */
export interface TaskFault {
  /**
   * `throw`: the handler fails before calling its core; `hang`: it never returns (the state's
   * TimeoutSeconds fires); `hang-after`: the core runs (its AWS calls happen) but the answer never
   * comes back, like a Lambda that did its work and then timed out; `throw-after`: the core runs, then
   * the invocation fails with `error` (e.g. a retryable `ThrottledError` after the fault was injected).
   */
  readonly mode: 'throw' | 'hang' | 'hang-after' | 'throw-after';
  /** How many invocations are affected. @default every one */
  readonly times?: number;
  /** How many invocations run normally before the fault applies (e.g. 1 = the second batch fails). @default 0 */
  readonly skip?: number;
  /** The error name the Task reports when it throws. @default 'Error' (what Lambda reports for a plain Error) */
  readonly error?: string;
}

export type { ProgressLine } from './progress';
export { describeTaskResult } from './progress';

/** Options of {@link runRehearsal}. */
export interface RehearsalOptions {
  readonly loaded: LoadedConfig;
  readonly scenario: Scenario;
  /** Experiment names; empty or absent = every enabled experiment. */
  readonly experiments?: readonly string[];
  readonly dryRun?: boolean;
  /** @default 'manual' */
  readonly trigger?: Trigger;
  /** The execution name. @default `rehearsal-<yyyymmddThhmmssZ>-<experiments>` */
  readonly runId?: string;
  /** Overrides of the settings derived from the config. */
  readonly settings?: Partial<WorkflowSettings>;
  /** Called once per state entered (Task states when they return, timed then, with what they found). */
  readonly onProgress?: (line: ProgressLine) => void;
  /** By Task state name. */
  readonly taskFaults?: Readonly<Record<string, TaskFault>>;
  /** The PublishResults core. @default the results part's `publishResults` */
  readonly publish?: PublishCore;
  /** The ASL text instead of `state-machines/run-experiments.asl.json` (with `${RunConfig}` etc.). */
  readonly definitionText?: string;
  /** Task handlers instead of the real cores (tests of the engine itself). */
  readonly taskHandlers?: Readonly<Record<string, TaskHandler>>;
  /** Real milliseconds with nothing scheduled and no I/O before the run counts as stalled. @default 5000 */
  readonly stallMs?: number;
  /**
   * Stops the execution (ABORTED, as `StopExecution` would) as soon as this Task state first returns,
   * e.g. `StartFault`: an operator stopping a run mid-fault.
   */
  readonly abortAfterState?: string;
  /** Aborts the execution this many virtual seconds after its start, as a StopExecution by hand would. */
  readonly abortAtSeconds?: number;
  /** The state machine's name (in the execution ARN). @default 'ChaosCadence-RunExperiments' */
  readonly stateMachineName?: string;
  /**
   * When the execution ends FAILED, TIMED_OUT or ABORTED, runs the sweep function as its EventBridge
   * rule would (against the same account and clock; its calls are recorded under `Sweep`), then
   * publishes its result with PublishResults (the sweep's on-success destination). Its second search
   * runs `secondSearchAfterSeconds` (virtual) after the first, 120 s as deployed by default. @default false
   */
  readonly sweep?: boolean | { readonly secondSearchAfterSeconds?: number };
  /**
   * Journals of earlier runs, put in the simulated results bucket before the run (as earlier runs
   * would have left them), so PublishResults reads them for the trend like in AWS. @default none
   */
  readonly history?: readonly RunJournal[];
}

/** How the execution ended. */
/** The largest state input and output the run produced, in bytes of JSON (Step Functions caps both at 256 KiB). */
export interface PayloadSizes {
  /** The largest input or output of any state. */
  readonly largestBytes: number;
  /** Which state, and whether it was its input or output. */
  readonly largestAt: string;
  /** The largest input and output seen per state name. */
  readonly byState: Readonly<Record<string, { readonly inputBytes: number; readonly outputBytes: number }>>;
}

/** Who made the calls of the backstop sweep (no Task state of the workflow: its function's name). */
export const SWEEP_CALLER: EventFunctionName = 'Sweep';

export type RehearsalStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** What a rehearsal produced. */
export interface RehearsalResult {
  readonly runId: string;
  readonly executionArn: string;
  readonly status: RehearsalStatus;
  /** The execution's output (SUCCEEDED). */
  readonly output: unknown;
  /** The execution's error and cause (FAILED / TIMED_OUT). */
  readonly error?: { readonly error: string; readonly cause: string };
  /** Every state entered, in order (states of Map iterations included). */
  readonly statesVisited: readonly string[];
  readonly progress: readonly ProgressLine[];
  readonly calls: readonly RecordedCall[];
  /**
   * The Task state that made each call, by index into `calls` (Tasks run one at a time, so a call
   * made while a Task's handler runs is that Task's; `AbortOnEvent` marks the event-driven function's). Used to check every call against the IAM policy
   * of the function behind the state.
   */
  readonly callStates: readonly (string | undefined)[];
  /** The simulated account: S3 objects, SNS messages, metrics, FIS experiments... */
  readonly account: SimulatedAccount;
  readonly settings: WorkflowSettings;
  readonly journal?: RunJournal;
  readonly reportHtml?: string;
  readonly emailSubject?: string;
  readonly emailText?: string;
  readonly metrics?: readonly PutMetrics[];
  /** The largest state payloads of the execution. */
  readonly payloads: PayloadSizes;
  /** What the sweep did, when {@link RehearsalOptions.sweep} ran it. */
  readonly sweep?: SweepOutcome;
  /** Real milliseconds the rehearsal took. */
  readonly wallMs: number;
  /** Virtual seconds the run took. */
  readonly virtualSeconds: number;
}

const STATE_MACHINE_NAME = 'ChaosCadence-RunExperiments';

/** What `callStates` names the calls of the abort-on-event function (it is no Task state: its function's name). */
export const ABORT_ON_EVENT_STATE: EventFunctionName = 'AbortOnEvent';

/**
 * The settings a rehearsal uses: the config's guard rails and time zone, placeholder resources, and a
 * run lock leased like the deployment's (the workflow's timeout plus a margin).
 */
export function rehearsalSettings(
  loaded: LoadedConfig,
  overrides: Partial<WorkflowSettings> = {},
): WorkflowSettings {
  const { config } = loaded;
  const stackName = overrides.stackName ?? 'ChaosCadence';
  const region = overrides.region ?? process.env.AWS_REGION ?? 'eu-central-1';
  const account = overrides.account ?? '123456789012';
  return {
    region,
    account,
    partition: 'aws',
    killSwitchParameter: config.guardRails.killSwitchParameter ?? `/chaos-cadence/${stackName}/kill-switch`,
    ...(config.guardRails.changeCalendar !== undefined
      ? { changeCalendar: config.guardRails.changeCalendar }
      : {}),
    allowedHours: config.guardRails.allowedHours,
    timeZone: config.cadence.timeZone,
    resultsBucket: `chaos-cadence-results-${account}-${region}`,
    topicArn: `arn:aws:sns:${region}:${account}:chaos-cadence-results`,
    dashboardName: stackName,
    stackName,
    runLockTable: `${stackName}-run-lock`,
    runLockSeconds: workflowTimeoutSeconds(buildRunConfig(config, loaded.hash)) + RUN_LOCK_MARGIN_SECONDS,
    ...overrides,
  };
}

/** A readable, sortable run id: `rehearsal-20261201T090000Z-web-cpu-80`. */
export function defaultRunId(now: Date, experiments: readonly string[]): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  const names = experiments.length > 0 ? experiments.join('-') : 'all';
  // Execution names: at most 80 characters of [A-Za-z0-9-_].
  return `rehearsal-${stamp}-${names}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 80);
}

/** The fake FIS template id a rehearsal gives an experiment (stable per name). */
export function rehearsalTemplateId(experimentName: string): string {
  return `EXT${createHash('sha256').update(experimentName).digest('hex').slice(0, 14)}`;
}

interface StateInfo {
  readonly name: string;
  readonly type: string;
  /** Wait states: `Seconds` or `SecondsPath`. */
  readonly seconds?: number;
  readonly secondsPath?: string;
}

/** The first state of every Map iteration and Parallel branch. */
function collectIterationStarts(definition: unknown, into: Set<string> = new Set()): Set<string> {
  const states = (definition as { States?: Record<string, Record<string, unknown>> }).States ?? {};
  for (const state of Object.values(states)) {
    const nested = [
      state.ItemProcessor ?? state.Iterator,
      ...((state.Branches as unknown[] | undefined) ?? []),
    ];
    for (const machine of nested) {
      if (!machine) continue;
      const startAt = (machine as { StartAt?: string }).StartAt;
      if (startAt) into.add(startAt);
      collectIterationStarts(machine, into);
    }
  }
  return into;
}

/** Every state name in a definition, Map and Parallel branches included. */
function collectStates(
  definition: unknown,
  into: Map<string, StateInfo> = new Map(),
): Map<string, StateInfo> {
  const states = (definition as { States?: Record<string, Record<string, unknown>> }).States ?? {};
  for (const [name, state] of Object.entries(states)) {
    into.set(name, {
      name,
      type: String(state.Type),
      ...(typeof state.Seconds === 'number' ? { seconds: state.Seconds } : {}),
      ...(typeof state.SecondsPath === 'string' ? { secondsPath: state.SecondsPath } : {}),
    });
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) collectStates(processor, into);
    for (const branch of (state.Branches as unknown[] | undefined) ?? []) collectStates(branch, into);
  }
  return into;
}

/** Reads a plain `$.a.b` path (all the Wait states use). */
function simplePath(data: unknown, path: string): unknown {
  let current: unknown = data;
  for (const key of path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function describeNonTask(
  event: { state: { input: unknown } },
  info: StateInfo | undefined,
  iterationStart: boolean,
): string {
  const input = event.state.input as Record<string, unknown> | null;
  if (info?.type === 'Wait') {
    const seconds = info.seconds ?? (info.secondsPath ? simplePath(input, info.secondsPath) : undefined);
    return typeof seconds === 'number' ? `wait ${seconds} s` : 'wait';
  }
  if (info?.type === 'Map') return 'experiments one at a time';
  const plan = input?.plan as { name?: string } | undefined;
  return iterationStart && plan?.name ? `experiment ${plan.name}` : '';
}

async function loadDefaultPublish(): Promise<PublishCore> {
  // The PublishResults core belongs to the results part; loaded lazily so engine tests need not render.
  const module = (await import('../../lambdas/publish-results/publish-results')) as {
    publishResults: PublishCore;
  };
  return module.publishResults;
}

/** The execution's input, as `chaos-cadence run` would send it. */
interface ExecutionInput {
  readonly experiments: readonly string[];
  readonly trigger: Trigger;
  readonly dryRun: boolean;
}

/** What a rehearsal runs: the execution's names and input, the plans, the definition with fake template ids. */
interface RehearsalPlan {
  readonly settings: WorkflowSettings;
  readonly runId: string;
  readonly machineName: string;
  readonly stateMachineArn: string;
  readonly executionArn: string;
  readonly runConfig: RunConfig;
  /** The FIS templates the deployment would create, by the fake ids the definition names. */
  readonly fisTemplates: Record<string, SimulatedFisTemplate>;
  readonly definition: Record<string, unknown>;
  readonly input: ExecutionInput;
}

/** Settings, names and ARNs of the execution; the definition rendered with fake FIS template ids. */
function planRehearsal(options: RehearsalOptions): RehearsalPlan {
  const { loaded, scenario } = options;
  const settings = rehearsalSettings(loaded, {
    cadencePeriods: cadencePeriods(loaded.config, scenario.now),
    ...options.settings,
  });
  const enabled = loaded.config.experiments.filter((e) => e.enabled).map((e) => e.name);
  const selected = options.experiments && options.experiments.length > 0 ? [...options.experiments] : enabled;
  const runId = options.runId ?? defaultRunId(scenario.now, selected);
  const machineName = options.stateMachineName ?? STATE_MACHINE_NAME;
  const arnPrefix = `arn:${settings.partition}:states:${settings.region}:${settings.account}`;

  // Fake template ids for the FIS experiments the deployment would create.
  const runConfig: RunConfig = buildRunConfig(loaded.config, loaded.hash);
  const substitutions: Record<string, string> = { ...localFunctionArns(settings.region, settings.account) };
  const fisTemplates: Record<string, SimulatedFisTemplate> = {};
  for (const plan of Object.values<ExperimentPlan>(runConfig.plans)) {
    if (plan.fault.kind !== 'fis') continue;
    const placeholder = `\${${templateIdSubstitutionKey(plan.name)}}`;
    const id = plan.fault.templateId === placeholder ? rehearsalTemplateId(plan.name) : plan.fault.templateId;
    substitutions[templateIdSubstitutionKey(plan.name)] = id;
    fisTemplates[id] = {
      durationSeconds: plan.fault.durationSeconds,
      ...(plan.fault.cpuStress ? { targetTags: plan.fault.cpuStress.targets.tags } : {}),
      description: plan.fault.scope,
    };
  }
  const rendered = options.definitionText ?? renderDefinition(runConfig);
  const withConfig = rendered.replace(RUN_CONFIG_TOKEN, () => JSON.stringify(runConfig));
  return {
    settings,
    runId,
    machineName,
    stateMachineArn: `${arnPrefix}:stateMachine:${machineName}`,
    executionArn: `${arnPrefix}:execution:${machineName}:${runId}`,
    runConfig,
    fisTemplates,
    definition: JSON.parse(substitute(withConfig, substitutions)) as Record<string, unknown>,
    input: {
      experiments: options.experiments ?? [],
      trigger: options.trigger ?? 'manual',
      dryRun: options.dryRun ?? false,
    },
  };
}

/** The simulated account on a virtual clock, the runtime the cores get, and who is calling. */
interface RehearsalWorld {
  readonly clock: VirtualClock;
  readonly account: SimulatedAccount;
  readonly runtime: Runtime;
  /** The caller of an AWS call (a Task state, `AbortOnEvent`, `Sweep`), told apart by async context. */
  readonly callers: AsyncLocalStorage<string>;
}

/**
 * The simulated account of the scenario, with EventBridge delivering stop-condition alarms and kill-switch
 * changes to abort-on-event as deployed, and the journals of earlier runs in its results bucket.
 */
function createWorld(options: RehearsalOptions, plan: RehearsalPlan): RehearsalWorld {
  const { settings, runConfig } = plan;
  const clock = new VirtualClock(options.scenario.now);
  const stopConditions = stopConditionsOf(runConfig);
  const callers = new AsyncLocalStorage<string>();
  // The account needs `deliver` and `deliver` needs the runtime built on the account: filled in below.
  const built: { runtime?: Runtime } = {};
  const deliver = async (event: AbortEvent): Promise<unknown> => {
    const runtimeNow = built.runtime;
    if (!runtimeNow) throw new Error('the rehearsal runtime is not ready');
    // The function runs while a Task may be polling: its calls are told apart by async context.
    return callers.run(ABORT_ON_EVENT_STATE, () => abortOnEvent(event, runtimeNow, { stopConditions }));
  };
  const account = createSimulatedAccount(options.scenario, clock, {
    settings,
    fisTemplates: plan.fisTemplates,
    ownExecutionArn: plan.executionArn,
    caller: () => callers.getStore(),
    events: {
      alarmNames: [...new Set(Object.values(stopConditions).flat())],
      killSwitchParameter: settings.killSwitchParameter,
      deliver,
    },
    stateMachine: {
      arn: plan.stateMachineArn,
      name: plan.machineName,
      definition: JSON.stringify(plan.definition),
    },
  });
  seedHistory(account, settings.resultsBucket, options.history ?? []);
  const runtime: Runtime = {
    clients: account.clients,
    settings,
    now: () => clock.now(),
    fetch: account.fetch,
  };
  built.runtime = runtime;
  return { clock, account, runtime, callers };
}

/** Puts the journals of earlier runs in the results bucket, as those runs would have left them. */
function seedHistory(account: SimulatedAccount, bucket: string, history: readonly RunJournal[]): void {
  for (const journal of history) {
    const modified = new Date(journal.endedAt);
    account.s3Objects.set(`${bucket}/${journalKeyOf(journal.runId, journal.startedAt)}`, {
      body: Buffer.from(`${JSON.stringify(journal, null, 2)}\n`, 'utf8'),
      contentType: 'application/json; charset=utf-8',
      lastModified: Number.isNaN(modified.getTime()) ? new Date(journal.startedAt) : modified,
    });
  }
}

/** Whether a task fault applies to an invocation (by its count), after `skip` and within `times`. */
function faultApplies(fault: TaskFault | undefined, invocation: number): fault is TaskFault {
  const affected = invocation - (fault?.skip ?? 0);
  return fault !== undefined && affected >= 1 && (fault.times === undefined || affected <= fault.times);
}

/**
 * The Task handlers aws-local-stepfunctions calls: each runs its core under its state's name (so its
 * AWS calls are attributed), applies the state's task fault, keeps the last result for the progress
 * line, and stops the execution after `abortAfterState` returned.
 */
class LocalTasks {
  /** By Task state name, for `taskResourceLocalHandlers`. */
  readonly handlers: Record<string, (input: never) => Promise<never>> = {};
  /** The last result of each Task state. */
  readonly lastResult = new Map<string, unknown>();
  /** Stops the execution (set once it runs). */
  abortExecution: (() => void) | undefined;
  private readonly invocations = new Map<string, number>();

  constructor(
    states: ReadonlyMap<string, StateInfo>,
    private readonly cores: Readonly<Record<string, TaskHandler>>,
    private readonly options: Pick<RehearsalOptions, 'taskFaults' | 'abortAfterState'>,
    callers: AsyncLocalStorage<string>,
  ) {
    for (const [name, info] of states) {
      if (info.type !== 'Task') continue;
      // Calls are told apart by async context: a handler still running after the execution ended (or
      // while abort-on-event runs) stays its own caller.
      this.handlers[name] = (input: never): Promise<never> => callers.run(name, () => this.run(name, input));
    }
  }

  private async run(name: string, input: never): Promise<never> {
    const count = (this.invocations.get(name) ?? 0) + 1;
    this.invocations.set(name, count);
    const fault = this.options.taskFaults?.[name];
    const faulty = faultApplies(fault, count);
    const injected = (): Error => {
      const error = new Error(`injected fault in ${name} (invocation ${count})`);
      error.name = fault?.error ?? 'Error';
      return error;
    };
    if (faulty && fault.mode === 'hang') return new Promise<never>(() => undefined);
    if (faulty && fault.mode === 'throw') throw injected();
    const core = this.cores[name];
    if (!core) throw new Error(`no local handler for Task state ${name}`);
    const result = await core(input);
    if (faulty && fault.mode === 'hang-after') return new Promise<never>(() => undefined);
    if (faulty && fault.mode === 'throw-after') throw injected();
    this.lastResult.set(name, result);
    if (name === this.options.abortAfterState) {
      const abort = this.abortExecution;
      this.abortExecution = undefined;
      setTimeout(() => abort?.(), 0);
    }
    return result as never;
  }
}

/** An execution event, as far as the progress lines read it. */
type ExecutionEvent = {
  readonly type: string;
  readonly timestamp: number;
  readonly state?: { readonly name: string; readonly input?: unknown; readonly output?: unknown };
  readonly Error?: string;
  readonly Cause?: unknown;
  readonly retry?: { readonly attempt: number };
};

/**
 * Turns the execution's event log into progress lines (a Task's when it returns, described by the
 * state that answered; a Choice's when the next state is entered, naming the branch), the states
 * visited and the largest payloads.
 */
class ProgressRecorder {
  readonly lines: ProgressLine[] = [];
  readonly statesVisited: string[] = [];
  private readonly byState: Record<string, { inputBytes: number; outputBytes: number }> = {};
  private largest = { bytes: 0, at: '' };
  private readonly entered = new Map<string, number>();
  private pendingChoice: ProgressLine | undefined;
  private readonly iterationStarts: ReadonlySet<string>;

  constructor(
    definition: unknown,
    private readonly states: ReadonlyMap<string, StateInfo>,
    private readonly clock: VirtualClock,
    private readonly lastResult: ReadonlyMap<string, unknown>,
    private readonly onProgress?: (line: ProgressLine) => void,
  ) {
    this.iterationStarts = collectIterationStarts(definition);
  }

  /** Writes a line now. */
  emit(line: ProgressLine): void {
    this.lines.push(line);
    this.onProgress?.(line);
  }

  /** Reads the whole event log (until the execution ends). */
  async read(events: AsyncIterable<ExecutionEvent>): Promise<void> {
    for await (const event of events) this.record(event);
    this.flushChoice();
  }

  /** The largest state payloads seen. */
  payloads(): PayloadSizes {
    return { largestBytes: this.largest.bytes, largestAt: this.largest.at, byState: this.byState };
  }

  private record(event: ExecutionEvent): void {
    const state = event.state?.name;
    if (state === undefined) return;
    const at = this.secondsOf(event.timestamp);
    if (event.type === 'StateEntered') {
      this.measure(state, 'input', event.state?.input);
      this.flushChoice(state);
      this.statesVisited.push(state);
      const info = this.states.get(state);
      const detail = describeNonTask(
        { state: { input: event.state?.input } },
        info,
        this.iterationStarts.has(state),
      );
      const line = { atSeconds: at, state, detail };
      if (info?.type === 'Task') this.entered.set(state, event.timestamp);
      else if (info?.type === 'Choice') this.pendingChoice = line;
      else this.emit(line);
    } else if (event.type === 'StateExited') {
      this.measure(state, 'output', event.state?.output);
      // Written when the Task returns: its time is when the finding was made, by the state that made it.
      if (this.entered.delete(state)) {
        this.emit({ atSeconds: at, state, detail: describeTaskResult(state, this.lastResult.get(state)) });
      }
    } else if (event.type === 'StateFailed' && this.entered.delete(state)) {
      const detail = `failed: ${describeError({ Error: event.Error ?? 'Error', Cause: event.Cause })}`;
      this.emit({ atSeconds: at, state, detail });
    } else if (event.type === 'StateRetried') {
      this.emit({ atSeconds: at, state, detail: `retry #${event.retry?.attempt ?? 0}` });
    }
  }

  /** A Choice's line names the branch taken, so it is written when the next state is entered. */
  private flushChoice(next?: string): void {
    if (!this.pendingChoice) return;
    const line = this.pendingChoice;
    this.pendingChoice = undefined;
    this.emit(next ? { ...line, detail: line.detail ? `${line.detail} → ${next}` : `→ ${next}` } : line);
  }

  private measure(state: string, which: 'input' | 'output', data: unknown): void {
    const bytes = Buffer.byteLength(JSON.stringify(data ?? null), 'utf8');
    const entry = (this.byState[state] ??= { inputBytes: 0, outputBytes: 0 });
    if (which === 'input') entry.inputBytes = Math.max(entry.inputBytes, bytes);
    else entry.outputBytes = Math.max(entry.outputBytes, bytes);
    if (bytes > this.largest.bytes) this.largest = { bytes, at: `${state} ${which}` };
  }

  private secondsOf(timestamp: number): number {
    return Math.round((timestamp - this.clock.startMs) / 100) / 10;
  }
}

/**
 * Runs `body` with `Math.random` seeded from `seed`, then puts the real one back. Retry jitter
 * (JitterStrategy FULL) draws `Math.random` inside aws-local-stepfunctions, which takes no random
 * source of its own (3.0.0: `getRandomNumber(min, max, rng = Math.random)` is called without one), so
 * this is the only way a rehearsal of the same scenario makes the same calls at the same virtual times.
 * Our own code takes its random source as a parameter (e.g. `selectTargets`).
 */
async function withSeededRetryJitter<T>(seed: string, body: () => Promise<T>): Promise<T> {
  const realRandom = Math.random;
  Math.random = seededRandom(seed);
  try {
    return await body();
  } finally {
    Math.random = realRandom;
  }
}

/** How the execution ended: its status, and its output or error. */
interface ExecutionEnd {
  readonly status: RehearsalStatus;
  readonly output?: unknown;
  readonly error?: { readonly error: string; readonly cause: string };
}

/** The end of an execution that threw: TIMED_OUT, ABORTED or FAILED, with the error's name and cause. */
function endOf(failure: unknown): ExecutionEnd {
  const err = failure instanceof Error ? failure : new Error(String(failure));
  const status: RehearsalStatus =
    err.name === 'ExecutionTimeoutError'
      ? 'TIMED_OUT'
      : err.name === 'ExecutionAbortedError'
        ? 'ABORTED'
        : 'FAILED';
  const cause = (err as { cause?: unknown }).cause;
  return {
    status,
    error: {
      error: (cause as { name?: string } | undefined)?.name ?? err.name,
      cause: (cause as { message?: string } | undefined)?.message ?? err.message,
    },
  };
}

/** The definitions asl-validator passed in this process, as JSON. */
const validDefinitions = new Set<string>();

/**
 * The state machine of a definition. aws-local-stepfunctions validates a definition with asl-validator
 * each time it builds a machine (a new ajv instance compiling the ASL schemas, about 0.1 s): the same
 * definition is validated once per process.
 */
function stateMachineOf(definition: unknown): StateMachine {
  const json = JSON.stringify(definition);
  const validated = validDefinitions.has(json);
  const machine = new StateMachine(definition as never, {
    validationOptions: validated ? { noValidate: true } : { checkArn: false, checkPaths: true },
  });
  validDefinitions.add(json);
  return machine;
}

/**
 * Runs the definition with aws-local-stepfunctions on the virtual clock, until it ends and its event
 * log is read. A stalled run (nothing scheduled, no I/O) is aborted and rethrown.
 */
async function executeWorkflow(
  options: RehearsalOptions,
  plan: RehearsalPlan,
  world: RehearsalWorld,
  tasks: LocalTasks,
  recorder: ProgressRecorder,
): Promise<ExecutionEnd> {
  const { clock, account } = world;
  const machine = stateMachineOf(plan.definition);
  const execution = machine.run(plan.input as never, {
    overrides: { taskResourceLocalHandlers: tasks.handlers as never },
    context: {
      Execution: {
        Id: plan.executionArn,
        Name: plan.runId,
        StartTime: options.scenario.now.toISOString(),
        Input: plan.input as never,
        RoleArn: `arn:aws:iam::${plan.settings.account}:role/${plan.machineName}-role`,
      },
      StateMachine: { Id: plan.stateMachineArn, Name: plan.machineName },
    },
  });
  tasks.abortExecution = () => execution.abort();
  if (options.abortAtSeconds !== undefined)
    setTimeout(() => execution.abort(), options.abortAtSeconds * 1000);
  const reading = recorder.read(execution.eventLogs as AsyncIterable<ExecutionEvent>);
  let end: ExecutionEnd;
  try {
    end = {
      status: 'SUCCEEDED',
      output: await clock.drive(
        execution.result,
        options.stallMs !== undefined ? { stallMs: options.stallMs } : {},
      ),
    };
  } catch (failure) {
    if (failure instanceof Error && failure.name === 'RehearsalStalledError') {
      execution.abort();
      throw failure;
    }
    end = endOf(failure);
  }
  await clock.drive(
    reading.catch(() => undefined),
    { stallMs: 1000 },
  );
  if (account.eventBus) await clock.drive(account.eventBus.settled(), { stallMs: 1000 });
  return end;
}

/**
 * The backstop, as its EventBridge rule runs it after an execution that did not succeed: the sweep
 * under its own name, then PublishResults (its on-success destination) under its own.
 */
async function sweepAfter(
  options: RehearsalOptions,
  plan: RehearsalPlan,
  world: RehearsalWorld,
  status: RehearsalStatus,
  publish: PublishCore,
): Promise<SweepOutcome> {
  const { clock, runtime, callers } = world;
  const event: ExecutionStatusChangeEvent = {
    source: 'aws.states',
    'detail-type': 'Step Functions Execution Status Change',
    detail: {
      executionArn: plan.executionArn,
      stateMachineArn: plan.stateMachineArn,
      name: plan.runId,
      status,
      startDate: options.scenario.now.getTime(),
      stopDate: clock.nowMs(),
      input: JSON.stringify(plan.input),
    },
  };
  const secondSearchAfterSeconds =
    typeof options.sweep === 'object' ? options.sweep.secondSearchAfterSeconds : undefined;
  const swept = async (): Promise<SweepOutcome> => {
    const outcome = await callers.run(SWEEP_CALLER, () =>
      sweepRun(event, runtime, {
        // As deployed: the services the stack's faults run through.
        faultServices: [...new Set(Object.values(plan.runConfig.plans).map((p) => p.fault.kind))],
        ...(secondSearchAfterSeconds !== undefined ? { secondSearchAfterSeconds } : {}),
      }),
    );
    // The sweep's on-success destination: PublishResults, under its own role.
    await callers.run('PublishResults', () => publish(outcome.publish, runtime));
    return outcome;
  };
  return clock.drive(swept(), options.stallMs !== undefined ? { stallMs: options.stallMs } : {});
}

/** What the run left in the account: the journal, the report, the email and the metrics. */
function publishedOutputs(
  account: SimulatedAccount,
  bucket: string,
  runId: string,
  output: unknown,
): Pick<RehearsalResult, 'journal' | 'reportHtml' | 'emailSubject' | 'emailText' | 'metrics'> {
  const published = (output as { published?: PublishOutput } | undefined)?.published;
  const journalKey =
    published?.journalKey ??
    findKey(account, bucket, (k) => k.startsWith('runs/') && k.endsWith(`${runId}.json`));
  const reportKey = published?.reportKey ?? findKey(account, bucket, (k) => k.endsWith('.html'));
  const journalText = journalKey ? account.getObjectText(bucket, journalKey) : undefined;
  const reportHtml = reportKey ? account.getObjectText(bucket, reportKey) : undefined;
  const email = account.snsMessages[0];
  return {
    ...(journalText !== undefined ? { journal: publishedJournal(journalText, journalKey) } : {}),
    ...(reportHtml !== undefined ? { reportHtml } : {}),
    ...(email?.subject !== undefined ? { emailSubject: email.subject } : {}),
    ...(email ? { emailText: email.message } : {}),
    ...(account.putMetrics.length > 0 ? { metrics: account.putMetrics } : {}),
  };
}

/**
 * Runs the real workflow (`state-machines/run-experiments.asl.json`) with aws-local-stepfunctions and
 * the real handler cores against a simulated account, on a virtual clock: a 6-minute fault rehearses
 * in well under a second of virtual-clock driving. The clock is always uninstalled, even on errors.
 */
export async function runRehearsal(options: RehearsalOptions): Promise<RehearsalResult> {
  const wallStart = performance.now();
  const plan = planRehearsal(options);
  const states = collectStates(plan.definition);
  const world = createWorld(options, plan);
  const publish = options.publish ?? (await loadDefaultPublish());
  const cores = options.taskHandlers
    ? { ...options.taskHandlers }
    : createTaskHandlers(world.runtime, publish);
  const tasks = new LocalTasks(states, cores, options, world.callers);
  const recorder = new ProgressRecorder(
    plan.definition,
    states,
    world.clock,
    tasks.lastResult,
    options.onProgress,
  );

  let end: ExecutionEnd;
  let sweep: SweepOutcome | undefined;
  let virtualSeconds = 0;
  world.clock.install();
  try {
    ({ end, sweep } = await withSeededRetryJitter(plan.runId, async () => {
      const ended = await executeWorkflow(options, plan, world, tasks, recorder);
      if (!options.sweep || ended.status === 'SUCCEEDED') return { end: ended, sweep: undefined };
      const swept = await sweepAfter(options, plan, world, ended.status, publish);
      recorder.emit({
        atSeconds: world.clock.elapsedSeconds(),
        state: SWEEP_CALLER,
        detail: describeSweep(swept),
      });
      return { end: ended, sweep: swept };
    }));
  } finally {
    virtualSeconds = world.clock.elapsedSeconds();
    world.clock.uninstall();
    // An enabled AsyncLocalStorage stays on every promise of the process (Node's async hooks) until it
    // is disabled: left on, each rehearsal would slow every later one in the same process.
    world.callers.disable();
  }

  const { account } = world;
  return {
    runId: plan.runId,
    executionArn: plan.executionArn,
    status: end.status,
    output: end.output,
    ...(end.error ? { error: end.error } : {}),
    statesVisited: recorder.statesVisited,
    progress: recorder.lines,
    calls: account.calls,
    callStates: account.calls.map((call) => call.caller),
    payloads: recorder.payloads(),
    account,
    settings: plan.settings,
    ...publishedOutputs(account, plan.settings.resultsBucket, plan.runId, end.output),
    ...(sweep ? { sweep } : {}),
    wallMs: Math.round(performance.now() - wallStart),
    virtualSeconds,
  };
}

function findKey(
  account: SimulatedAccount,
  bucket: string,
  test: (key: string) => boolean,
): string | undefined {
  const prefix = `${bucket}/`;
  for (const key of account.s3Objects.keys()) {
    if (key.startsWith(prefix) && test(key.slice(prefix.length))) return key.slice(prefix.length);
  }
  return undefined;
}

/** The files {@link writeRehearsalFiles} writes, by name. */
export interface RehearsalFiles {
  readonly dir: string;
  readonly files: readonly string[];
}

/**
 * Writes `<outDir>/<runId>/`: `journal.json`, `report.html`, `email.txt`, `metrics.json` and
 * `calls.json` (every AWS call, in order, with its parameters).
 */
export function writeRehearsalFiles(result: RehearsalResult, outDir: string): RehearsalFiles {
  const dir = join(outDir, result.runId);
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const write = (name: string, text: string): void => {
    writeFileSync(join(dir, name), text);
    files.push(join(dir, name));
  };
  if (result.journal) write('journal.json', `${JSON.stringify(result.journal, null, 2)}\n`);
  if (result.reportHtml !== undefined) write('report.html', result.reportHtml);
  if (result.emailText !== undefined) {
    write('email.txt', `Subject: ${result.emailSubject ?? ''}\n\n${result.emailText}\n`);
  }
  write('metrics.json', `${JSON.stringify(result.metrics ?? [], null, 2)}\n`);
  write('calls.json', `${JSON.stringify(result.calls, null, 2)}\n`);
  return { dir, files };
}

/**
 * The journals earlier rehearsals wrote to `outDir` (`<outDir>/<run id>/journal.json`), so
 * consecutive rehearsals build a history. Folders without a readable journal are passed over.
 */
export function readRehearsalHistory(outDir: string): RunJournal[] {
  if (!existsSync(outDir)) return [];
  const journals: RunJournal[] = [];
  for (const entry of readdirSync(outDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const file = join(outDir, entry.name, 'journal.json');
    if (!existsSync(file)) continue;
    const journal = parseRunJournal(readFileSync(file, 'utf8'));
    if (journal) journals.push(journal);
  }
  return journals.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

/** The journal PublishResults wrote, read through the journal's zod schema: a rehearsal fails on an invalid one. */
function publishedJournal(text: string, key: string | undefined): RunJournal {
  const reading = readRunJournalText(text);
  if ('problem' in reading)
    throw new Error(`the journal ${key ?? ''} is not a valid run journal: ${reading.problem}`);
  return reading.journal;
}

import '../util/polyfills';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import type { Runtime, WorkflowSettings } from '../../lambdas/shared/aws';
import type { ExperimentPlan, PublishOutput, RunConfig, RunJournal, Trigger } from '../../lambdas/shared/types';
import type { LoadedConfig } from '../config/load';
import { buildRunConfig, templateIdSubstitutionKey } from '../config/plan';
import { cadencePeriods } from '../cadence/period';
import { journalKey as journalKeyOf } from '../../lambdas/shared/render/journal';
import { parseRunJournal, readRunJournalText } from '../../lambdas/shared/resilience/journals';
import { RUN_LOCK_MARGIN_SECONDS } from '../../lambdas/check-guard-rails/run-lock';
import { localFunctionArns, renderDefinition, substitute, workflowTimeoutSeconds } from '../workflow/definition';
import { createTaskHandlers, type PublishCore, type TaskHandler } from '../workflow/task-handlers';
import { abortOnEvent, stopConditionsOf, type AbortEvent } from '../../lambdas/abort-on-event/abort-on-event';
import { seededRandom } from '../../lambdas/shared/random';
import { sweepRun, type ExecutionStatusChangeEvent, type SweepOutcome } from '../../lambdas/stop-fault/sweep';
import { VirtualClock } from './clock';
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

/** One progress line: the time in the run, the state entered, a short detail. */
export interface ProgressLine {
  readonly atSeconds: number;
  readonly state: string;
  readonly detail: string;
}

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

/** Who made the calls of the backstop sweep (no Task state of the workflow). */
export const SWEEP_CALLER = 'Sweep';

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

/** What `callStates` names the calls of the abort-on-event function (it is no Task state). */
export const ABORT_ON_EVENT_STATE = 'AbortOnEvent';

/**
 * The settings a rehearsal uses: the config's guard rails and time zone, placeholder resources, and a
 * run lock leased like the deployment's (the workflow's timeout plus a margin).
 */
export function rehearsalSettings(loaded: LoadedConfig, overrides: Partial<WorkflowSettings> = {}): WorkflowSettings {
  const { config } = loaded;
  const stackName = overrides.stackName ?? 'ChaosCadence';
  const region = overrides.region ?? process.env.AWS_REGION ?? 'eu-central-1';
  const account = overrides.account ?? '123456789012';
  return {
    region,
    account,
    partition: 'aws',
    killSwitchParameter: config.guardRails.killSwitchParameter ?? `/chaos-cadence/${stackName}/kill-switch`,
    ...(config.guardRails.changeCalendar !== undefined ? { changeCalendar: config.guardRails.changeCalendar } : {}),
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
  const stamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  const names = experiments.length > 0 ? experiments.join('-') : 'all';
  // Execution names: at most 80 characters of [A-Za-z0-9-_].
  return `rehearsal-${stamp}-${names}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 80);
}

/** The fake FIS template id a rehearsal gives an experiment (stable per name). */
export function rehearsalTemplateId(experimentName: string): string {
  return `EXT${createHash('sha256').update(experimentName).digest('hex').slice(0, 14)}`;
}

interface TaskStateInfo {
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
    const nested = [state.ItemProcessor ?? state.Iterator, ...((state.Branches as unknown[] | undefined) ?? [])];
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
function collectStates(definition: unknown, into: Map<string, TaskStateInfo> = new Map()): Map<string, TaskStateInfo> {
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

/** A short line (at most 160 characters) about what a Task found, from the shapes the cores return. */
export function describeTaskResult(result: unknown): string {
  return shorten(describeResultShape(result));
}

function describeResultShape(result: unknown): string {
  if (result === null || typeof result !== 'object') return '';
  const r = result as Record<string, unknown>;
  if (typeof r.allowed === 'boolean') {
    const names = Array.isArray(r.experiments)
      ? (r.experiments as { name?: string }[]).map((e) => e.name).join(', ')
      : '';
    return r.allowed ? `allowed: ${names}` : `not allowed: ${typeof r.reason === 'string' ? r.reason : ''}`;
  }
  if (typeof r.steady === 'boolean' && Array.isArray(r.probes)) {
    const bad = (r.probes as { ok: boolean; id: string; observed: string }[]).filter((p) => !p.ok);
    const phase = `${String(r.phase)} #${String(r.attempt)}`;
    return r.steady ? `steady (${phase})` : `not steady (${phase}): ${bad.map((p) => `${p.id} ${p.observed}`).join('; ')}`;
  }
  if (typeof r.steady === 'boolean' && Array.isArray(r.checks)) {
    const checks = r.checks as { probes: { ok: boolean; id: string; observed: string }[] }[];
    const last = checks[checks.length - 1];
    const bad = (last?.probes ?? []).filter((p) => !p.ok);
    if (r.steady) return `steady again (check ${checks.length})`;
    const failing = bad.map((p) => `${p.id} ${p.observed}`).join('; ');
    return `not steady (check ${checks.length})${r.again ? `, re-check in ${String(r.waitSeconds)} s` : ', recovery window over'}: ${failing}`;
  }
  if (typeof r.action === 'string' && typeof r.detail === 'string') return `${r.action}: ${r.detail}`;
  if (r.confirmation === 'not-confirmed') return `stop requested, not confirmed: ${String(r.checkCommand)}`;
  if (typeof r.confirmedState === 'string') return `fault ${r.confirmedState}${r.alreadyEnded ? ' (had already ended)' : ''}`;
  if (typeof r.outcome === 'string') return `${r.outcome.toUpperCase()}: ${typeof r.reason === 'string' ? r.reason : ''}`;
  if (typeof r.journalKey === 'string') return `journal ${r.journalKey}`;
  if (typeof r.kind === 'string' && typeof r.id === 'string' && typeof r.state === 'string') {
    return `${r.kind} ${r.id} ${r.state}${r.dryRun ? ' (dry run)' : ''}`;
  }
  const fault = r.fault as Record<string, unknown> | null | undefined;
  if (fault && typeof fault.id === 'string') return `${String(fault.kind)} ${fault.id} ${String(fault.state)}`;
  return '';
}

/** Reads a plain `$.a.b` path (all the Wait states use). */
function simplePath(data: unknown, path: string): unknown {
  let current: unknown = data;
  for (const key of path.replace(/^\$\.?/, '').split('.').filter(Boolean)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function shorten(text: string, max = 160): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

function describeError(event: { Error: string; Cause: unknown }): string {
  const cause = typeof event.Cause === 'string' ? event.Cause : (event.Cause as { message?: string } | null)?.message;
  const text = cause && cause !== event.Error ? `${event.Error} (${cause})` : event.Error;
  return shorten(text);
}

function describeNonTask(
  event: { state: { input: unknown } },
  info: TaskStateInfo | undefined,
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
  const module = (await import('../../lambdas/publish-results/publish-results')) as { publishResults: PublishCore };
  return module.publishResults;
}

/**
 * Runs the real workflow (`state-machines/run-experiments.asl.json`) with aws-local-stepfunctions and
 * the real handler cores against a simulated account, on a virtual clock: a 6-minute fault rehearses
 * in well under a second of virtual-clock driving. The clock is always uninstalled, even on errors.
 */
export async function runRehearsal(options: RehearsalOptions): Promise<RehearsalResult> {
  const wallStart = performance.now();
  const { loaded, scenario } = options;
  const settings = rehearsalSettings(loaded, {
    cadencePeriods: cadencePeriods(loaded.config, scenario.now),
    ...options.settings,
  });
  const enabled = loaded.config.experiments.filter((e) => e.enabled).map((e) => e.name);
  const selected = options.experiments && options.experiments.length > 0 ? [...options.experiments] : enabled;
  const runId = options.runId ?? defaultRunId(scenario.now, selected);
  const machineName = options.stateMachineName ?? STATE_MACHINE_NAME;
  const stateMachineArn = `arn:${settings.partition}:states:${settings.region}:${settings.account}:stateMachine:${machineName}`;
  const executionArn = `arn:${settings.partition}:states:${settings.region}:${settings.account}:execution:${machineName}:${runId}`;

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
  const definition = JSON.parse(substitute(rendered.replace('"${RunConfig}"', () => JSON.stringify(runConfig)), substitutions)) as Record<string, unknown>;
  const states = collectStates(definition);
  const iterationStarts = collectIterationStarts(definition);

  const clock = new VirtualClock(scenario.now);
  // EventBridge -> abort-on-event, as deployed: the stop-condition alarms of every plan, the kill switch.
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
  const account = createSimulatedAccount(scenario, clock, {
    settings,
    fisTemplates,
    ownExecutionArn: executionArn,
    caller: () => callers.getStore(),
    events: {
      alarmNames: [...new Set(Object.values(stopConditions).flat())],
      killSwitchParameter: settings.killSwitchParameter,
      deliver,
    },
    stateMachine: { arn: stateMachineArn, name: machineName, definition: JSON.stringify(definition) },
  });
  for (const journal of options.history ?? []) {
    const modified = new Date(journal.endedAt);
    account.s3Objects.set(`${settings.resultsBucket}/${journalKeyOf(journal.runId, journal.startedAt)}`, {
      body: Buffer.from(`${JSON.stringify(journal, null, 2)}\n`, 'utf8'),
      contentType: 'application/json; charset=utf-8',
      lastModified: Number.isNaN(modified.getTime()) ? new Date(journal.startedAt) : modified,
    });
  }
  const runtime: Runtime = { clients: account.clients, settings, now: () => clock.now(), fetch: account.fetch };
  built.runtime = runtime;

  const publish = options.publish ?? (await loadDefaultPublish());
  const handlers: Record<string, TaskHandler> = options.taskHandlers
    ? { ...options.taskHandlers }
    : createTaskHandlers(runtime, publish);
  let abortExecution: (() => void) | undefined;
  const lastResult = new Map<string, unknown>();
  const invocations = new Map<string, number>();
  const localHandlers: Record<string, (input: never) => Promise<never>> = {};
  for (const [name, info] of states) {
    if (info.type !== 'Task') continue;
    const handler = handlers[name];
    // Calls are told apart by async context: a handler still running after the execution ended (or
    // while abort-on-event runs) stays its own caller.
    localHandlers[name] = (input: never): Promise<never> => callers.run(name, () => runTask(input));
    const runTask = async (input: never): Promise<never> => {
      const count = (invocations.get(name) ?? 0) + 1;
      invocations.set(name, count);
      const fault = options.taskFaults?.[name];
      const affected = count - (fault?.skip ?? 0);
      const faulty = fault !== undefined && affected >= 1 && (fault.times === undefined || affected <= fault.times);
      const injected = (): Error => {
        const error = new Error(`injected fault in ${name} (invocation ${count})`);
        error.name = fault?.error ?? 'Error';
        return error;
      };
      if (fault && faulty && (fault.mode === 'hang' || fault.mode === 'throw')) {
        if (fault.mode === 'hang') return new Promise<never>(() => undefined);
        throw injected();
      }
      if (!handler) throw new Error(`no local handler for Task state ${name}`);
      const result = await handler(input);
      if (faulty && fault?.mode === 'hang-after') return new Promise<never>(() => undefined);
      if (faulty && fault?.mode === 'throw-after') throw injected();
      lastResult.set(name, result);
      if (name === options.abortAfterState) {
        const abort = abortExecution;
        abortExecution = undefined;
        setTimeout(() => abort?.(), 0);
      }
      return result as never;
    };
  }

  const progress: ProgressLine[] = [];
  const statesVisited: string[] = [];
  const emit = (line: ProgressLine): void => {
    progress.push(line);
    options.onProgress?.(line);
  };
  const secondsOf = (timestamp: number): number => Math.round((timestamp - clock.startMs) / 100) / 10;
  const payloadByState: Record<string, { inputBytes: number; outputBytes: number }> = {};
  let largest = { bytes: 0, at: '' };
  const measure = (state: string, which: 'input' | 'output', data: unknown): void => {
    const bytes = Buffer.byteLength(JSON.stringify(data ?? null), 'utf8');
    const entry = (payloadByState[state] ??= { inputBytes: 0, outputBytes: 0 });
    if (which === 'input') entry.inputBytes = Math.max(entry.inputBytes, bytes);
    else entry.outputBytes = Math.max(entry.outputBytes, bytes);
    if (bytes > largest.bytes) largest = { bytes, at: `${state} ${which}` };
  };

  const input = {
    experiments: options.experiments ?? [],
    trigger: options.trigger ?? 'manual',
    dryRun: options.dryRun ?? false,
  };

  let status: RehearsalStatus = 'SUCCEEDED';
  let sweep: SweepOutcome | undefined;
  let virtualSeconds = 0;
  let output: unknown;
  let error: { error: string; cause: string } | undefined;
  clock.install();
  // Retry jitter (JitterStrategy FULL) draws Math.random: seed it from the run id so a rehearsal
  // of the same scenario makes the same calls at the same virtual times.
  const realRandom = Math.random;
  Math.random = seededRandom(runId);
  try {
    const machine = new StateMachine(definition as never, {
      validationOptions: { checkArn: false, checkPaths: true },
    });
    const execution = machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: localHandlers as never },
      context: {
        Execution: {
          Id: executionArn,
          Name: runId,
          StartTime: scenario.now.toISOString(),
          Input: input as never,
          RoleArn: `arn:aws:iam::${settings.account}:role/${machineName}-role`,
        },
        StateMachine: { Id: stateMachineArn, Name: machineName },
      },
    });
    abortExecution = () => execution.abort();
    if (options.abortAtSeconds !== undefined) setTimeout(() => execution.abort(), options.abortAtSeconds * 1000);
    const entered = new Map<string, number>();
    // A Choice's line names the branch taken, so it is written when the next state is entered.
    let pendingChoice: ProgressLine | undefined;
    const flushChoice = (next?: string): void => {
      if (!pendingChoice) return;
      const line = pendingChoice;
      pendingChoice = undefined;
      emit(next ? { ...line, detail: line.detail ? `${line.detail} → ${next}` : `→ ${next}` } : line);
    };
    const readLogs = (async () => {
      for await (const event of execution.eventLogs) {
        if (event.type === 'StateEntered') measure(event.state.name, 'input', event.state.input);
        if (event.type === 'StateExited') measure(event.state.name, 'output', event.state.output);
        if (event.type === 'StateEntered') {
          flushChoice(event.state.name);
          statesVisited.push(event.state.name);
          const info = states.get(event.state.name);
          const line = {
            atSeconds: secondsOf(event.timestamp),
            state: event.state.name,
            detail: describeNonTask(event, info, iterationStarts.has(event.state.name)),
          };
          if (info?.type === 'Task') entered.set(event.state.name, event.timestamp);
          else if (info?.type === 'Choice') pendingChoice = line;
          else emit(line);
        } else if (event.type === 'StateExited' && entered.has(event.state.name)) {
          // Written when the Task returns: its time is when the finding was made.
          entered.delete(event.state.name);
          const detail = describeTaskResult(lastResult.get(event.state.name));
          emit({ atSeconds: secondsOf(event.timestamp), state: event.state.name, detail });
        } else if (event.type === 'StateFailed' && entered.has(event.state.name)) {
          entered.delete(event.state.name);
          emit({ atSeconds: secondsOf(event.timestamp), state: event.state.name, detail: `failed: ${describeError(event)}` });
        } else if (event.type === 'StateRetried') {
          const detail = `retry #${event.retry.attempt}`;
          emit({ atSeconds: secondsOf(event.timestamp), state: event.state.name, detail });
        }
      }
      flushChoice();
    })();
    try {
      output = await clock.drive(execution.result, options.stallMs !== undefined ? { stallMs: options.stallMs } : {});
    } catch (failure) {
      const err = failure instanceof Error ? failure : new Error(String(failure));
      if (err.name === 'RehearsalStalledError') {
        execution.abort();
        throw err;
      }
      status =
        err.name === 'ExecutionTimeoutError'
          ? 'TIMED_OUT'
          : err.name === 'ExecutionAbortedError'
            ? 'ABORTED'
            : 'FAILED';
      const cause = (err as { cause?: unknown }).cause;
      error = {
        error: (cause as { name?: string } | undefined)?.name ?? err.name,
        cause: (cause as { message?: string } | undefined)?.message ?? err.message,
      };
    }
    await clock.drive(readLogs.catch(() => undefined), { stallMs: 1000 });
    if (account.eventBus) await clock.drive(account.eventBus.settled(), { stallMs: 1000 });
    if (options.sweep && status !== 'SUCCEEDED') {
      const event: ExecutionStatusChangeEvent = {
        source: 'aws.states',
        'detail-type': 'Step Functions Execution Status Change',
        detail: {
          executionArn,
          stateMachineArn,
          name: runId,
          status,
          startDate: scenario.now.getTime(),
          stopDate: clock.nowMs(),
          input: JSON.stringify(input),
        },
      };
      const secondSearchAfterSeconds = typeof options.sweep === 'object' ? options.sweep.secondSearchAfterSeconds : undefined;
      const swept = async (): Promise<SweepOutcome> => {
        const outcome = await callers.run(SWEEP_CALLER, () =>
          sweepRun(event, runtime, {
            // As deployed: the services the stack's faults run through.
            faultServices: [...new Set(Object.values(runConfig.plans).map((p) => p.fault.kind))],
            ...(secondSearchAfterSeconds !== undefined ? { secondSearchAfterSeconds } : {}),
          }),
        );
        // The sweep's on-success destination: PublishResults, under its own role.
        await callers.run('PublishResults', () => publish(outcome.publish, runtime));
        return outcome;
      };
      sweep = await clock.drive(swept(), options.stallMs !== undefined ? { stallMs: options.stallMs } : {});
      emit({ atSeconds: clock.elapsedSeconds(), state: 'Sweep', detail: describeSweep(sweep) });
    }
  } finally {
    virtualSeconds = clock.elapsedSeconds();
    clock.uninstall();
    Math.random = realRandom;
  }

  const published = (output as { published?: PublishOutput } | undefined)?.published;
  const journalKey = published?.journalKey ?? findKey(account, settings.resultsBucket, (k) => k.startsWith('runs/') && k.endsWith(`${runId}.json`));
  const reportKey = published?.reportKey ?? findKey(account, settings.resultsBucket, (k) => k.endsWith('.html'));
  const journalText = journalKey ? account.getObjectText(settings.resultsBucket, journalKey) : undefined;
  const reportHtml = reportKey ? account.getObjectText(settings.resultsBucket, reportKey) : undefined;
  const email = account.snsMessages[0];

  return {
    runId,
    executionArn,
    status,
    output,
    ...(error ? { error } : {}),
    statesVisited,
    progress,
    calls: account.calls,
    callStates: account.calls.map((call) => call.caller),
    payloads: { largestBytes: largest.bytes, largestAt: largest.at, byState: payloadByState },
    account,
    settings,
    ...(journalText !== undefined ? { journal: publishedJournal(journalText, journalKey) } : {}),
    ...(reportHtml !== undefined ? { reportHtml } : {}),
    ...(email?.subject !== undefined ? { emailSubject: email.subject } : {}),
    ...(email ? { emailText: email.message } : {}),
    ...(account.putMetrics.length > 0 ? { metrics: account.putMetrics } : {}),
    ...(sweep ? { sweep } : {}),
    wallMs: Math.round(performance.now() - wallStart),
    virtualSeconds,
  };
}

/** The sweep's progress line: what it stopped and what it did with the run lock. */
function describeSweep(outcome: SweepOutcome): string {
  const stopped = outcome.stopped.length > 0 ? `stopped ${outcome.stopped.join(', ')}` : 'no fault of the run still running';
  return shorten(`${stopped}; ${outcome.runLock.detail}`);
}

function findKey(account: SimulatedAccount, bucket: string, test: (key: string) => boolean): string | undefined {
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

/** The journal PublishResults wrote, read through the journal's zod schema: a rehearsal fails on an invalid one. */
function publishedJournal(text: string, key: string | undefined): RunJournal {
  const reading = readRunJournalText(text);
  if ('problem' in reading) throw new Error(`the journal ${key ?? ''} is not a valid run journal: ${reading.problem}`);
  return reading.journal;
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

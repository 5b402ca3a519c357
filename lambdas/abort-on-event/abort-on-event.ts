import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { RUN_LOCK_KEY, parseLockItem } from '../check-guard-rails/run-lock';
import { killSwitchOn, observeFault } from '../poll-stop-conditions/poll-stop-conditions';
import { sleep } from '../poll-stop-conditions/sleep';
import type { Runtime } from '../shared/aws';
import { awsCall } from '../shared/errors';
import {
  EXPERIMENT_TAG,
  findRunCommands,
  findRunExperiments,
  runCommentPrefix,
  toFaultState,
} from '../shared/faults';
import { checkCommand, confirmStop, requestStop } from '../shared/stop';
import { recordStop } from '../shared/stop-records';
import type { FaultRef, RunConfig, StopReason } from '../shared/types';
import { hasFaultEnded, SSM_INJECTING_STATUSES } from '../shared/vocabulary';

/** "CloudWatch Alarm State Change" (the fields read). */
export interface AlarmStateChangeEvent {
  readonly source: 'aws.cloudwatch';
  readonly 'detail-type': 'CloudWatch Alarm State Change';
  readonly time: string;
  readonly detail: {
    readonly alarmName: string;
    readonly state: { readonly value: string; readonly timestamp?: string; readonly reason?: string };
    readonly previousState?: { readonly value: string };
  };
}

/** "Parameter Store Change" (the fields read). */
export interface ParameterStoreChangeEvent {
  readonly source: 'aws.ssm';
  readonly 'detail-type': 'Parameter Store Change';
  readonly time: string;
  readonly detail: { readonly name: string; readonly operation: string; readonly type?: string };
}

/** The events the abort-on-event rules deliver. */
export type AbortEvent = AlarmStateChangeEvent | ParameterStoreChangeEvent;

/** Options of {@link abortOnEvent}: the stop-condition alarms of each deployed experiment. */
export interface AbortOptions {
  /** Experiment name -> its stop-condition alarm names (an alarm stops only its own experiments' faults). */
  readonly stopConditions: Readonly<Record<string, readonly string[]>>;
}

/** How the stop of one fault went. */
export interface AbortedFault {
  readonly kind: 'fis' | 'ssm';
  readonly id: string;
  readonly experiment: string;
  readonly requestedAt: string;
  /** The state a read confirmed; absent when no read could (`checkCommand` says how to check). */
  readonly confirmedState?: string;
  readonly checkCommand?: string;
  /** The stop was recorded on the run lock for the run's poll (false: the run no longer holds it). */
  readonly recorded: boolean;
}

/** What one event led to. */
export interface AbortOutcome {
  /** `stopped`: faults were found and asked to stop; `ignored`: nothing to do (and why). */
  readonly action: 'stopped' | 'ignored';
  readonly detail: string;
  readonly runId?: string;
  readonly triggeredAt?: string;
  readonly faults: readonly AbortedFault[];
}

/** Confirmation reads after an event-driven stop: 6, 2 s apart (the poll confirms again later). */
export const ABORT_CONFIRM_ATTEMPTS = 6;
/** Seconds between the confirmation reads. */
export const ABORT_CONFIRM_INTERVAL_SECONDS = 2;

/** At least one stop request was refused for good: the invocation fails (EventBridge retries, then the DLQ). */
export class AbortFailedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AbortFailedError';
  }
}

interface Trigger {
  readonly reason: StopReason;
  readonly text: string;
  readonly triggeredAt?: string;
  /** The experiments whose faults it stops; undefined = every experiment (kill switch). */
  readonly experiments?: ReadonlySet<string>;
}

async function triggerOf(
  event: AbortEvent,
  options: AbortOptions,
  runtime: Runtime,
): Promise<Trigger | string> {
  if (event.source === 'aws.cloudwatch') {
    const { alarmName, state } = event.detail;
    if (state.value !== 'ALARM') return `alarm ${alarmName} is ${state.value}, not ALARM`;
    const experiments = Object.entries(options.stopConditions)
      .filter(([, alarms]) => alarms.includes(alarmName))
      .map(([name]) => name);
    if (experiments.length === 0) return `alarm ${alarmName} is no stop condition of this stack`;
    return {
      reason: 'stop-condition',
      text: `alarm ${alarmName} entered ALARM`,
      triggeredAt: state.timestamp ? new Date(state.timestamp).toISOString() : event.time,
      experiments: new Set(experiments),
    };
  }
  if (event.detail.name !== runtime.settings.killSwitchParameter) {
    return `parameter ${event.detail.name} is not the kill switch`;
  }
  const killSwitch = await killSwitchOn(runtime);
  if (!killSwitch.on) return 'the kill switch is off';
  return {
    reason: 'kill-switch',
    text: killSwitch.detail,
    triggeredAt: killSwitch.since ?? event.time,
  };
}

async function runInFlight(runtime: Runtime): Promise<{ runId: string; acquiredAt: string } | undefined> {
  const table = runtime.settings.runLockTable;
  const client = runtime.clients.dynamodb;
  if (!table || !client) return undefined;
  const answer = await awsCall('dynamodb:GetItem', () =>
    client.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: RUN_LOCK_KEY } }, ConsistentRead: true }),
    ),
  );
  const lock = parseLockItem(answer.Item);
  if (!lock || lock.expiresAt * 1000 < runtime.now().getTime()) return undefined;
  return { runId: lock.runId, acquiredAt: lock.acquiredAt };
}

/** The run's faults still injecting, of the given experiments (FIS by tag, SSM by comment). */
async function runningFaults(
  run: { runId: string; acquiredAt: string },
  experiments: ReadonlySet<string> | undefined,
  runtime: Runtime,
): Promise<(FaultRef & { experiment: string })[]> {
  const wanted = (name: string): boolean => experiments === undefined || experiments.has(name);
  const prefix = runCommentPrefix(run.runId);
  const [fis, ssm] = await Promise.all([
    findRunExperiments(run.runId, undefined, runtime),
    findRunCommands(undefined, run.acquiredAt, (c) => c.startsWith(prefix), runtime),
  ]);
  const faults: (FaultRef & { experiment: string })[] = [];
  for (const e of fis) {
    const state = toFaultState(e.state?.status);
    const experiment = e.tags?.[EXPERIMENT_TAG] ?? '?';
    if (!e.id || hasFaultEnded(state) || !wanted(experiment)) continue;
    faults.push({ kind: 'fis', id: e.id, startedAt: run.acquiredAt, state, dryRun: false, experiment });
  }
  for (const c of ssm) {
    const experiment = c.comment.slice(prefix.length);
    if ((c.status !== undefined && !SSM_INJECTING_STATUSES.includes(c.status)) || !wanted(experiment))
      continue;
    faults.push({
      kind: 'ssm',
      id: c.id,
      startedAt: run.acquiredAt,
      state: 'running',
      dryRun: false,
      experiment,
    });
  }
  return faults;
}

/**
 * The event path of an abort: a stop-condition alarm entered ALARM, or the kill switch changed. Finds
 * the run in flight (the run lock), its faults still injecting (FIS tags, SSM comments; for an alarm,
 * only the faults of the experiments it guards), and stops each at once: the stop request first
 * (retried on throttling), recorded on the run lock for the run's poll (`stoppedBy: event`, the
 * triggering transition's time), then confirmed by a few reads. The poll stays the fallback.
 * @throws AbortFailedError when a stop request was refused (after trying every fault)
 */
export async function abortOnEvent(
  event: AbortEvent,
  runtime: Runtime,
  options: AbortOptions,
): Promise<AbortOutcome> {
  const trigger = await triggerOf(event, options, runtime);
  if (typeof trigger === 'string') return { action: 'ignored', detail: trigger, faults: [] };
  const run = await runInFlight(runtime);
  if (!run) return { action: 'ignored', detail: `${trigger.text}; no run in flight`, faults: [] };
  const faults = await runningFaults(run, trigger.experiments, runtime);
  if (faults.length === 0) {
    return {
      action: 'ignored',
      detail: `${trigger.text}; run ${run.runId} has no fault running`,
      runId: run.runId,
      faults: [],
    };
  }
  const deps = { fis: runtime.clients.fis, ssm: runtime.clients.ssm, now: runtime.now, sleep };
  const settled = await Promise.allSettled(
    faults.map(async (fault): Promise<AbortedFault> => {
      const request = await requestStop(fault, deps);
      const recorded = await recordStop(
        run.runId,
        {
          faultId: fault.id,
          by: 'event',
          reason: trigger.reason,
          requestedAt: request.requestedAt,
          trigger: trigger.text,
          ...(trigger.triggeredAt !== undefined ? { triggeredAt: trigger.triggeredAt } : {}),
        },
        runtime,
      ).catch(() => false);
      const confirmation = await confirmStop(
        async () => (await observeFault(fault, runtime)).state,
        { sleep },
        ABORT_CONFIRM_ATTEMPTS,
        ABORT_CONFIRM_INTERVAL_SECONDS,
      );
      return {
        kind: fault.kind,
        id: fault.id,
        experiment: fault.experiment,
        requestedAt: request.requestedAt,
        recorded,
        ...(confirmation.confirmed
          ? { confirmedState: confirmation.state }
          : { checkCommand: checkCommand(fault) }),
      };
    }),
  );
  const failed = settled.flatMap((s, i) =>
    s.status === 'rejected' ? [`${faults[i]?.id ?? '?'}: ${String(s.reason)}`] : [],
  );
  if (failed.length > 0) throw new AbortFailedError(`${trigger.text}; could not stop ${failed.join('; ')}`);
  const stopped = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  return {
    action: 'stopped',
    detail: `${trigger.text}; stop requested for ${stopped.map((f) => `${f.kind} ${f.id}`).join(', ')}`,
    runId: run.runId,
    ...(trigger.triggeredAt !== undefined ? { triggeredAt: trigger.triggeredAt } : {}),
    faults: stopped,
  };
}

/** The environment variable carrying {@link AbortOptions.stopConditions}. */
export const STOP_CONDITIONS_ENV = 'CHAOS_STOP_CONDITIONS';

/** A malformed `CHAOS_STOP_CONDITIONS`. */
export class StopConditionsEnvError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StopConditionsEnvError';
  }
}

/** Parses `{"<experiment>": ["<alarm>", ...]}`. @throws StopConditionsEnvError naming the variable */
export function parseStopConditions(text: string): Record<string, string[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new StopConditionsEnvError(`${STOP_CONDITIONS_ENV} is not JSON`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new StopConditionsEnvError(`${STOP_CONDITIONS_ENV} must be an object of experiment -> alarm names`);
  }
  const out: Record<string, string[]> = {};
  for (const [name, alarms] of Object.entries(parsed)) {
    if (!Array.isArray(alarms) || !alarms.every((a): a is string => typeof a === 'string')) {
      throw new StopConditionsEnvError(`${STOP_CONDITIONS_ENV}.${name} must be a list of alarm names`);
    }
    out[name] = alarms;
  }
  return out;
}

/** Experiment name -> its stop-condition alarm names (what the abort-on-event function matches). */
export function stopConditionsOf(runConfig: RunConfig): Record<string, string[]> {
  return Object.fromEntries(
    Object.values(runConfig.plans).map((plan) => [plan.name, plan.stopConditions.map((s) => s.alarmName)]),
  );
}

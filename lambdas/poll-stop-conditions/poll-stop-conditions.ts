import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { GetExperimentCommand } from '@aws-sdk/client-fis';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import type { AwsClients, Runtime } from '../shared/aws';
import { awsCall, awsErrorName } from '../shared/errors';
import type {
  AlarmTransition,
  ExperimentPlan,
  FaultRef,
  FaultState,
  PollResult,
  RunContext,
  StopReason,
} from '../shared/types';
import { commandInvocationStatuses, faultIds, TERMINAL_FAULT_STATES, toFaultState } from '../shared/faults';
import { readStopRecord } from '../shared/stop-records';

export { TERMINAL_FAULT_STATES } from '../shared/faults';
import { sleep } from './sleep';

/** How long one PollStopConditions invocation keeps polling (the function's timeout is above it). */
export const POLL_BATCH_SECONDS = 300;

/** PollStopConditions' input. */
export interface PollInput {
  readonly run: RunContext;
  readonly plan: ExperimentPlan;
  readonly fault: FaultRef;
  /** The previous batch's result (`null` on the first). */
  readonly previous: PollResult | null;
}

/** A fault's state with the service's explanation. */
export interface ObservedFault {
  readonly state: FaultState;
  readonly reason?: string;
  /** When the service says it ended (FIS `endTime`). */
  readonly endedAt?: string;
  /** Set when the state could not be read this time (the last known state is kept). */
  readonly unreadable?: string;
}

/** SSM invocation statuses folded into one fault state. */
export function ssmFaultState(statuses: readonly string[]): FaultState {
  if (statuses.length === 0) return 'pending';
  if (statuses.some((s) => s === 'Pending' || s === 'Delayed')) {
    return statuses.some((s) => s === 'InProgress') ? 'running' : 'pending';
  }
  if (statuses.some((s) => s === 'InProgress')) return 'running';
  if (statuses.some((s) => s === 'Cancelling')) return 'stopping';
  if (statuses.every((s) => s === 'Success')) return 'completed';
  if (
    statuses.some((s) => s === 'Failed' || s === 'TimedOut' || s === 'Undeliverable' || s === 'Terminated')
  ) {
    return 'failed';
  }
  if (statuses.some((s) => s === 'Cancelled')) return 'cancelled';
  return 'running';
}

/** Reads the fault's current state: FIS GetExperiment or SSM ListCommandInvocations. */
export async function observeFault(
  fault: FaultRef,
  runtime: { readonly clients: Pick<AwsClients, 'fis' | 'ssm'> },
): Promise<ObservedFault> {
  if (fault.state === 'dry-run')
    return { state: 'dry-run', reason: 'dry run: targets resolved, nothing sent' };
  if (fault.kind === 'fis') {
    const answer = await awsCall('fis:GetExperiment', () =>
      runtime.clients.fis.send(new GetExperimentCommand({ id: fault.id })),
    );
    const state = answer.experiment?.state;
    const endTime = answer.experiment?.endTime;
    return {
      state: toFaultState(state?.status),
      ...(state?.reason ? { reason: state.reason } : {}),
      ...(endTime ? { endedAt: endTime.toISOString() } : {}),
    };
  }
  const ids = faultIds(fault);
  const statuses = await commandInvocationStatuses(ids, runtime);
  const state = ssmFaultState(statuses);
  return {
    state,
    reason: `${statuses.length} invocation(s)${ids.length > 1 ? ` of ${ids.length} commands` : ''}: ${[...new Set(statuses)].join(', ') || 'none yet'}`,
  };
}

/** The kill switch's value: `on` also when missing or unreadable as off/on (fail safe). */
export async function killSwitchOn(
  runtime: Runtime,
): Promise<{ on: boolean; detail: string; since?: string }> {
  const name = runtime.settings.killSwitchParameter;
  try {
    const answer = await awsCall('ssm:GetParameter', () =>
      runtime.clients.ssm.send(new GetParameterCommand({ Name: name })),
    );
    const value = (answer.Parameter?.Value ?? '').trim().toLowerCase();
    if (value === 'off') return { on: false, detail: 'kill switch is off' };
    const since = answer.Parameter?.LastModifiedDate;
    return {
      on: true,
      ...(since ? { since: since.toISOString() } : {}),
      detail: `kill switch ${name} is ${value === 'on' ? 'on' : `"${value}" (treated as on)`}`,
    };
  } catch (error) {
    if (awsErrorName(error) !== 'ParameterNotFound') throw error;
    return { on: true, detail: `kill switch parameter ${name} not found (treated as on)` };
  }
}

interface AlarmObservation {
  readonly states: Record<string, string>;
  readonly updatedAt: Record<string, Date | undefined>;
}

async function observeAlarms(plan: ExperimentPlan, runtime: Runtime): Promise<AlarmObservation> {
  const names = plan.stopConditions.map((s) => s.alarmName);
  const states: Record<string, string> = {};
  const updatedAt: Record<string, Date | undefined> = {};
  if (names.length === 0) return { states, updatedAt };
  const answer = await awsCall('cloudwatch:DescribeAlarms', () =>
    runtime.clients.cloudWatch.send(
      new DescribeAlarmsCommand({ AlarmNames: names, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }),
    ),
  );
  for (const alarm of [...(answer.MetricAlarms ?? []), ...(answer.CompositeAlarms ?? [])]) {
    if (!alarm.AlarmName) continue;
    states[alarm.AlarmName] = alarm.StateValue ?? 'UNKNOWN';
    updatedAt[alarm.AlarmName] = alarm.StateUpdatedTimestamp;
  }
  for (const name of names) states[name] ??= 'MISSING';
  return { states, updatedAt };
}

interface Decision {
  readonly action: PollResult['action'];
  readonly reason?: StopReason;
  readonly detail: string;
}

function decide(
  fault: ObservedFault,
  alarms: AlarmObservation,
  killSwitch: { on: boolean; detail: string },
  elapsedSeconds: number,
  plan: ExperimentPlan,
): Decision {
  const inAlarm = Object.entries(alarms.states)
    .filter(([, s]) => s === 'ALARM')
    .map(([n]) => n);
  const missing = Object.entries(alarms.states)
    .filter(([, s]) => s === 'MISSING')
    .map(([n]) => n);
  if (TERMINAL_FAULT_STATES.includes(fault.state)) {
    const why = fault.reason ? ` (${fault.reason})` : '';
    return {
      action: 'finished',
      ...(fault.state === 'stopped' && inAlarm.length > 0 ? { reason: 'stop-condition' as const } : {}),
      detail: `fault ${fault.state}${why}${inAlarm.length ? `; in ALARM: ${inAlarm.join(', ')}` : ''}`,
    };
  }
  if (inAlarm.length > 0) {
    return { action: 'stop', reason: 'stop-condition', detail: `alarm ${inAlarm.join(', ')} is in ALARM` };
  }
  if (missing.length > 0) {
    return {
      action: 'stop',
      reason: 'error',
      detail: `stop-condition alarm ${missing.join(', ')} not found; the fault cannot be watched`,
    };
  }
  if (killSwitch.on) return { action: 'stop', reason: 'kill-switch', detail: killSwitch.detail };
  if (elapsedSeconds > plan.fault.maxRunSeconds) {
    return {
      action: 'stop',
      reason: 'time-over',
      detail: `fault still ${fault.state} after ${Math.round(elapsedSeconds)} s (limit ${plan.fault.maxRunSeconds} s)`,
    };
  }
  return {
    action: 'continue',
    detail: `fault ${fault.state}, ${Math.round(elapsedSeconds)} s elapsed, no stop condition`,
  };
}

/** Reads the fault, keeping its last known state when the read fails (the poll still watches the rest). */
async function observeFaultTolerantly(input: PollInput, previous: PollResult | null, runtime: Runtime) {
  try {
    return await observeFault(input.fault, runtime);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { state: previous?.faultState ?? input.fault.state, unreadable: message } satisfies ObservedFault;
  }
}

/** Who stopped the fault and from which transition, for a poll that stops or sees it stopped early. */
async function attribution(
  input: PollInput,
  decision: Decision,
  fault: ObservedFault,
  context: { firstAlarmAt?: string; killSwitchSince?: string; now: Date },
  runtime: Runtime,
): Promise<Pick<PollResult, 'stoppedBy' | 'triggeredAt' | 'stopRequestedAt' | 'reason'>> {
  const endedEarly = ['stopping', 'stopped', 'cancelled'].includes(fault.state);
  if (decision.action !== 'stop' && !(decision.action === 'finished' && endedEarly)) return {};
  const record = await readStopRecord(input.run.runId, input.fault.id, runtime);
  if (record) {
    return {
      stoppedBy: record.by,
      reason: record.reason,
      stopRequestedAt: record.requestedAt,
      ...(record.triggeredAt !== undefined ? { triggeredAt: record.triggeredAt } : {}),
    };
  }
  if (decision.action === 'finished') {
    // Ended early without a record: FIS stops on its native stop conditions (the same alarms).
    return decision.reason === 'stop-condition' && input.fault.kind === 'fis'
      ? {
          stoppedBy: 'fis-native',
          ...(context.firstAlarmAt !== undefined ? { triggeredAt: context.firstAlarmAt } : {}),
          stopRequestedAt: fault.endedAt ?? context.now.toISOString(),
        }
      : {};
  }
  const limitAt = new Date(Date.parse(input.fault.startedAt) + input.plan.fault.maxRunSeconds * 1000);
  const triggeredAt =
    decision.reason === 'stop-condition'
      ? context.firstAlarmAt
      : decision.reason === 'kill-switch'
        ? context.killSwitchSince
        : decision.reason === 'time-over'
          ? limitAt.toISOString()
          : undefined;
  return { stoppedBy: 'poll', ...(triggeredAt !== undefined ? { triggeredAt } : {}) };
}

/** One poll: alarms, the fault, the kill switch (concurrently) and the clock; folds in the history. */
export async function pollOnce(
  input: PollInput,
  previous: PollResult | null,
  runtime: Runtime,
): Promise<PollResult> {
  const [fault, alarms, killSwitch] = await Promise.all([
    observeFaultTolerantly(input, previous, runtime),
    observeAlarms(input.plan, runtime),
    killSwitchOn(runtime),
  ]);
  const now = runtime.now();
  const polledAt = now.toISOString();
  const startedMs = Date.parse(input.fault.startedAt);
  const elapsedSeconds = (now.getTime() - startedMs) / 1000;
  const transitions: AlarmTransition[] = [...(previous?.transitions ?? [])];
  for (const [alarmName, state] of Object.entries(alarms.states)) {
    const before = previous?.alarmStates[alarmName];
    if ((before === undefined && state !== 'OK') || (before !== undefined && before !== state)) {
      const at = alarms.updatedAt[alarmName];
      transitions.push({
        alarmName,
        from: before ?? 'unseen',
        to: state,
        at: (at && at.getTime() >= startedMs ? at : now).toISOString(),
      });
    }
  }
  let firstAlarmAt = previous?.firstAlarmAt;
  if (firstAlarmAt === undefined) {
    const times = Object.entries(alarms.states)
      .filter(([, s]) => s === 'ALARM')
      .map(([name]) => alarms.updatedAt[name]?.getTime() ?? now.getTime())
      .map((t) => Math.min(now.getTime(), Math.max(t, startedMs)));
    if (times.length > 0) firstAlarmAt = new Date(Math.min(...times)).toISOString();
  }
  const decided = decide(fault, alarms, killSwitch, elapsedSeconds, input.plan);
  const decision: Decision = fault.unreadable
    ? { ...decided, detail: `${decided.detail}; fault state unreadable (${fault.unreadable})` }
    : decided;
  const who = await attribution(
    input,
    decision,
    fault,
    {
      ...(firstAlarmAt !== undefined ? { firstAlarmAt } : {}),
      ...(killSwitch.since !== undefined ? { killSwitchSince: killSwitch.since } : {}),
      now,
    },
    runtime,
  );
  return {
    ...decision,
    ...who,
    faultState: fault.state,
    polledAt,
    polls: (previous?.polls ?? 0) + 1,
    waitSeconds: input.plan.pollIntervalSeconds,
    alarmStates: alarms.states,
    transitions,
    ...(firstAlarmAt !== undefined ? { firstAlarmAt } : {}),
  };
}

/**
 * Polls every `plan.pollIntervalSeconds` for up to {@link POLL_BATCH_SECONDS} in one invocation
 * (keeping the execution history small for long faults), returning as soon as a poll says stop or
 * finished. The abort latency stays within one poll interval.
 */
export async function pollStopConditions(input: PollInput, runtime: Runtime): Promise<PollResult> {
  const began = runtime.now().getTime();
  const interval = input.plan.pollIntervalSeconds;
  let result = await pollOnce(input, input.previous, runtime);
  while (
    result.action === 'continue' &&
    runtime.now().getTime() - began + interval * 1000 <= POLL_BATCH_SECONDS * 1000
  ) {
    await sleep(interval);
    result = await pollOnce(input, result, runtime);
  }
  return result;
}

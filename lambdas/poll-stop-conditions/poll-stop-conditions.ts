import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { paginateDescribeInstances } from '@aws-sdk/client-ec2';
import { GetExperimentCommand, paginateListExperimentResolvedTargets } from '@aws-sdk/client-fis';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import type { AwsClients, Runtime } from '../shared/aws';
import { awsCall, awsErrorName, ThrottledError, TransientError } from '../shared/errors';
import { awsPages } from '../shared/paginate';
import {
  BASIC_PERIOD_SECONDS,
  DETAILED_PERIOD_SECONDS,
  evaluateCpuEffect,
  evaluateMetricEffect,
  unverifiedEffect,
  type FaultWindow,
} from '../shared/effect';
import {
  MAX_EFFECT_TARGETS,
  type AlarmTransition,
  type EffectResult,
  type ExperimentPlan,
  type FaultRef,
  type FaultState,
  type PollResult,
  type RunContext,
  type StopReason,
  type TargetEffect,
} from '../shared/types';
import { checkDuring, duringProbes, foldDuring, probeStop, type DuringCheck, type ProbeStop } from './during';
import { STOP_WRITE_DEADLINE_MS, writeSeriesBatch } from './series';
import { commandInvocations, faultIds, TERMINAL_FAULT_STATES, toFaultState } from '../shared/faults';
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
  /** SSM: the invocation status per instance. */
  readonly perTarget?: Readonly<Record<string, string>>;
  /** How the command ran, in one line: `FIS action cpu-stress completed`, `SSM 3 of 3 InProgress`. */
  readonly command?: string;
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
    const actions = Object.entries(answer.experiment?.actions ?? {})
      .map(([name, action]) => `${name} ${action.state?.status ?? 'unknown'}`)
      .join(', ');
    const endTime = answer.experiment?.endTime;
    return {
      state: toFaultState(state?.status),
      ...(state?.reason ? { reason: state.reason } : {}),
      ...(actions ? { command: `FIS action ${actions}` } : {}),
      ...(endTime ? { endedAt: endTime.toISOString() } : {}),
    };
  }
  const ids = faultIds(fault);
  const invocations = await commandInvocations(ids, runtime);
  const statuses = invocations.map((invocation) => invocation.status);
  const perTarget: Record<string, string> = {};
  for (const invocation of invocations) {
    if (invocation.instanceId) perTarget[invocation.instanceId] = invocation.status;
  }
  const state = ssmFaultState(statuses);
  const counts = [...new Set(statuses)].map(
    (s) => `${statuses.filter((x) => x === s).length} of ${statuses.length} ${s}`,
  );
  return {
    state,
    reason: `${statuses.length} invocation(s)${ids.length > 1 ? ` of ${ids.length} commands` : ''}: ${[...new Set(statuses)].join(', ') || 'none yet'}`,
    perTarget,
    command: `SSM invocations: ${counts.join(', ') || 'none yet'}`,
  };
}

/** FIS resource types that are EC2 instances (they publish `AWS/EC2 CPUUtilization` per `InstanceId`). */
const FIS_INSTANCE_RESOURCE_TYPES: ReadonlySet<string> = new Set([
  'aws:ec2:instance',
  'aws:ec2:spot-instance',
]);

/** An EC2 instance ARN (`arn:<partition>:ec2:<region>:<account>:instance/<id>`) or a bare instance id. */
const INSTANCE_REF = /^(?:arn:[\w-]+:ec2:[\w-]*:\d*:instance\/)?(i-[0-9a-zA-Z]+)$/;

/**
 * The instance id of one FIS resolved target, or undefined when it names none.
 *
 * Shape, per the FIS API reference (ResolvedTarget, docs.aws.amazon.com/fis/latest/APIReference/
 * API_ResolvedTarget.html; botocore fis service-2.json `TargetInformationMap`): `targetInformation` is a
 * string-to-string map (keys up to 64 characters, values up to 2048, both `[\S]+`) whose keys the
 * reference does not list. The key an EC2 target carries is `arn`, the resource's ARN
 * (`{ "arn": "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0" }`: getmoto/moto
 * moto/fis/models.py `ResolvedTarget.to_dict`; FIS user guide, "Experiment logging": the fields of
 * `resolved_targets` depend on the target type). Since the keys are not part of the documented
 * contract, `arn` is read first and any other value that is an instance ARN or id is accepted too.
 */
export function resolvedInstanceId(target: {
  readonly resourceType?: string | undefined;
  readonly targetInformation?: Record<string, string> | undefined;
}): string | undefined {
  if (!target.resourceType || !FIS_INSTANCE_RESOURCE_TYPES.has(target.resourceType)) return undefined;
  const info = target.targetInformation ?? {};
  const arn = info.arn;
  const fromArn = arn !== undefined ? INSTANCE_REF.exec(arn)?.[1] : undefined;
  if (fromArn) return fromArn;
  for (const value of Object.values(info)) {
    const id = INSTANCE_REF.exec(value)?.[1];
    if (id) return id;
  }
  return undefined;
}

/** The instance ids a FIS experiment resolved its targets to (empty until FIS has resolved them). */
async function fisResolvedInstances(experimentId: string, runtime: Runtime): Promise<string[]> {
  const ids: string[] = [];
  const pages = paginateListExperimentResolvedTargets({ client: runtime.clients.fis }, { experimentId });
  for await (const answer of awsPages('fis:ListExperimentResolvedTargets', pages)) {
    for (const target of answer.resolvedTargets ?? []) {
      const id = resolvedInstanceId(target);
      if (id) ids.push(id);
    }
  }
  return [...new Set(ids)].sort();
}

/** The period each instance publishes CPUUtilization at: 60 s with detailed monitoring, else 300 s. */
async function publishPeriods(ids: readonly string[], runtime: Runtime): Promise<Map<string, number>> {
  const periods = new Map<string, number>();
  const pages = paginateDescribeInstances({ client: runtime.clients.ec2 }, { InstanceIds: [...ids] });
  for await (const answer of awsPages('ec2:DescribeInstances', pages)) {
    for (const instance of (answer.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
      if (!instance.InstanceId) continue;
      const detailed = instance.Monitoring?.State === 'enabled' || instance.Monitoring?.State === 'pending';
      periods.set(instance.InstanceId, detailed ? DETAILED_PERIOD_SECONDS : BASIC_PERIOD_SECONDS);
    }
  }
  return periods;
}

/** The CPU targets to evaluate: known from the previous poll, else resolved now (SSM ids, FIS targets). */
async function effectTargets(
  fault: FaultRef,
  previous: EffectResult | undefined,
  runtime: Runtime,
): Promise<{ targets: TargetEffect[]; leftOut: number }> {
  if (previous?.targets && previous.targets.length > 0) {
    return { targets: [...previous.targets], leftOut: previous.targetsLeftOut ?? 0 };
  }
  const all =
    fault.kind === 'ssm' ? [...(fault.targets ?? [])] : await fisResolvedInstances(fault.id, runtime);
  if (all.length === 0) return { targets: [], leftOut: 0 };
  const ids = all.slice(0, MAX_EFFECT_TARGETS);
  const periods = await publishPeriods(ids, runtime);
  return {
    targets: ids.map((id) => ({ id, periodSeconds: periods.get(id) ?? BASIC_PERIOD_SECONDS, datapoints: 0 })),
    leftOut: all.length - ids.length,
  };
}

/**
 * Effect verification during the fault (until seen): the plan's CPU threshold on every target, or
 * an imported template's effect metric. Nothing to verify against: `unverified`.
 */
export async function verifyEffect(
  input: Pick<PollInput, 'plan' | 'fault'> & { readonly previous: EffectResult | undefined },
  window: FaultWindow,
  observed: Pick<ObservedFault, 'perTarget' | 'command'>,
  runtime: Runtime,
): Promise<EffectResult> {
  const { plan, previous } = input;
  const now = runtime.now().toISOString();
  if (previous?.status === 'seen') {
    // Seen: no more CloudWatch reads; keep the command status current.
    return {
      ...previous,
      ...(observed.command !== undefined ? { command: observed.command } : {}),
      ...(previous.targets
        ? {
            targets: previous.targets.map((t) => {
              const status = observed.perTarget?.[t.id];
              return status !== undefined ? { ...t, command: status } : t;
            }),
          }
        : {}),
    };
  }
  const effect = plan.effect;
  if (!effect) {
    return unverifiedEffect(
      'no effect check is configured for this fault (set effect: { metric, min | max } on the experiment to verify an imported template)',
      now,
    );
  }
  if (effect.kind === 'metric') return evaluateMetricEffect(effect, window, runtime.clients.cloudWatch, now);
  const { targets, leftOut } = await effectTargets(input.fault, previous, runtime);
  const withCommand = targets.map((t) => {
    const status = observed.perTarget?.[t.id];
    return status !== undefined ? { ...t, command: status } : t;
  });
  return evaluateCpuEffect(
    effect,
    withCommand,
    window,
    runtime.clients.cloudWatch,
    { ...(observed.command !== undefined ? { command: observed.command } : {}), targetsLeftOut: leftOut },
    now,
  );
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

/**
 * {@link verifyEffect} that never fails the poll (watching the fault comes first): a throttled read
 * keeps what was known; any other error is recorded as "could not be read".
 */
async function verifyEffectSafely(
  input: Parameters<typeof verifyEffect>[0],
  window: FaultWindow,
  observed: Pick<ObservedFault, 'perTarget' | 'command'>,
  runtime: Runtime,
): Promise<EffectResult> {
  try {
    return await verifyEffect(input, window, observed, runtime);
  } catch (error) {
    const now = runtime.now().toISOString();
    if (input.previous && (error instanceof ThrottledError || error instanceof TransientError))
      return input.previous;
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return {
      ...(input.previous ?? {}),
      status: 'no-data',
      detail: `the effect could not be read (${message.slice(0, 200)})`,
      checkedAt: now,
    };
  }
}

/** The poll's detail for a probe stop condition: the probe, for how long, and what it saw. */
export function describeProbeStop(stop: ProbeStop): string {
  const { probe } = stop;
  const saw = probe.worst?.observed ?? 'failures';
  return `probe ${probe.id} failed continuously for ${stop.failingSeconds} s (stopAfter ${stop.stopAfterSeconds} s): saw ${saw}`;
}

function decide(
  fault: ObservedFault,
  alarms: AlarmObservation,
  killSwitch: { on: boolean; detail: string },
  elapsedSeconds: number,
  plan: ExperimentPlan,
  probeStopped: ProbeStop | undefined,
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
  if (probeStopped) return { action: 'stop', reason: 'probe', detail: describeProbeStop(probeStopped) };
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
  context: { firstAlarmAt?: string; killSwitchSince?: string; probeFailingSince?: string; now: Date },
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
        : decision.reason === 'probe'
          ? context.probeFailingSince
          : decision.reason === 'time-over'
            ? limitAt.toISOString()
            : undefined;
  return { stoppedBy: 'poll', ...(triggeredAt !== undefined ? { triggeredAt } : {}) };
}

/**
 * One poll: alarms, the fault, the kill switch (concurrently) and the clock; folds in the history.
 * `record` receives the poll's during-fault checks (the batch writes them to the series).
 */
export async function pollOnce(
  input: PollInput,
  previous: PollResult | null,
  runtime: Runtime,
  record?: (checks: readonly DuringCheck[]) => void,
): Promise<PollResult> {
  const probing = input.fault.state !== 'dry-run' && duringProbes(input.plan.steadyState).length > 0;
  const [fault, alarms, killSwitch, checks] = await Promise.all([
    observeFaultTolerantly(input, previous, runtime),
    observeAlarms(input.plan, runtime),
    killSwitchOn(runtime),
    probing ? checkDuring(input.plan.steadyState, runtime) : Promise.resolve([]),
  ]);
  record?.(checks);
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
  const during = probing ? foldDuring(previous?.during, checks, input.plan.steadyState, polledAt) : undefined;
  const stopped = during ? probeStop(during, input.plan.steadyState, polledAt) : undefined;
  const decided = decide(fault, alarms, killSwitch, elapsedSeconds, input.plan, stopped);
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
      ...(stopped?.probe.failingSince !== undefined ? { probeFailingSince: stopped.probe.failingSince } : {}),
      now,
    },
    runtime,
  );
  const effect =
    input.fault.state === 'dry-run'
      ? unverifiedEffect('dry run: nothing was injected', polledAt)
      : await verifyEffectSafely(
          { plan: input.plan, fault: input.fault, previous: previous?.effect },
          { start: input.fault.startedAt, end: polledAt, ended: TERMINAL_FAULT_STATES.includes(fault.state) },
          fault,
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
    ...(during ? { during } : {}),
    effect,
    ...(decision.reason === 'probe' && stopped?.probe.failingSince !== undefined
      ? { probeFailingSince: stopped.probe.failingSince }
      : {}),
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
  const polls: (readonly DuringCheck[])[] = [];
  const record = (checks: readonly DuringCheck[]): void => {
    polls.push(checks);
  };
  let result = await pollOnce(input, input.previous, runtime, record);
  while (
    result.action === 'continue' &&
    runtime.now().getTime() - began + interval * 1000 <= POLL_BATCH_SECONDS * 1000
  ) {
    await sleep(interval);
    result = await pollOnce(input, result, runtime, record);
  }
  if (!result.during) return result;
  // A poll that says stop goes to StopFault next: the write may hold it back at most a second.
  const series = await writeSeriesBatch(
    { runId: input.run.runId, experiment: input.plan.name },
    polls,
    input.previous?.during?.series,
    runtime,
    result.action === 'stop' ? { deadlineMs: STOP_WRITE_DEADLINE_MS } : {},
  );
  return series ? { ...result, during: { ...result.during, series } } : result;
}

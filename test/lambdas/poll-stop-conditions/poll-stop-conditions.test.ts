import { DescribeAlarmsCommand, type StateValue } from '@aws-sdk/client-cloudwatch';
import { GetExperimentCommand } from '@aws-sdk/client-fis';
import {
  GetParameterCommand,
  ListCommandInvocationsCommand,
  ParameterNotFound,
  type CommandInvocationStatus,
} from '@aws-sdk/client-ssm';
import {
  POLL_BATCH_SECONDS,
  pollOnce,
  pollStopConditions,
  ssmFaultState,
  type PollInput,
} from '../../../lambdas/poll-stop-conditions/poll-stop-conditions';
import type { ExperimentPlan, FaultRef, FaultState } from '../../../lambdas/shared/types';
import { run, webCpu80Plan } from '../../fixtures/results';
import { mockRuntime, T0, withLiveClock } from '../check-steady-state/mock-runtime';

const plan: ExperimentPlan = { ...webCpu80Plan, stopConditions: [{ alarmName: 'shop-5xx' }] };
const fisFault: FaultRef = {
  kind: 'fis',
  id: 'EXP1',
  startedAt: new Date(T0).toISOString(),
  state: 'initiating',
  dryRun: false,
};
const ssmFault: FaultRef = { ...fisFault, kind: 'ssm', id: 'cmd-1', state: 'pending' };
const input: PollInput = { run, plan, fault: fisFault, previous: null };

/** A world where the fault runs, the alarm is OK and the kill switch off; `at` seconds after the start. */
function world(options: { at?: number; fis?: string; alarm?: StateValue; killSwitch?: string } = {}) {
  const mocks = mockRuntime({ at: T0 + (options.at ?? 30) * 1000 });
  mocks.fis
    .on(GetExperimentCommand)
    .resolves({ experiment: { id: 'EXP1', state: { status: (options.fis ?? 'running') as never } } });
  mocks.cloudWatch.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: [
      {
        AlarmName: 'shop-5xx',
        StateValue: options.alarm ?? 'OK',
        StateUpdatedTimestamp: new Date(T0 + 20_000),
      },
    ],
  });
  mocks.ssm.on(GetParameterCommand).resolves({ Parameter: { Value: options.killSwitch ?? 'off' } });
  return mocks;
}

describe('pollOnce', () => {
  describe('FIS experiment states', () => {
    it.each<[string, 'continue' | 'finished', FaultState]>([
      ['pending', 'continue', 'pending'],
      ['initiating', 'continue', 'initiating'],
      ['running', 'continue', 'running'],
      ['stopping', 'continue', 'stopping'],
      ['completed', 'finished', 'completed'],
      ['stopped', 'finished', 'stopped'],
      ['failed', 'finished', 'failed'],
      ['cancelled', 'finished', 'cancelled'],
    ])('maps %s to %s', async (status, action, faultState) => {
      const { runtime } = world({ fis: status });

      const result = await pollOnce(input, null, runtime);

      expect([result.action, result.faultState]).toEqual([action, faultState]);
    });

    it('says why FIS ended an experiment', async () => {
      const { runtime, fis } = world();
      fis.on(GetExperimentCommand).resolves({
        experiment: { id: 'EXP1', state: { status: 'failed', reason: 'Target resolution failed' } },
      });

      const result = await pollOnce(input, null, runtime);

      expect(result.detail).toBe('fault failed (Target resolution failed)');
    });

    it('says finished with reason stop-condition when FIS stopped on its own stop condition', async () => {
      const { runtime } = world({ fis: 'stopped', alarm: 'ALARM' });

      const result = await pollOnce(input, null, runtime);

      expect(result).toMatchObject({ action: 'finished', reason: 'stop-condition' });
    });
  });

  describe('SSM command invocations', () => {
    it.each<[CommandInvocationStatus[], FaultState]>([
      [[], 'pending'],
      [['Pending'], 'pending'],
      [['Delayed'], 'pending'],
      [['Pending', 'InProgress'], 'running'],
      [['InProgress', 'Success'], 'running'],
      [['Cancelling', 'Success'], 'stopping'],
      [['Success', 'Success'], 'completed'],
      [['Success', 'Failed'], 'failed'],
      [['TimedOut'], 'failed'],
      [['Cancelled', 'Success'], 'cancelled'],
      [['Cancelled', 'Cancelled'], 'cancelled'],
    ])('folds %j into %s', (statuses, state) => {
      expect(ssmFaultState(statuses)).toBe(state);
    });

    it('reads every page of ListCommandInvocations', async () => {
      const { runtime, ssm } = world();
      ssm
        .on(ListCommandInvocationsCommand)
        .resolvesOnce({ CommandInvocations: [{ Status: 'Success' }], NextToken: 'more' })
        .resolvesOnce({ CommandInvocations: [{ Status: 'InProgress' }] });

      const result = await pollOnce({ ...input, fault: ssmFault }, null, runtime);

      expect(result).toMatchObject({ action: 'continue', faultState: 'running' });
      expect(ssm).toHaveReceivedCommandWith(ListCommandInvocationsCommand, {
        CommandId: 'cmd-1',
        NextToken: 'more',
      });
    });

    it('reads the invocations of every command of a fault sent in chunks: running while one still runs', async () => {
      const { runtime, ssm } = world();
      ssm.on(ListCommandInvocationsCommand).resolves({ CommandInvocations: [{ Status: 'Success' }] });
      ssm
        .on(ListCommandInvocationsCommand, { CommandId: 'cmd-2' })
        .resolves({ CommandInvocations: [{ Status: 'InProgress' }] });
      const chunked: FaultRef = { ...ssmFault, commandIds: ['cmd-1', 'cmd-2', 'cmd-3'] };

      const result = await pollOnce({ ...input, fault: chunked }, null, runtime);

      const read = ssm.commandCalls(ListCommandInvocationsCommand).map((c) => c.args[0].input.CommandId);
      expect(read).toEqual(['cmd-1', 'cmd-2', 'cmd-3']);
      expect(result).toMatchObject({ action: 'continue', faultState: 'running' });
    });

    it('says finished when every invocation succeeded', async () => {
      const { runtime, ssm } = world();
      ssm
        .on(ListCommandInvocationsCommand)
        .resolves({ CommandInvocations: [{ Status: 'Success' }, { Status: 'Success' }] });

      const result = await pollOnce({ ...input, fault: ssmFault }, null, runtime);

      expect(result).toMatchObject({ action: 'finished', faultState: 'completed' });
    });
  });

  it('says finished at once for a dry run, asking no service about the fault', async () => {
    const { runtime, fis } = world();

    const result = await pollOnce(
      { ...input, fault: { ...ssmFault, state: 'dry-run', dryRun: true } },
      null,
      runtime,
    );

    expect(result).toMatchObject({ action: 'finished', faultState: 'dry-run' });
    expect(fis).not.toHaveReceivedCommand(GetExperimentCommand);
  });

  it('stops with reason stop-condition when a stop-condition alarm is in ALARM', async () => {
    const { runtime } = world({ alarm: 'ALARM' });

    const result = await pollOnce(input, null, runtime);

    expect(result).toMatchObject({
      action: 'stop',
      reason: 'stop-condition',
      detail: 'alarm shop-5xx is in ALARM',
    });
  });

  it('records when the stop condition was first seen in ALARM', async () => {
    const { runtime } = world({ alarm: 'ALARM' });

    const result = await pollOnce(input, null, runtime);

    expect(result.firstAlarmAt).toBe('2025-03-04T10:00:20.000Z');
  });

  it('keeps the first firstAlarmAt on later polls', async () => {
    const { runtime } = world({ alarm: 'ALARM' });
    const earlier = await pollOnce(input, null, world({ alarm: 'ALARM', at: 25 }).runtime);

    const result = await pollOnce(input, { ...earlier, firstAlarmAt: '2025-03-04T10:00:10.000Z' }, runtime);

    expect(result.firstAlarmAt).toBe('2025-03-04T10:00:10.000Z');
  });

  it('stops with reason error when a stop-condition alarm does not exist', async () => {
    const { runtime, cloudWatch } = world();
    cloudWatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });

    const result = await pollOnce(input, null, runtime);

    expect(result).toMatchObject({ action: 'stop', reason: 'error' });
  });

  it('stops with reason kill-switch when the kill switch is on', async () => {
    const { runtime } = world({ killSwitch: 'on' });

    const result = await pollOnce(input, null, runtime);

    expect(result).toMatchObject({ action: 'stop', reason: 'kill-switch' });
  });

  it('stops with reason kill-switch when the kill-switch parameter was deleted', async () => {
    const { runtime, ssm } = world();
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'gone', $metadata: {} }));

    const result = await pollOnce(input, null, runtime);

    expect(result).toMatchObject({ action: 'stop', reason: 'kill-switch' });
  });

  it('stops with reason time-over once the fault runs longer than maxRunSeconds', async () => {
    const { runtime } = world({ at: 481 });

    const result = await pollOnce(input, null, runtime);

    expect(result).toMatchObject({ action: 'stop', reason: 'time-over' });
  });

  it('lets the fault run until maxRunSeconds', async () => {
    const { runtime } = world({ at: 480 });

    const result = await pollOnce(input, null, runtime);

    expect(result.action).toBe('continue');
  });

  it('asks for the next poll after pollIntervalSeconds', async () => {
    const { runtime } = world();

    const result = await pollOnce(input, null, runtime);

    expect(result.waitSeconds).toBe(15);
  });

  it('accumulates alarm transitions and the poll count across batches', async () => {
    const first = await pollOnce(input, null, world({ alarm: 'INSUFFICIENT_DATA', at: 15 }).runtime);
    const second = await pollOnce(input, first, world({ alarm: 'OK', at: 30 }).runtime);

    const third = await pollOnce(input, second, world({ alarm: 'ALARM', at: 45 }).runtime);

    expect(third.polls).toBe(3);
    expect(third.transitions.map((t) => [t.from, t.to])).toEqual([
      ['unseen', 'INSUFFICIENT_DATA'],
      ['INSUFFICIENT_DATA', 'OK'],
      ['OK', 'ALARM'],
    ]);
  });

  it('records no transition for an alarm first seen OK', async () => {
    const { runtime } = world();

    const result = await pollOnce(input, null, runtime);

    expect(result.transitions).toEqual([]);
  });
});

describe('pollStopConditions (the batch loop)', () => {
  beforeEach(() => jest.useFakeTimers({ now: T0 + 30_000 }));
  afterEach(() => jest.useRealTimers());

  it('returns as soon as a poll says stop, without waiting out the batch', async () => {
    const mocks = world();
    mocks.cloudWatch
      .on(DescribeAlarmsCommand)
      .resolvesOnce({ MetricAlarms: [{ AlarmName: 'shop-5xx', StateValue: 'OK' }] })
      .resolvesOnce({ MetricAlarms: [{ AlarmName: 'shop-5xx', StateValue: 'OK' }] })
      .resolves({ MetricAlarms: [{ AlarmName: 'shop-5xx', StateValue: 'ALARM' }] });

    const pending = pollStopConditions(input, withLiveClock(mocks.runtime));
    await jest.advanceTimersByTimeAsync(30_000);
    const result = await pending;

    expect(result).toMatchObject({ action: 'stop', reason: 'stop-condition', polls: 3 });
    expect(Date.now() - (T0 + 30_000)).toBe(30_000);
  });

  it('polls every pollIntervalSeconds', async () => {
    const mocks = world();
    const at: number[] = [];
    mocks.cloudWatch.on(DescribeAlarmsCommand).callsFake(() => {
      at.push(Date.now());
      return { MetricAlarms: [{ AlarmName: 'shop-5xx', StateValue: at.length < 4 ? 'OK' : 'ALARM' }] };
    });

    const pending = pollStopConditions(input, withLiveClock(mocks.runtime));
    await jest.advanceTimersByTimeAsync(60_000);
    await pending;

    expect(at.slice(1).map((t, i) => t - (at[i] ?? 0))).toEqual([15_000, 15_000, 15_000]);
  });

  it(`returns continue after a batch of at most ${POLL_BATCH_SECONDS} s`, async () => {
    const mocks = world();

    const pending = pollStopConditions(
      { ...input, plan: { ...plan, fault: { ...plan.fault, maxRunSeconds: 3600 } } },
      withLiveClock(mocks.runtime),
    );
    await jest.advanceTimersByTimeAsync(POLL_BATCH_SECONDS * 1000);
    const result = await pending;

    expect(result).toMatchObject({ action: 'continue', polls: POLL_BATCH_SECONDS / 15 + 1 });
    expect(Date.parse(result.polledAt) - (T0 + 30_000)).toBe(POLL_BATCH_SECONDS * 1000);
  });

  it('returns at once when the first poll says finished', async () => {
    const mocks = world({ fis: 'completed' });

    const result = await pollStopConditions(input, withLiveClock(mocks.runtime));

    expect(result).toMatchObject({ action: 'finished', polls: 1 });
  });
});

import {
  GetExperimentCommand,
  FisServiceException,
  ListExperimentsCommand,
  StopExperimentCommand,
  ValidationException,
} from '@aws-sdk/client-fis';
import { DescribeStateMachineForExecutionCommand } from '@aws-sdk/client-sfn';
import {
  CancelCommandCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
} from '@aws-sdk/client-ssm';
import type { ExperimentPlan, RunConfig } from '../../../lambdas/shared/types';
import {
  DefinitionError,
  runConfigFromDefinition,
  parseFaultServices,
  sweepRun,
  type ExecutionStatusChangeEvent,
} from '../../../lambdas/sweep/sweep';
import { webCpu80Plan } from '../../fixtures/results';
import { mockRuntime, T0 } from '../check-steady-state/mock-runtime';
import { fakeLockTable, lockItem } from '../check-guard-rails/lock-table';

const ssmPlan: ExperimentPlan = {
  ...webCpu80Plan,
  name: 'web-cpu-ssm',
  fault: {
    kind: 'ssm',
    source: 'cpuStress',
    documentName: 'AWSFIS-Run-CPU-Stress',
    durationSeconds: 360,
    maxRunSeconds: 480,
    scope: 'CPU stress via SSM',
    cpuStress: {
      loadPercent: 80,
      cores: 0,
      durationSeconds: 360,
      installDependencies: true,
      targets: { tags: { app: 'shop' }, selection: 'ALL' },
    },
  },
};
const config: RunConfig = {
  configHash: 'hash',
  plans: { [webCpu80Plan.name]: webCpu80Plan, [ssmPlan.name]: ssmPlan },
};
/** The deployed definition, as far as the sweep reads it. */
const definition = JSON.stringify({ States: { LoadRunConfig: { Type: 'Pass', Result: config } } });

const event = (input: string): ExecutionStatusChangeEvent => ({
  source: 'aws.states',
  'detail-type': 'Step Functions Execution Status Change',
  detail: {
    executionArn: 'arn:aws:states:eu-central-1:123456789012:execution:sm:run-9',
    stateMachineArn: 'arn:aws:states:eu-central-1:123456789012:stateMachine:sm',
    name: 'run-9',
    status: 'TIMED_OUT',
    startDate: T0,
    input,
  },
});
const fisOnly = event('{"trigger":"schedule","experiments":["web-cpu-80"]}');

/** No wait between the two searches (the wait itself is tested with fake timers). */
const NOW = { secondSearchAfterSeconds: 0 };

function setUp(status: string, lockHolder: string | undefined = 'run-9') {
  const base = mockRuntime({ at: T0 + 3_600_000 });
  const lock = fakeLockTable(lockHolder !== undefined ? lockItem(lockHolder, T0) : undefined);
  const mocks = { ...base, lock, runtime: lock.with(base.runtime) };
  mocks.sfn.on(DescribeStateMachineForExecutionCommand).resolves({ definition });
  mocks.ssm.on(ListCommandsCommand).resolves({ Commands: [] });
  mocks.fis.on(ListExperimentsCommand).resolves({
    experiments: [
      { id: 'EXP9', state: { status: status as never }, tags: { 'chaos-cadence:run-id': 'run-9' } },
      { id: 'EXPother', state: { status: 'running' }, tags: { 'chaos-cadence:run-id': 'another-run' } },
    ],
  });
  let stopped = false;
  const ended = ['completed', 'stopped', 'failed', 'cancelled'].includes(status);
  mocks.fis.on(StopExperimentCommand).callsFake(() => {
    // FIS refuses to stop an experiment that has ended.
    if (ended) throw new ValidationException({ message: `Experiment is ${status}`, $metadata: {} });
    stopped = true;
    return {};
  });
  mocks.fis
    .on(GetExperimentCommand)
    .callsFake(() => ({ experiment: { id: 'EXP9', state: { status: stopped ? 'stopped' : status } } }));
  return mocks;
}

describe('sweepRun', () => {
  it('stops the running FIS experiment tagged with the run id, and only that one', async () => {
    const mocks = setUp('running');

    const outcome = await sweepRun(fisOnly, mocks.runtime, NOW);

    expect(outcome.stopped).toEqual(['EXP9']);
    expect(mocks.fis).toHaveReceivedCommandTimes(StopExperimentCommand, 1);
    expect(mocks.fis).toHaveReceivedCommandWith(StopExperimentCommand, { id: 'EXP9' });
  });

  it('returns a failed result per requested experiment for PublishResults', async () => {
    const mocks = setUp('completed');

    const outcome = await sweepRun(fisOnly, mocks.runtime, NOW);

    expect(outcome.publish.run.runId).toBe('run-9');
    expect(outcome.publish.results.map((r) => [r.name, r.outcome])).toEqual([['web-cpu-80', 'failed']]);
    expect(outcome.publish.results[0]?.reason).toContain('TIMED_OUT');
  });

  it('returns a failed result per deployed experiment when the run named none', async () => {
    const mocks = setUp('completed');
    mocks.ssm.on(ListCommandsCommand).resolves({ Commands: [] });

    const outcome = await sweepRun(event('{"trigger":"schedule"}'), mocks.runtime, NOW);

    expect(outcome.publish.results.map((r) => r.name)).toEqual(['web-cpu-80', 'web-cpu-ssm']);
  });

  it('asks to stop an experiment the listing shows ended (stop first), and counts it as already ended', async () => {
    const mocks = setUp('completed');

    const outcome = await sweepRun(fisOnly, mocks.runtime, NOW);

    expect(mocks.fis).toHaveReceivedCommandWith(StopExperimentCommand, { id: 'EXP9' });
    expect(outcome.stopped).toEqual([]);
    expect(outcome.unconfirmed).toEqual([]);
  });

  it('sends the stop before reading the definition or the fault state', async () => {
    const mocks = setUp('running');

    await sweepRun(fisOnly, mocks.runtime, NOW);

    const first = (name: string) =>
      [...mocks.fis.calls(), ...mocks.sfn.calls()].find((c) => c.args[0].constructor.name === name);
    const stop = first('StopExperimentCommand');
    const read = first('GetExperimentCommand');
    const describe = first('DescribeStateMachineForExecutionCommand');
    expect(stop && read && describe).toBeTruthy();
    expect(stop?.calledBefore(read as never)).toBe(true);
    expect(stop?.calledBefore(describe as never)).toBe(true);
  });

  it('says "not confirmed" with the checking command when the fault state cannot be read', async () => {
    const mocks = setUp('running');
    mocks.fis.on(GetExperimentCommand).rejects(
      new FisServiceException({
        name: 'InternalServerError',
        $fault: 'server',
        $metadata: {},
        message: 'boom',
      }),
    );

    jest.useFakeTimers({ now: T0 + 3_600_000 });
    let outcome;
    try {
      const pending = sweepRun(fisOnly, mocks.runtime, NOW);
      await jest.advanceTimersByTimeAsync(120_000);
      outcome = await pending;
    } finally {
      jest.useRealTimers();
    }

    expect(mocks.fis).toHaveReceivedCommandWith(StopExperimentCommand, { id: 'EXP9' });
    expect(outcome.stopped).toEqual([]);
    expect(outcome.publish.results[0]?.reason).toContain(
      'not confirmed (check: aws fis get-experiment --id EXP9)',
    );
    expect(outcome.publish.results[0]?.reason).not.toMatch(/stopped EXP9/);
  });

  it('cancels the SSM commands whose comment carries the run id', async () => {
    const mocks = setUp('completed');
    mocks.ssm.on(ListCommandsCommand).resolves({
      Commands: [
        { CommandId: 'cmd-9', Comment: 'chaos-cadence:run-9:web-cpu-ssm' },
        { CommandId: 'cmd-x', Comment: 'chaos-cadence:run-10:web-cpu-ssm' },
      ],
    });
    let cancelled = false;
    mocks.ssm.on(CancelCommandCommand).callsFake(() => {
      cancelled = true;
      return {};
    });
    mocks.ssm
      .on(ListCommandInvocationsCommand)
      .callsFake(() => ({ CommandInvocations: [{ Status: cancelled ? 'Cancelled' : 'InProgress' }] }));
    mocks.fis.on(ListExperimentsCommand).resolves({ experiments: [] });

    const outcome = await sweepRun(
      event('{"trigger":"manual","experiments":["web-cpu-ssm"]}'),
      mocks.runtime,
      NOW,
    );

    expect(outcome.stopped).toEqual(['cmd-9']);
    expect(mocks.ssm).toHaveReceivedCommandTimes(CancelCommandCommand, 1);
  });

  it('does not ask FIS in a stack whose faults all run through SSM (its role may not list experiments)', async () => {
    const mocks = setUp('completed');
    mocks.ssm.on(ListCommandsCommand).resolves({ Commands: [] });

    await sweepRun(event('{"trigger":"manual","experiments":["web-cpu-ssm"]}'), mocks.runtime, {
      ...NOW,
      faultServices: ['ssm'],
    });

    expect(mocks.fis).not.toHaveReceivedCommand(ListExperimentsCommand);
    expect(mocks.ssm).toHaveReceivedCommand(ListCommandsCommand);
  });

  it('does not ask SSM in a stack whose faults all run through FIS', async () => {
    const mocks = setUp('completed');

    await sweepRun(event('{"trigger":"manual","experiments":["web-cpu-80"]}'), mocks.runtime, {
      ...NOW,
      faultServices: ['fis'],
    });

    expect(mocks.ssm).not.toHaveReceivedCommand(ListCommandsCommand);
    expect(mocks.fis).toHaveReceivedCommand(ListExperimentsCommand);
  });

  it('reads the services from the environment the stack sets: unset is both, empty is none', () => {
    expect(parseFaultServices(undefined)).toEqual(['fis', 'ssm']);
    expect(parseFaultServices('ssm')).toEqual(['ssm']);
    expect(parseFaultServices('')).toEqual([]);
    expect(() => parseFaultServices('fis,lambda')).toThrow(
      'CHAOS_SWEEP_FAULT_SERVICES lists lambda: only fis and ssm are known',
    );
  });

  describe('second search', () => {
    afterEach(() => {
      jest.useRealTimers();
    });

    /** FIS answers: nothing of run-9 at the first search; EXPlate running from then on. */
    function lateFault() {
      const mocks = setUp('running');
      let listed = 0;
      mocks.fis.on(ListExperimentsCommand).callsFake(() => {
        listed += 1;
        return {
          experiments:
            listed === 1
              ? []
              : [{ id: 'EXPlate', state: { status: 'running' }, tags: { 'chaos-cadence:run-id': 'run-9' } }],
        };
      });
      return mocks;
    }

    it('stops a fault that a StartFault still in flight started after the first search', async () => {
      const mocks = lateFault();

      const outcome = await sweepRun(fisOnly, mocks.runtime, NOW);

      expect(outcome.stoppedLate).toEqual(['EXPlate']);
      expect(mocks.fis).toHaveReceivedCommandWith(StopExperimentCommand, { id: 'EXPlate' });
    });

    it('searches the second time two minutes after the first', async () => {
      jest.useFakeTimers({ now: T0 });
      const mocks = lateFault();

      const sweeping = sweepRun(fisOnly, mocks.runtime);
      await jest.advanceTimersByTimeAsync(119_000);
      const before = mocks.fis.commandCalls(ListExperimentsCommand).length;
      await jest.advanceTimersByTimeAsync(1_000);
      await sweeping;

      expect([before, mocks.fis.commandCalls(ListExperimentsCommand).length]).toEqual([1, 2]);
    });

    it('does not stop again what the first search stopped', async () => {
      const mocks = setUp('running');

      const outcome = await sweepRun(fisOnly, mocks.runtime, NOW);

      expect([outcome.stopped, outcome.stoppedLate]).toEqual([['EXP9'], []]);
      expect(mocks.fis).toHaveReceivedCommandTimes(StopExperimentCommand, 1);
    });
  });

  describe('run lock', () => {
    it('releases the lock the ended run holds, after both searches', async () => {
      const mocks = setUp('running');

      const outcome = await sweepRun(fisOnly, mocks.runtime, NOW);

      expect(outcome.runLock.released).toBe(true);
      expect(mocks.lock.holder()).toBeUndefined();
    });

    it("leaves another run's lock alone", async () => {
      const mocks = setUp('completed', 'run-10');

      const outcome = await sweepRun(fisOnly, mocks.runtime, NOW);

      expect(outcome.runLock.released).toBe(false);
      expect(mocks.lock.holder()).toBe('run-10');
    });

    it('keeps the lock when a fault could not be stopped (the sweep fails; the lease ends it)', async () => {
      const mocks = setUp('running');
      mocks.fis
        .on(StopExperimentCommand)
        .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

      await expect(sweepRun(fisOnly, mocks.runtime, NOW)).rejects.toMatchObject({ name: 'AwsCallError' });
      expect(mocks.lock.holder()).toBe('run-9');
    });
  });

  it('rejects a definition without the RunConfig', () => {
    expect(() => runConfigFromDefinition('{"States":{}}')).toThrow(DefinitionError);
  });
});

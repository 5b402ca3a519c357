import {
  ConflictException,
  FisServiceException,
  GetExperimentCommand,
  ListExperimentsCommand,
  StopExperimentCommand,
  ValidationException,
  type ExperimentStatus,
} from '@aws-sdk/client-fis';
import {
  CancelCommandCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
} from '@aws-sdk/client-ssm';
import type { ExperimentPlan, FaultRef } from '../../../lambdas/shared/types';
import {
  CONFIRM_ATTEMPTS,
  CONFIRM_INTERVAL_SECONDS,
  FaultNotStoppedError,
  stopFault,
  type StopFaultInput,
} from '../../../lambdas/stop-fault/stop-fault';
import { run, webCpu80Plan } from '../../fixtures/results';
import { mockRuntime, T0 } from '../check-steady-state/mock-runtime';

const fisFault: FaultRef = {
  kind: 'fis',
  id: 'EXP1',
  startedAt: new Date(T0).toISOString(),
  state: 'running',
  dryRun: false,
};
const ssmFault: FaultRef = { ...fisFault, kind: 'ssm', id: 'cmd-1' };
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
const input: StopFaultInput = { run, plan: webCpu80Plan, fault: fisFault, reason: 'stop-condition' };

/** A FIS experiment in `status` that turns `stopped` once StopExperiment is called. */
function fisWorld(status: ExperimentStatus | 'cancelled' = 'running') {
  const mocks = mockRuntime();
  let stopped = false;
  const ended = ['completed', 'stopped', 'failed', 'cancelled'].includes(status);
  mocks.fis.on(StopExperimentCommand).callsFake(() => {
    // FIS refuses to stop an experiment that has ended.
    if (ended) throw new ValidationException({ message: `Experiment is ${status}`, $metadata: {} });
    stopped = true;
    return { experiment: { id: 'EXP1', state: { status: 'stopping' } } };
  });
  mocks.fis
    .on(GetExperimentCommand)
    .callsFake(() => ({ experiment: { id: 'EXP1', state: { status: stopped ? 'stopped' : status } } }));
  return mocks;
}

describe('stopFault (FIS)', () => {
  it('stops a running experiment', async () => {
    const mocks = fisWorld();

    await stopFault(input, mocks.runtime);

    expect(mocks.fis).toHaveReceivedCommandWith(StopExperimentCommand, { id: 'EXP1' });
  });

  it('confirms the stop by reading the experiment state', async () => {
    const mocks = fisWorld();

    const result = await stopFault(input, mocks.runtime);

    expect(result).toEqual({
      requestedAt: '2025-03-04T10:00:00.000Z',
      confirmation: 'confirmed',
      confirmedState: 'stopped',
      alreadyEnded: false,
      reason: 'stop-condition',
    });
  });

  it.each(['completed', 'stopped', 'failed', 'cancelled'] as const)(
    'sends the stop first and succeeds as already ended when the experiment already %s',
    async (status) => {
      const mocks = fisWorld(status);

      const result = await stopFault(input, mocks.runtime);

      expect(mocks.fis).toHaveReceivedCommandWith(StopExperimentCommand, { id: 'EXP1' });
      expect(result).toMatchObject({ confirmation: 'confirmed', confirmedState: status, alreadyEnded: true });
    },
  );

  it.each([
    ['ValidationException', new ValidationException({ message: 'Experiment is not running', $metadata: {} })],
    ['ConflictException', new ConflictException({ message: 'already ended', $metadata: {} })],
  ])('succeeds when FIS answers %s because the experiment ended meanwhile', async (_name, error) => {
    const mocks = mockRuntime();
    mocks.fis
      .on(GetExperimentCommand)
      .resolvesOnce({ experiment: { id: 'EXP1', state: { status: 'running' } } })
      .resolves({ experiment: { id: 'EXP1', state: { status: 'completed' } } });
    mocks.fis.on(StopExperimentCommand).rejects(error);
    // The first confirmation read still sees it running: the second comes a confirm interval later.
    jest.useFakeTimers({ now: T0 });
    try {
      const pending = stopFault(input, mocks.runtime);
      await jest.advanceTimersByTimeAsync(CONFIRM_INTERVAL_SECONDS * 1000);

      await expect(pending).resolves.toMatchObject({ confirmedState: 'completed' });
    } finally {
      jest.useRealTimers();
    }
  });

  it('succeeds when the experiment is still stopping after the confirmation reads', async () => {
    jest.useFakeTimers({ now: T0 });
    try {
      const mocks = mockRuntime();
      mocks.fis
        .on(GetExperimentCommand)
        .resolvesOnce({ experiment: { id: 'EXP1', state: { status: 'running' } } })
        .resolves({ experiment: { id: 'EXP1', state: { status: 'stopping' } } });
      mocks.fis.on(StopExperimentCommand).resolves({});

      const pending = stopFault(input, mocks.runtime);
      await jest.advanceTimersByTimeAsync(CONFIRM_ATTEMPTS * CONFIRM_INTERVAL_SECONDS * 1000);

      await expect(pending).resolves.toMatchObject({ confirmedState: 'stopping', alreadyEnded: false });
    } finally {
      jest.useRealTimers();
    }
  });

  it('rejects with FaultNotStoppedError when the experiment still runs after the confirmation reads', async () => {
    jest.useFakeTimers({ now: T0 });
    try {
      const mocks = mockRuntime();
      mocks.fis
        .on(GetExperimentCommand)
        .resolves({ experiment: { id: 'EXP1', state: { status: 'running' } } });
      mocks.fis
        .on(StopExperimentCommand)
        .rejects(new ValidationException({ message: 'nope', $metadata: {} }));

      const pending = stopFault(input, mocks.runtime);
      const settled = expect(pending).rejects.toThrow(FaultNotStoppedError);
      await jest.advanceTimersByTimeAsync(CONFIRM_ATTEMPTS * CONFIRM_INTERVAL_SECONDS * 1000);

      await settled;
    } finally {
      jest.useRealTimers();
    }
  });

  it('rejects, classified, when FIS refuses the stop for another reason', async () => {
    const mocks = fisWorld();
    mocks.fis
      .on(StopExperimentCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    await expect(stopFault(input, mocks.runtime)).rejects.toMatchObject({ name: 'AwsCallError' });
  });

  it('finds the experiment by run id and experiment tag when the fault id is unknown', async () => {
    // Each experiment keeps its own state (the shared fisWorld has one flag for all).
    const mocks = mockRuntime();
    const stoppedIds = new Set<string>();
    mocks.fis.on(StopExperimentCommand).callsFake((req: { id: string }) => {
      stoppedIds.add(req.id);
      return { experiment: { id: req.id, state: { status: 'stopping' } } };
    });
    mocks.fis.on(GetExperimentCommand).callsFake((req: { id: string }) => ({
      experiment: { id: req.id, state: { status: stoppedIds.has(req.id) ? 'stopped' : 'running' } },
    }));
    mocks.fis.on(ListExperimentsCommand).resolves({
      experiments: [
        {
          id: 'EXP1',
          state: { status: 'running' },
          tags: { 'chaos-cadence:run-id': run.runId, 'chaos-cadence:experiment': 'web-cpu-80' },
        },
        {
          id: 'EXP2',
          state: { status: 'running' },
          tags: { 'chaos-cadence:run-id': 'other-run', 'chaos-cadence:experiment': 'web-cpu-80' },
        },
        {
          id: 'EXP3',
          state: { status: 'running' },
          tags: { 'chaos-cadence:run-id': run.runId, 'chaos-cadence:experiment': 'other' },
        },
      ],
    });

    mocks.ssm.on(ListCommandsCommand).resolves({ Commands: [] });

    const result = await stopFault({ ...input, fault: null, reason: 'error' }, mocks.runtime);

    // Its own experiment, and (error path) the run's other unfinished one; never another run's.
    expect(mocks.fis).toHaveReceivedCommandWith(StopExperimentCommand, { id: 'EXP1' });
    expect(mocks.fis).toHaveReceivedCommandWith(StopExperimentCommand, { id: 'EXP3' });
    expect(mocks.fis).not.toHaveReceivedCommandWith(StopExperimentCommand, { id: 'EXP2' });
    expect(result.earlierFaults).toEqual(['fis EXP3 of other: stopped']);
  });

  it('stops only its own experiment outside the error path', async () => {
    const mocks = fisWorld();

    await stopFault(input, mocks.runtime);

    expect(mocks.fis).toHaveReceivedCommandTimes(StopExperimentCommand, 1);
    expect(mocks.fis).not.toHaveReceivedCommand(ListExperimentsCommand);
  });

  it('still reports its own stop when an earlier fault of the run cannot be stopped', async () => {
    const mocks = mockRuntime();
    mocks.fis.on(ListExperimentsCommand).resolves({
      experiments: [
        {
          id: 'EXP9',
          state: { status: 'running' },
          tags: { 'chaos-cadence:run-id': run.runId, 'chaos-cadence:experiment': 'earlier' },
        },
      ],
    });
    mocks.fis.on(GetExperimentCommand).resolves({ experiment: { id: 'EXP9', state: { status: 'running' } } });
    mocks.fis.on(StopExperimentCommand, { id: 'EXP9' }).rejects(new Error('AccessDenied'));
    mocks.ssm.on(ListCommandsCommand).resolves({ Commands: [] });

    const result = await stopFault({ ...input, fault: null, reason: 'error' }, mocks.runtime);

    expect(result).toMatchObject({ confirmedState: 'stopped', alreadyEnded: true });
    expect(result.earlierFaults?.[0]).toMatch(/^fis EXP9 of earlier: .*AccessDenied/);
  });

  it('follows ListExperiments pages when looking by run id', async () => {
    const mocks = fisWorld();
    mocks.fis
      .on(ListExperimentsCommand)
      .resolvesOnce({ experiments: [], nextToken: 'page-2' })
      .resolvesOnce({
        experiments: [
          {
            id: 'EXP1',
            tags: { 'chaos-cadence:run-id': run.runId, 'chaos-cadence:experiment': 'web-cpu-80' },
          },
        ],
      });

    await stopFault({ ...input, fault: null, reason: 'error' }, mocks.runtime);

    expect(mocks.fis).toHaveReceivedCommandWith(StopExperimentCommand, { id: 'EXP1' });
  });

  it('succeeds with nothing to stop when the run started no experiment', async () => {
    const mocks = fisWorld();
    mocks.fis.on(ListExperimentsCommand).resolves({ experiments: [] });

    const result = await stopFault({ ...input, fault: null, reason: 'error' }, mocks.runtime);

    expect(result).toMatchObject({ alreadyEnded: true, reason: 'error' });
    expect(mocks.fis).not.toHaveReceivedCommand(StopExperimentCommand);
  });

  it('does nothing for a dry-run fault', async () => {
    const mocks = fisWorld();

    const result = await stopFault(
      { ...input, fault: { ...ssmFault, state: 'dry-run', dryRun: true } },
      mocks.runtime,
    );

    expect(result).toMatchObject({ confirmedState: 'dry-run', alreadyEnded: true });
    expect(mocks.ssm).not.toHaveReceivedCommand(CancelCommandCommand);
  });
});

describe('stopFault (SSM)', () => {
  function ssmWorld() {
    const mocks = mockRuntime();
    let cancelled = false;
    mocks.ssm.on(CancelCommandCommand).callsFake(() => {
      cancelled = true;
      return {};
    });
    mocks.ssm.on(ListCommandInvocationsCommand).callsFake(() => ({
      CommandInvocations: [{ Status: cancelled ? 'Cancelled' : 'InProgress' }],
    }));
    return mocks;
  }
  const ssmInput: StopFaultInput = { run, plan: ssmPlan, fault: ssmFault, reason: 'kill-switch' };

  it('cancels the command and confirms it is cancelled', async () => {
    const mocks = ssmWorld();

    const result = await stopFault(ssmInput, mocks.runtime);

    expect(mocks.ssm).toHaveReceivedCommandWith(CancelCommandCommand, { CommandId: 'cmd-1' });
    expect(result).toMatchObject({ confirmedState: 'cancelled', alreadyEnded: false, reason: 'kill-switch' });
  });

  it('cancels every command of a fault sent in chunks, then confirms all of them ended', async () => {
    const mocks = ssmWorld();
    const chunked: FaultRef = { ...ssmFault, commandIds: ['cmd-1', 'cmd-2', 'cmd-3'] };

    const result = await stopFault({ ...ssmInput, fault: chunked }, mocks.runtime);

    const cancelled = mocks.ssm.commandCalls(CancelCommandCommand).map((c) => c.args[0].input.CommandId);
    expect(cancelled).toEqual(['cmd-1', 'cmd-2', 'cmd-3']);
    const read = mocks.ssm.commandCalls(ListCommandInvocationsCommand).map((c) => c.args[0].input.CommandId);
    expect(read.slice(-3)).toEqual(['cmd-1', 'cmd-2', 'cmd-3']);
    expect(result).toMatchObject({ confirmedState: 'cancelled', alreadyEnded: false });
  });

  it('requests the cancel of every command even when one cancel fails, then fails', async () => {
    const mocks = ssmWorld();
    mocks.ssm
      .on(CancelCommandCommand, { CommandId: 'cmd-2' })
      .rejects(Object.assign(new Error('boom'), { name: 'AccessDeniedException' }));
    const chunked: FaultRef = { ...ssmFault, commandIds: ['cmd-1', 'cmd-2', 'cmd-3'] };

    await expect(stopFault({ ...ssmInput, fault: chunked }, mocks.runtime)).rejects.toThrow(
      'AccessDeniedException',
    );
    const cancelled = mocks.ssm.commandCalls(CancelCommandCommand).map((c) => c.args[0].input.CommandId);
    expect(cancelled).toEqual(['cmd-1', 'cmd-2', 'cmd-3']);
  });

  it('finds the command by document and run comment when the fault id is unknown', async () => {
    const mocks = ssmWorld();
    mocks.ssm.on(ListCommandsCommand).resolves({
      Commands: [
        { CommandId: 'cmd-1', Comment: `chaos-cadence:${run.runId}:web-cpu-ssm` },
        { CommandId: 'cmd-other', Comment: 'chaos-cadence:other-run:web-cpu-ssm' },
      ],
    });

    await stopFault({ ...ssmInput, fault: null }, mocks.runtime);

    expect(mocks.ssm).toHaveReceivedCommandWith(ListCommandsCommand, {
      Filters: expect.arrayContaining([{ key: 'DocumentName', value: 'AWSFIS-Run-CPU-Stress' }]) as never,
    });
    expect(mocks.ssm).toHaveReceivedCommandTimes(CancelCommandCommand, 1);
    expect(mocks.ssm).toHaveReceivedCommandWith(CancelCommandCommand, { CommandId: 'cmd-1' });
  });
});

describe('stopFault: stop first, confirm after', () => {
  const serverError = () =>
    new FisServiceException({
      name: 'InternalServerError',
      $fault: 'server',
      $metadata: {},
      message: 'boom',
    });
  const throttled = () =>
    new FisServiceException({
      name: 'ThrottlingException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
      message: 'Rate exceeded',
    });

  async function withFakeTimers<T>(work: () => Promise<T>): Promise<T> {
    jest.useFakeTimers({ now: T0 });
    try {
      const pending = work();
      await jest.advanceTimersByTimeAsync(10 * 60_000);
      return await pending;
    } finally {
      jest.useRealTimers();
    }
  }

  it('sends StopExperiment before reading the experiment, even when every read fails', async () => {
    const mocks = mockRuntime();
    mocks.fis.on(StopExperimentCommand).resolves({});
    mocks.fis.on(GetExperimentCommand).rejects(serverError());

    await withFakeTimers(() => stopFault(input, mocks.runtime));

    const calls = mocks.fis.calls().map((c) => c.args[0].constructor.name);
    expect(calls[0]).toBe('StopExperimentCommand');
  });

  it('returns "not-confirmed" with the checking command when no read succeeds', async () => {
    const mocks = mockRuntime();
    mocks.fis.on(StopExperimentCommand).resolves({});
    mocks.fis.on(GetExperimentCommand).rejects(serverError());

    const result = await withFakeTimers(() => stopFault(input, mocks.runtime));

    expect(result).toMatchObject({
      confirmation: 'not-confirmed',
      checkCommand: 'aws fis get-experiment --id EXP1',
      requestedAt: new Date(T0).toISOString(),
    });
    expect(result.confirmedState).toBeUndefined();
  });

  it('cancels the SSM command before reading it and names list-command-invocations when unconfirmed', async () => {
    const mocks = mockRuntime();
    mocks.ssm.on(CancelCommandCommand).resolves({});
    mocks.ssm.on(ListCommandInvocationsCommand).rejects(serverError());

    const result = await withFakeTimers(() =>
      stopFault({ ...input, plan: ssmPlan, fault: ssmFault }, mocks.runtime),
    );

    expect(mocks.ssm).toHaveReceivedCommandWith(CancelCommandCommand, { CommandId: 'cmd-1' });
    expect(result).toMatchObject({
      confirmation: 'not-confirmed',
      checkCommand: 'aws ssm list-command-invocations --command-id cmd-1',
    });
  });

  it('retries a throttled StopExperiment with backoff until it is accepted', async () => {
    const mocks = fisWorld();
    let attempts = 0;
    mocks.fis.on(StopExperimentCommand).callsFake(() => {
      attempts += 1;
      if (attempts <= 3) throw throttled();
      return {};
    });
    mocks.fis.on(GetExperimentCommand).callsFake(() => ({
      experiment: { id: 'EXP1', state: { status: attempts > 3 ? 'stopped' : 'running' } },
    }));

    const result = await withFakeTimers(() => stopFault(input, mocks.runtime));

    expect(attempts).toBe(4);
    expect(result).toMatchObject({ confirmation: 'confirmed', confirmedState: 'stopped' });
  });

  it('rejects when StopExperiment is refused for good (access denied): the workflow Catch takes over', async () => {
    const mocks = mockRuntime();
    mocks.fis
      .on(StopExperimentCommand)
      .rejects(new FisServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: {} }));

    await expect(stopFault(input, mocks.runtime)).rejects.toThrow(/AccessDeniedException/);
    expect(mocks.fis).not.toHaveReceivedCommand(GetExperimentCommand);
  });
});

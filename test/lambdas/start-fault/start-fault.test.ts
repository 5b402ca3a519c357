import { Readable } from 'node:stream';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import {
  FisClient,
  ListExperimentsCommand,
  StartExperimentCommand,
  StopExperimentCommand,
} from '@aws-sdk/client-fis';
import { ListCommandsCommand, SendCommandCommand } from '@aws-sdk/client-ssm';
import type { HttpRequest } from '@smithy/types';
import type { ExperimentPlan, RunContext } from '../../../lambdas/shared/types';
import {
  clientToken,
  DryRunNotHonouredError,
  NoTargetsError,
  PreviousFaultRunningError,
  RELIST_DELAYS_SECONDS,
  selectTargets,
  startFault,
  type StartFaultInput,
} from '../../../lambdas/start-fault/start-fault';
import { run, webCpu80Plan } from '../../fixtures/results';
import { mockRuntime, T0 } from '../check-steady-state/mock-runtime';

const fisPlan: ExperimentPlan = webCpu80Plan;
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
      cores: 2,
      durationSeconds: 360,
      installDependencies: true,
      targets: { tags: { app: 'shop', 'chaos-ready': 'true' }, selection: 'ALL' },
    },
  },
};
const dryRun: RunContext = { ...run, dryRun: true };

function withSelection(selection: string): ExperimentPlan {
  if (ssmPlan.fault.kind !== 'ssm') throw new Error('fixture');
  const { cpuStress } = ssmPlan.fault;
  return {
    ...ssmPlan,
    fault: { ...ssmPlan.fault, cpuStress: { ...cpuStress, targets: { ...cpuStress.targets, selection } } },
  };
}

/** A seeded uniform source, so random picks are reproducible. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** No fault of the run exists yet: both listings StartFault checks first answer empty. */
function noEarlierFaults(mocks: ReturnType<typeof mockRuntime>): void {
  mocks.fis.on(ListExperimentsCommand).resolves({ experiments: [] });
  mocks.ssm.on(ListCommandsCommand).resolves({ Commands: [] });
}

const fleet = (n: number) => Array.from({ length: n }, (_, i) => `i-${String(i).padStart(3, '0')}`);

describe('startFault via FIS', () => {
  function fis() {
    const mocks = mockRuntime();
    noEarlierFaults(mocks);
    mocks.fis.on(StartExperimentCommand).resolves({
      experiment: {
        id: 'EXP123',
        state: { status: 'initiating' },
        startTime: new Date(T0),
      },
    });
    return mocks;
  }

  it('starts the plan template with a client token derived from the run id and experiment', async () => {
    const mocks = fis();

    await startFault({ run, plan: fisPlan }, mocks.runtime);

    expect(mocks.fis).toHaveReceivedCommandWith(StartExperimentCommand, {
      experimentTemplateId: 'EXT4hT9bXq2mZ7a',
      clientToken: clientToken(run.runId, 'web-cpu-80'),
    });
  });

  it('sends the same client token when StartFault is retried, so FIS starts the experiment once', async () => {
    const mocks = fis();

    await startFault({ run, plan: fisPlan }, mocks.runtime);
    await startFault({ run, plan: fisPlan }, mocks.runtime);

    const tokens = mocks.fis.commandCalls(StartExperimentCommand).map((c) => c.args[0].input.clientToken);
    expect(new Set(tokens).size).toBe(1);
  });

  it('derives different client tokens for other runs and other experiments, within 64 characters', () => {
    const tokens = [clientToken('run-1', 'a'), clientToken('run-2', 'a'), clientToken('run-1', 'b')];

    expect(new Set(tokens).size).toBe(3);
    expect(Math.max(...tokens.map((t) => t.length))).toBeLessThanOrEqual(64);
  });

  it('tags the experiment with the run id and the experiment name', async () => {
    const mocks = fis();

    await startFault({ run, plan: fisPlan }, mocks.runtime);

    expect(mocks.fis).toHaveReceivedCommandWith(StartExperimentCommand, {
      tags: {
        'chaos-cadence:run-id': run.runId,
        'chaos-cadence:experiment': 'web-cpu-80',
        Name: 'chaos-cadence web-cpu-80',
      },
    });
  });

  it('returns the started experiment', async () => {
    const mocks = fis();

    const fault = await startFault({ run, plan: fisPlan }, mocks.runtime);

    expect(fault).toEqual({
      kind: 'fis',
      id: 'EXP123',
      startedAt: '2025-03-04T10:00:00.000Z',
      state: 'initiating',
      dryRun: false,
      templateId: 'EXT4hT9bXq2mZ7a',
    });
  });

  it('asks for actionsMode skip-all in a dry run', async () => {
    const mocks = fis();
    mocks.fis.on(StartExperimentCommand).resolves({
      experiment: { id: 'EXP123', experimentOptions: { actionsMode: 'skip-all' } as object },
    });

    await startFault({ run: dryRun, plan: fisPlan }, mocks.runtime);

    expect(mocks.fis).toHaveReceivedCommandWith(StartExperimentCommand, {
      experimentOptions: { actionsMode: 'skip-all' },
    } as never);
  });

  it('rejects when FIS answers without an experiment', async () => {
    const mocks = mockRuntime();
    noEarlierFaults(mocks);
    mocks.fis.on(StartExperimentCommand).resolves({});

    await expect(startFault({ run, plan: fisPlan }, mocks.runtime)).rejects.toMatchObject({
      name: 'FaultStartError',
    });
  });

  it('rejects with ThrottledError when FIS throttles, so the state retries', async () => {
    const mocks = mockRuntime();
    noEarlierFaults(mocks);
    mocks.fis
      .on(StartExperimentCommand)
      .rejects(Object.assign(new Error('rate exceeded'), { name: 'ThrottlingException' }));

    await expect(startFault({ run, plan: fisPlan }, mocks.runtime)).rejects.toMatchObject({
      name: 'ThrottledError',
    });
  });
});

describe('startFault via FIS: the request on the wire', () => {
  // The pinned @aws-sdk/client-fis (3.523) drops experimentOptions when it serializes; these run a
  // real FisClient down to the HTTP handler to prove the middleware puts it back, and that the
  // answer's experimentOptions survives its deserializer for the dry-run check.
  interface Sent {
    readonly method: string;
    readonly path: string;
    readonly body: string;
    readonly headers: Record<string, string>;
  }

  /** A FisClient answered by a fake HTTP handler; StartExperiment answers with `experimentOptions`. */
  function wire(experimentOptions?: Record<string, string>) {
    const sent: Sent[] = [];
    const answers: Record<string, object> = {
      'GET /experiments': { experiments: [] },
      'POST /experiments': {
        experiment: {
          id: 'EXPWIRE',
          state: { status: 'initiating' },
          ...(experimentOptions ? { experimentOptions } : {}),
        },
      },
      'DELETE /experiments/EXPWIRE': { experiment: { id: 'EXPWIRE', state: { status: 'stopping' } } },
    };
    const client = new FisClient({
      region: 'eu-central-1',
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
      maxAttempts: 1,
      requestHandler: {
        handle: (request: HttpRequest) => {
          const body = typeof request.body === 'string' ? request.body : String(request.body);
          sent.push({ method: request.method, path: request.path, body, headers: request.headers });
          const payload = JSON.stringify(answers[`${request.method} ${request.path}`] ?? {});
          return Promise.resolve({
            response: {
              statusCode: 200,
              headers: { 'content-type': 'application/json' },
              body: Readable.from([Buffer.from(payload)]),
            },
          });
        },
      },
    });
    const mocks = mockRuntime();
    mocks.ssm.on(ListCommandsCommand).resolves({ Commands: [] });
    const runtime = { ...mocks.runtime, clients: { ...mocks.runtime.clients, fis: client } };
    const starts = () => sent.filter((r) => r.method === 'POST' && r.path === '/experiments');
    const stops = () => sent.filter((r) => r.method === 'DELETE');
    return { runtime, starts, stops };
  }

  it('sends experimentOptions.actionsMode skip-all in a dry run', async () => {
    const { runtime, starts } = wire({ actionsMode: 'skip-all' });

    await startFault({ run: dryRun, plan: fisPlan }, runtime);

    expect(starts()[0]?.body).toContain('"experimentOptions":{"actionsMode":"skip-all"}');
  });

  it('keeps the rest of the body and a matching content-length in a dry run', async () => {
    const { runtime, starts } = wire({ actionsMode: 'skip-all' });

    await startFault({ run: dryRun, plan: fisPlan }, runtime);

    const [start] = starts();
    const body = JSON.parse(start?.body ?? '{}') as Record<string, unknown>;
    expect(body).toMatchObject({
      experimentTemplateId: 'EXT4hT9bXq2mZ7a',
      clientToken: clientToken(run.runId, 'web-cpu-80'),
    });
    expect(start?.headers['content-length']).toBe(String(Buffer.byteLength(start?.body ?? '')));
  });

  it('sends no experimentOptions outside a dry run', async () => {
    const { runtime, starts } = wire();

    await startFault({ run, plan: fisPlan }, runtime);

    expect(starts()[0]?.body).not.toContain('experimentOptions');
  });

  it('accepts a dry run whose raw answer says actionsMode skip-all, stopping nothing', async () => {
    const { runtime, stops } = wire({ actionsMode: 'skip-all', emptyTargetResolutionMode: 'fail' });

    const fault = await startFault({ run: dryRun, plan: fisPlan }, runtime);

    expect(fault).toMatchObject({ id: 'EXPWIRE', dryRun: true });
    expect(stops()).toEqual([]);
  });

  it('stops the experiment on the wire when the raw answer of a dry run has no actionsMode', async () => {
    const { runtime, stops } = wire({ emptyTargetResolutionMode: 'fail' });

    await expect(startFault({ run: dryRun, plan: fisPlan }, runtime)).rejects.toThrow(DryRunNotHonouredError);
    expect(stops().map((r) => r.path)).toEqual(['/experiments/EXPWIRE']);
  });
});

describe('startFault via FIS: a dry run is verified', () => {
  function dryRunAnswer(experimentOptions?: Record<string, string>) {
    const mocks = mockRuntime();
    noEarlierFaults(mocks);
    mocks.fis.on(StartExperimentCommand).resolves({
      experiment: {
        id: 'EXPDRY',
        state: { status: 'initiating' },
        startTime: new Date(T0),
        ...(experimentOptions ? { experimentOptions } : {}),
      },
    });
    mocks.fis.on(StopExperimentCommand).resolves({ experiment: { id: 'EXPDRY' } });
    return mocks;
  }

  it('returns the dry-run experiment when FIS answers actionsMode skip-all', async () => {
    const mocks = dryRunAnswer({ actionsMode: 'skip-all' });

    const fault = await startFault({ run: dryRun, plan: fisPlan }, mocks.runtime);

    expect(fault).toMatchObject({ id: 'EXPDRY', dryRun: true });
    expect(mocks.fis).not.toHaveReceivedCommand(StopExperimentCommand);
  });

  it.each<[string, Record<string, string> | undefined]>([
    ['run-all', { actionsMode: 'run-all' }],
    ['no actionsMode', { emptyTargetResolutionMode: 'fail' }],
    ['no experimentOptions', undefined],
  ])('stops the experiment at once when FIS answers %s to a dry run', async (_, options) => {
    const mocks = dryRunAnswer(options);

    await expect(startFault({ run: dryRun, plan: fisPlan }, mocks.runtime)).rejects.toThrow(
      DryRunNotHonouredError,
    );
    expect(mocks.fis).toHaveReceivedCommandWith(StopExperimentCommand, { id: 'EXPDRY' });
  });

  it('says the dry run was not honoured and the experiment was stopped', async () => {
    const mocks = dryRunAnswer({ actionsMode: 'run-all' });

    await expect(startFault({ run: dryRun, plan: fisPlan }, mocks.runtime)).rejects.toThrow(
      'dry run not honoured: FIS experiment EXPDRY of web-cpu-80 was started with actionsMode run-all instead of skip-all, so it may inject; its stop was requested at once (StopFaultAfterError confirms it)',
    );
  });

  it('still rejects as not honoured, keeping the stop failure as the cause, when the stop fails', async () => {
    const mocks = dryRunAnswer({ actionsMode: 'run-all' });
    mocks.fis
      .on(StopExperimentCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    const error = (await startFault({ run: dryRun, plan: fisPlan }, mocks.runtime).catch(
      (e: unknown) => e,
    )) as Error;

    expect([error.name, error.message.endsWith('STOPPING IT FAILED: stop it by hand')]).toEqual([
      'DryRunNotHonouredError',
      true,
    ]);
    expect(error.cause).toMatchObject({ name: 'AwsCallError' });
  });

  it('does not check actionsMode outside a dry run', async () => {
    const mocks = dryRunAnswer({ actionsMode: 'run-all' });

    const fault = await startFault({ run, plan: fisPlan }, mocks.runtime);

    expect(fault.id).toBe('EXPDRY');
    expect(mocks.fis).not.toHaveReceivedCommand(StopExperimentCommand);
  });
});

describe('startFault: a fault of an earlier experiment of the run has not ended', () => {
  const fisSummary = (id: string, experiment: string, status: string, runId = run.runId) => ({
    id,
    state: { status },
    tags: { 'chaos-cadence:run-id': runId, 'chaos-cadence:experiment': experiment },
  });
  const ssmCommand = (id: string, experiment: string, status: string) => ({
    CommandId: id,
    Comment: `chaos-cadence:${run.runId}:${experiment}`,
    Status: status,
    InstanceIds: ['i-1'],
  });

  function account(options: { experiments?: object[]; commands?: object[] }) {
    const mocks = mockRuntime();
    mocks.fis.on(ListExperimentsCommand).resolves({ experiments: options.experiments ?? [] });
    mocks.ssm.on(ListCommandsCommand).resolves({ Commands: options.commands ?? [] });
    mocks.fis
      .on(StartExperimentCommand)
      .resolves({ experiment: { id: 'EXPNEW', state: { status: 'pending' } } });
    mocks.ec2
      .on(DescribeInstancesCommand)
      .resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-1' }] }] });
    mocks.ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-new' } });
    return mocks;
  }

  it.each(['pending', 'initiating', 'running', 'stopping'])(
    'rejects with PreviousFaultRunningError, starting nothing, while an earlier FIS experiment is %s',
    async (status) => {
      const mocks = account({ experiments: [fisSummary('EXPOLD', 'web-cpu-first', status)] });

      await expect(startFault({ run, plan: fisPlan }, mocks.runtime)).rejects.toThrow(
        PreviousFaultRunningError,
      );
      expect(mocks.fis).not.toHaveReceivedCommand(StartExperimentCommand);
    },
  );

  it('names the unfinished fault first, with its experiment and state', async () => {
    const mocks = account({ experiments: [fisSummary('EXPOLD', 'web-cpu-first', 'running')] });

    await expect(startFault({ run, plan: fisPlan }, mocks.runtime)).rejects.toThrow(
      `earlier fault not ended: fis EXPOLD of web-cpu-first (running); not injecting web-cpu-80 on top of it (run ${run.runId})`,
    );
  });

  it.each(['completed', 'stopped', 'failed', 'cancelled'])(
    'starts when the earlier FIS experiment is %s',
    async (status) => {
      const mocks = account({ experiments: [fisSummary('EXPOLD', 'web-cpu-first', status)] });

      const fault = await startFault({ run, plan: fisPlan }, mocks.runtime);

      expect(fault.id).toBe('EXPNEW');
    },
  );

  it('does not count its own experiment, started by an earlier attempt of this StartFault', async () => {
    const mocks = account({ experiments: [fisSummary('EXPNEW', 'web-cpu-80', 'running')] });

    const fault = await startFault({ run, plan: fisPlan }, mocks.runtime);

    expect(fault.id).toBe('EXPNEW');
  });

  it('does not count running experiments of other runs', async () => {
    const mocks = account({ experiments: [fisSummary('EXPOTHER', 'web-cpu-first', 'running', 'other-run')] });

    const fault = await startFault({ run, plan: fisPlan }, mocks.runtime);

    expect(fault.id).toBe('EXPNEW');
  });

  it.each(['Pending', 'InProgress', 'Cancelling'])(
    'rejects, sending nothing, while an earlier SSM command of the run is %s',
    async (status) => {
      const mocks = account({ commands: [ssmCommand('cmd-old', 'web-cpu-first', status)] });

      await expect(startFault({ run, plan: ssmPlan }, mocks.runtime)).rejects.toThrow(
        'ssm cmd-old of web-cpu-first',
      );
      expect(mocks.ssm).not.toHaveReceivedCommand(SendCommandCommand);
    },
  );

  it.each(['Success', 'Cancelled', 'Failed', 'TimedOut'])(
    'sends when the earlier SSM command of the run is %s',
    async (status) => {
      const mocks = account({ commands: [ssmCommand('cmd-old', 'web-cpu-first', status)] });

      const fault = await startFault({ run, plan: ssmPlan }, mocks.runtime);

      expect(fault.id).toBe('cmd-new');
    },
  );

  it('does not count its own SSM command, sent by an earlier attempt: it reuses it', async () => {
    const mocks = account({ commands: [ssmCommand('cmd-mine', 'web-cpu-ssm', 'InProgress')] });

    const fault = await startFault({ run, plan: ssmPlan }, mocks.runtime);

    expect(fault.id).toBe('cmd-mine');
    expect(mocks.ssm).not.toHaveReceivedCommand(SendCommandCommand);
  });

  it('refuses a FIS start while an SSM command of the run is running (a run mixing both)', async () => {
    const mocks = account({ commands: [ssmCommand('cmd-old', 'web-cpu-first', 'InProgress')] });

    await expect(startFault({ run, plan: fisPlan }, mocks.runtime)).rejects.toThrow(
      PreviousFaultRunningError,
    );
    expect(mocks.fis).not.toHaveReceivedCommand(StartExperimentCommand);
  });

  it("looks for the run's SSM commands of every document, sent since just before the run", async () => {
    const mocks = account({});

    await startFault({ run, plan: fisPlan }, mocks.runtime);

    expect(mocks.ssm).toHaveReceivedCommandWith(ListCommandsCommand, {
      Filters: [{ key: 'InvokedAfter', value: '2026-03-03T08:59:02Z' }],
    });
  });

  it('checks in a dry run too, so a dry run proves StartFault may list faults', async () => {
    const mocks = account({ experiments: [fisSummary('EXPOLD', 'web-cpu-first', 'running')] });

    await expect(startFault({ run: dryRun, plan: fisPlan }, mocks.runtime)).rejects.toThrow(
      PreviousFaultRunningError,
    );
  });
});

describe('selectTargets', () => {
  it('takes every instance for ALL', () => {
    expect(selectTargets(['i-b', 'i-a'], 'ALL')).toEqual(['i-a', 'i-b']);
  });

  it('takes exactly n instances for COUNT(n)', () => {
    expect(selectTargets(fleet(10), 'COUNT(3)', seeded(1))).toHaveLength(3);
  });

  it('never takes more instances than there are for COUNT(n)', () => {
    expect(selectTargets(fleet(2), 'COUNT(5)', seeded(1))).toEqual(fleet(2));
  });

  it('takes p percent, rounded up, for PERCENT(p)', () => {
    expect(selectTargets(fleet(10), 'PERCENT(25)', seeded(1))).toHaveLength(3);
  });

  it('takes at least one instance of a non-empty fleet for PERCENT(p)', () => {
    expect(selectTargets(fleet(3), 'PERCENT(1)', seeded(1))).toHaveLength(1);
  });

  it('picks only instances of the fleet, each once', () => {
    const picked = selectTargets(fleet(20), 'COUNT(7)', seeded(42));

    expect(new Set(picked).size).toBe(7);
    expect(picked.every((id) => fleet(20).includes(id))).toBe(true);
  });

  it('picks at random: different seeds pick different instances', () => {
    const picks = [1, 2, 3, 4, 5].map((seed) => selectTargets(fleet(20), 'COUNT(2)', seeded(seed)).join());

    expect(new Set(picks).size).toBeGreaterThan(1);
  });

  it('rejects a selection it does not know, naming it', () => {
    expect(() => selectTargets(fleet(2), 'half')).toThrow(
      'selection must be ALL, COUNT(n) or PERCENT(p) (got "half")',
    );
  });
});

describe('startFault via SSM', () => {
  function ssm(instances: string[] = ['i-1', 'i-2', 'i-3']) {
    const mocks = mockRuntime();
    mocks.fis.on(ListExperimentsCommand).resolves({ experiments: [] });
    mocks.ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: instances.map((InstanceId) => ({ InstanceId })) }],
    });
    mocks.ssm.on(ListCommandsCommand).resolves({ Commands: [] });
    mocks.ssm.on(SendCommandCommand).resolves({
      Command: { CommandId: 'cmd-1', RequestedDateTime: new Date(T0) },
    });
    return mocks;
  }
  const input: StartFaultInput = { run, plan: ssmPlan };

  it('looks for running instances carrying every target tag', async () => {
    const mocks = ssm();

    await startFault(input, mocks.runtime);

    expect(mocks.ec2).toHaveReceivedCommandWith(DescribeInstancesCommand, {
      Filters: [
        { Name: 'tag:app', Values: ['shop'] },
        { Name: 'tag:chaos-ready', Values: ['true'] },
        { Name: 'instance-state-name', Values: ['running'] },
      ],
    });
  });

  it('follows DescribeInstances pages', async () => {
    const mocks = ssm();
    mocks.ec2
      .on(DescribeInstancesCommand)
      .resolvesOnce({ Reservations: [{ Instances: [{ InstanceId: 'i-1' }] }], NextToken: 'next' })
      .resolvesOnce({ Reservations: [{ Instances: [{ InstanceId: 'i-2' }] }] });

    const fault = await startFault(input, mocks.runtime);

    expect(fault.targets).toEqual(['i-1', 'i-2']);
  });

  it('sends AWSFIS-Run-CPU-Stress to the targets with the stress parameters', async () => {
    const mocks = ssm();

    await startFault(input, mocks.runtime);

    expect(mocks.ssm).toHaveReceivedCommandWith(SendCommandCommand, {
      DocumentName: 'AWSFIS-Run-CPU-Stress',
      InstanceIds: ['i-1', 'i-2', 'i-3'],
      Parameters: {
        DurationSeconds: ['360'],
        CPU: ['2'],
        LoadPercent: ['80'],
        InstallDependencies: ['True'],
      },
    });
  });

  it('puts the run id and experiment in the command comment', async () => {
    const mocks = ssm();

    await startFault(input, mocks.runtime);

    expect(mocks.ssm).toHaveReceivedCommandWith(SendCommandCommand, {
      Comment: `chaos-cadence:${run.runId}:web-cpu-ssm`,
    });
  });

  it('returns the command as a pending fault with its targets', async () => {
    const mocks = ssm();

    const fault = await startFault(input, mocks.runtime);

    expect(fault).toEqual({
      kind: 'ssm',
      id: 'cmd-1',
      startedAt: '2025-03-04T10:00:00.000Z',
      state: 'pending',
      targets: ['i-1', 'i-2', 'i-3'],
      commandIds: ['cmd-1'],
      dryRun: false,
    });
  });

  it('sends more than 50 targets in chunks of at most 50 ids, one command each, and keeps every command id', async () => {
    const mocks = ssm(fleet(120));
    let sent = 0;
    mocks.ssm.on(SendCommandCommand).callsFake(() => ({ Command: { CommandId: `cmd-${++sent}` } }));

    const fault = await startFault(input, mocks.runtime);

    const chunks = mocks.ssm.commandCalls(SendCommandCommand).map((c) => c.args[0].input.InstanceIds ?? []);
    expect(chunks.map((c) => c.length)).toEqual([50, 50, 20]);
    expect(chunks.flat().sort()).toEqual([...fleet(120)].sort());
    expect(fault).toMatchObject({ id: 'cmd-1', commandIds: ['cmd-1', 'cmd-2', 'cmd-3'] });
    expect(fault.targets).toHaveLength(120);
  });

  it('picks the same instances when a retried start applies the blast radius again', async () => {
    const first = ssm(fleet(200));
    const second = ssm(fleet(200));

    const picks = [
      await startFault({ run, plan: withSelection('COUNT(60)') }, first.runtime),
      await startFault({ run, plan: withSelection('COUNT(60)') }, second.runtime),
    ];

    expect(picks[1]?.targets).toEqual(picks[0]?.targets);
  });

  it('a retried start cut short after a full chunk sends only the targets not covered yet', async () => {
    const mocks = ssm(fleet(120));
    const all = [...fleet(120)].sort();
    mocks.ssm.on(ListCommandsCommand).resolves({
      Commands: [
        {
          CommandId: 'cmd-earlier',
          Comment: `chaos-cadence:${run.runId}:web-cpu-ssm`,
          InstanceIds: all.slice(0, 50),
          RequestedDateTime: new Date(T0),
        },
      ],
    });
    let sent = 0;
    mocks.ssm.on(SendCommandCommand).callsFake(() => ({ Command: { CommandId: `cmd-${++sent}` } }));

    const fault = await startFault(input, mocks.runtime);

    const chunks = mocks.ssm.commandCalls(SendCommandCommand).map((c) => c.args[0].input.InstanceIds ?? []);
    expect(chunks).toEqual([all.slice(50, 100), all.slice(100)]);
    expect(fault.commandIds).toEqual(['cmd-earlier', 'cmd-1', 'cmd-2']);
  });

  it('applies the blast radius to the instances found', async () => {
    const mocks = ssm(fleet(10));

    const fault = await startFault({ run, plan: withSelection('PERCENT(30)') }, mocks.runtime);

    expect(fault.targets).toHaveLength(3);
  });

  it('rejects with NoTargetsError, sending nothing, when no running instance carries the tags', async () => {
    const mocks = ssm([]);

    await expect(startFault(input, mocks.runtime)).rejects.toThrow(NoTargetsError);
    expect(mocks.ssm).not.toHaveReceivedCommand(SendCommandCommand);
  });

  it('names the target tags when there is nothing to inject into', async () => {
    const mocks = ssm([]);

    await expect(startFault(input, mocks.runtime)).rejects.toThrow(
      'no running instance is tagged app=shop, chaos-ready=true; nothing to inject into',
    );
  });

  it('rejects, sending nothing, when the selection picks no instance', async () => {
    const mocks = ssm();

    await expect(startFault({ run, plan: withSelection('COUNT(0)') }, mocks.runtime)).rejects.toThrow(
      NoTargetsError,
    );
    expect(mocks.ssm).not.toHaveReceivedCommand(SendCommandCommand);
  });

  it('resolves the targets but sends no command in a dry run', async () => {
    const mocks = ssm();

    const fault = await startFault({ run: dryRun, plan: ssmPlan }, mocks.runtime);

    expect(mocks.ssm).not.toHaveReceivedCommand(SendCommandCommand);
    expect(fault).toMatchObject({ state: 'dry-run', dryRun: true, targets: ['i-1', 'i-2', 'i-3'] });
  });

  it('does not send the command twice when a retried StartFault finds the one it sent', async () => {
    const mocks = ssm();
    mocks.ssm.on(ListCommandsCommand).resolves({
      Commands: [
        {
          CommandId: 'cmd-earlier',
          Comment: `chaos-cadence:${run.runId}:web-cpu-ssm`,
          InstanceIds: ['i-1'],
          RequestedDateTime: new Date(T0),
        },
      ],
    });

    const fault = await startFault(input, mocks.runtime);

    expect(mocks.ssm).not.toHaveReceivedCommand(SendCommandCommand);
    expect(fault).toMatchObject({ id: 'cmd-earlier', targets: ['i-1'] });
  });

  it('ignores commands of other runs when looking for its own', async () => {
    const mocks = ssm();
    mocks.ssm.on(ListCommandsCommand).resolves({
      Commands: [{ CommandId: 'cmd-other', Comment: 'chaos-cadence:another-run:web-cpu-ssm' }],
    });

    const fault = await startFault(input, mocks.runtime);

    expect(fault.id).toBe('cmd-1');
  });
});

describe('startFault via SSM: a retried start does not send the command twice', () => {
  const comment = `chaos-cadence:${run.runId}:web-cpu-ssm`;
  const input: StartFaultInput = { run, plan: ssmPlan };
  type Filters = { key?: string }[] | undefined;
  const isOwnListing = (filters: Filters): boolean => (filters ?? []).some((f) => f.key === 'DocumentName');

  /**
   * An account where the own-command listings (filtered by document) answer `ownListings` in turn
   * (then the last one again), the run-wide check finds nothing, and SendCommand answers `sends`.
   */
  function account(ownListings: string[][], sends: ('ok' | 'lost')[]) {
    const mocks = mockRuntime();
    mocks.fis.on(ListExperimentsCommand).resolves({ experiments: [] });
    mocks.ec2
      .on(DescribeInstancesCommand)
      .resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-1' }] }] });
    let own = 0;
    mocks.ssm.on(ListCommandsCommand).callsFake((request: { Filters?: Filters }) => {
      if (!isOwnListing(request.Filters)) return { Commands: [] };
      const ids = ownListings[Math.min(own++, ownListings.length - 1)] ?? [];
      return { Commands: ids.map((CommandId) => ({ CommandId, Comment: comment, InstanceIds: ['i-1'] })) };
    });
    let sent = 0;
    mocks.ssm.on(SendCommandCommand).callsFake(() => {
      const outcome = sends[Math.min(sent++, sends.length - 1)];
      // The request reached SSM, but the answer was lost on the way back.
      if (outcome === 'lost') throw Object.assign(new Error('socket hang up'), { name: 'ECONNRESET' });
      return { Command: { CommandId: `cmd-${sent}` } };
    });
    const ownListingCount = () =>
      mocks.ssm
        .commandCalls(ListCommandsCommand)
        .filter((c) => isOwnListing(c.args[0].input.Filters as Filters)).length;
    return { ...mocks, ownListingCount };
  }

  afterEach(() => {
    jest.useRealTimers();
  });

  it('lists its own command once and sends at once on a first start', async () => {
    const mocks = account([[]], ['ok']);

    await startFault(input, mocks.runtime);

    expect([mocks.ownListingCount(), mocks.ssm.commandCalls(SendCommandCommand).length]).toEqual([1, 1]);
  });

  it('lists again when the first listing of a retried start misses the command it sent, and reuses it', async () => {
    jest.useFakeTimers();
    const mocks = account([[], [], [], ['cmd-first']], ['lost']);
    await expect(startFault(input, mocks.runtime)).rejects.toThrow('ssm:SendCommand failed');

    const retried = startFault(input, mocks.runtime);
    await jest.advanceTimersByTimeAsync(10_000);
    const fault = await retried;

    expect(fault.id).toBe('cmd-first');
    expect(mocks.ssm.commandCalls(SendCommandCommand)).toHaveLength(1);
  });

  it('sends again only after the extra listings over about 6 s all found nothing', async () => {
    jest.useFakeTimers();
    const mocks = account([[]], ['lost', 'ok']);
    await expect(startFault(input, mocks.runtime)).rejects.toThrow('ssm:SendCommand failed');

    const retried = startFault(input, mocks.runtime);
    const total = RELIST_DELAYS_SECONDS.reduce((a, b) => a + b, 0) * 1000;
    await jest.advanceTimersByTimeAsync(total - 1);
    const sendsBefore = mocks.ssm.commandCalls(SendCommandCommand).length;
    await jest.advanceTimersByTimeAsync(1);
    await retried;

    expect([total, sendsBefore, mocks.ssm.commandCalls(SendCommandCommand).length]).toEqual([6000, 1, 2]);
    expect(mocks.ownListingCount()).toBe(2 + RELIST_DELAYS_SECONDS.length);
  });

  it('forgets the attempt once SendCommand answered: a later start of the run lists once', async () => {
    const mocks = account([[]], ['ok']);
    await startFault(input, mocks.runtime);

    await startFault(input, mocks.runtime);

    expect(mocks.ownListingCount()).toBe(2);
  });
});

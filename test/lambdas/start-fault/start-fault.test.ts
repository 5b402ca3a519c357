import { Readable } from 'node:stream';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { FisClient, StartExperimentCommand } from '@aws-sdk/client-fis';
import { ListCommandsCommand, SendCommandCommand } from '@aws-sdk/client-ssm';
import type { HttpRequest } from '@smithy/types';
import type { ExperimentPlan, RunContext } from '../../../lambdas/shared/types';
import {
  clientToken,
  NoTargetsError,
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

const fleet = (n: number) => Array.from({ length: n }, (_, i) => `i-${String(i).padStart(3, '0')}`);

describe('startFault via FIS', () => {
  function fis() {
    const mocks = mockRuntime();
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

    await startFault({ run: dryRun, plan: fisPlan }, mocks.runtime);

    expect(mocks.fis).toHaveReceivedCommandWith(StartExperimentCommand, {
      experimentOptions: { actionsMode: 'skip-all' },
    } as never);
  });

  it('rejects when FIS answers without an experiment', async () => {
    const mocks = mockRuntime();
    mocks.fis.on(StartExperimentCommand).resolves({});

    await expect(startFault({ run, plan: fisPlan }, mocks.runtime)).rejects.toMatchObject({
      name: 'FaultStartError',
    });
  });

  it('rejects with ThrottledError when FIS throttles, so the state retries', async () => {
    const mocks = mockRuntime();
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
  // real FisClient down to the HTTP handler to prove the middleware puts it back.
  function wire() {
    const bodies: string[] = [];
    const headers: Record<string, string>[] = [];
    const client = new FisClient({
      region: 'eu-central-1',
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
      maxAttempts: 1,
      requestHandler: {
        handle: (request: HttpRequest) => {
          bodies.push(typeof request.body === 'string' ? request.body : String(request.body));
          headers.push(request.headers);
          const payload = JSON.stringify({ experiment: { id: 'EXPWIRE', state: { status: 'initiating' } } });
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
    const { runtime } = mockRuntime();
    return { runtime: { ...runtime, clients: { ...runtime.clients, fis: client } }, bodies, headers };
  }

  it('sends experimentOptions.actionsMode skip-all in a dry run', async () => {
    const { runtime, bodies } = wire();

    await startFault({ run: dryRun, plan: fisPlan }, runtime);

    expect(bodies[0]).toContain('"experimentOptions":{"actionsMode":"skip-all"}');
  });

  it('keeps the rest of the body and a matching content-length in a dry run', async () => {
    const { runtime, bodies, headers } = wire();

    await startFault({ run: dryRun, plan: fisPlan }, runtime);

    const body = JSON.parse(bodies[0] ?? '{}') as Record<string, unknown>;
    expect(body).toMatchObject({
      experimentTemplateId: 'EXT4hT9bXq2mZ7a',
      clientToken: clientToken(run.runId, 'web-cpu-80'),
    });
    expect(headers[0]?.['content-length']).toBe(String(Buffer.byteLength(bodies[0] ?? '')));
  });

  it('sends no experimentOptions outside a dry run', async () => {
    const { runtime, bodies } = wire();

    await startFault({ run, plan: fisPlan }, runtime);

    expect(bodies[0]).not.toContain('experimentOptions');
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
      dryRun: false,
    });
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

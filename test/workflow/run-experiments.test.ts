import { StartExperimentCommand, StopExperimentCommand } from '@aws-sdk/client-fis';
import {
  SendCommandCommand,
  ListCommandInvocationsCommand,
  CancelCommandCommand,
  ListCommandsCommand,
} from '@aws-sdk/client-ssm';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import aslValidator from 'asl-validator';
import {
  localFunctionArns,
  readDefinitionFile,
  renderDefinition,
  substitute,
} from '../../lib/workflow/definition';
import { TASKS_AFTER_START_FAULT, TASK_STATE_NAMES } from '../../lib/workflow/task-handlers';
import { ThrottledError } from '../../lambdas/shared/errors';
import {
  createMocks,
  fisPlan,
  runConfigOf,
  runWorkflow,
  simulateWorld,
  ssmPlan,
  T0,
  type WorldOptions,
} from './harness';

async function runFis(world: WorldOptions = {}, extra: Partial<Parameters<typeof runWorkflow>[0]> = {}) {
  const mocks = createMocks();
  const sim = simulateWorld(mocks, world);
  const run = await runWorkflow({ runConfig: runConfigOf(fisPlan()), clients: mocks.clients, ...extra });
  return { mocks, sim, run, result: run.output?.results[0] };
}

describe('state-machines/run-experiments.asl.json', () => {
  it('passes asl-validator', () => {
    const text = substitute(renderDefinition(runConfigOf(fisPlan())), {
      ...localFunctionArns(),
      FisTemplateId_web_cpu_80: 'EXTabc123def456',
    });
    const definition = JSON.parse(text) as unknown;
    const { isValid, errorsText } = aslValidator(structuredClone(definition), {
      checkArn: false,
      checkPaths: true,
    });
    expect(errorsText()).toBe('');
    expect(isValid).toBe(true);
  });

  it('has a registered handler for every Task state', () => {
    const text = readDefinitionFile();
    const taskNames = [...text.matchAll(/"(\w+)": \{\s*"Type": "Task"/g)].map((m) => m[1]);
    expect([...taskNames].sort()).toEqual([...TASK_STATE_NAMES].sort());
  });
});

describe('run-experiments workflow', () => {
  it('passes when the steady state holds before and after the fault, and publishes the result', async () => {
    const { run, result } = await runFis();
    expect(result?.outcome).toBe('passed');
    expect(run.published[0]?.results).toHaveLength(1);
    expect(run.output?.run.runId).toBe('run-0001');
  });

  it('skips without injecting when the steady state fails before the fault', async () => {
    const { mocks, result } = await runFis({ alarmBefore: true });
    expect(result?.outcome).toBe('skipped');
    expect(mocks.fis).not.toHaveReceivedCommand(StartExperimentCommand);
  });

  it('skips every experiment when the kill switch is on', async () => {
    const { mocks, result } = await runFis({ killSwitch: 'on' });
    expect(result?.outcome).toBe('skipped');
    expect(result?.reason).toContain('killSwitch');
    expect(mocks.fis).not.toHaveReceivedCommand(StartExperimentCommand);
  });

  it('skips when another run is in flight', async () => {
    const { mocks, result } = await runFis({ runningExecutions: ['other-run'] });
    expect(result?.reason).toContain('other-run');
    expect(mocks.fis).not.toHaveReceivedCommand(StartExperimentCommand);
  });

  it('skips when the change calendar is CLOSED', async () => {
    const { mocks, result } = await runFis(
      { calendarState: 'CLOSED' },
      { settings: { changeCalendar: 'freeze' } },
    );
    expect(result?.reason).toContain('calendar freeze is CLOSED');
    expect(mocks.fis).not.toHaveReceivedCommand(StartExperimentCommand);
  });

  it('skips a scheduled run that fires outside the allowed hours', async () => {
    const { mocks, result } = await runFis({}, { start: Date.parse('2025-03-04T03:00:00Z') });
    expect(result?.outcome).toBe('skipped');
    expect(result?.reason).toContain('outside the allowed hours');
    expect(mocks.fis).not.toHaveReceivedCommand(StartExperimentCommand);
  });

  it('aborts on a stop-condition alarm, stopping the fault within one poll interval', async () => {
    const { mocks, result } = await runFis({ alarm: { from: 100, to: 130 } });
    expect(result?.outcome).toBe('aborted');
    expect(mocks.fis).toHaveReceivedCommandTimes(StopExperimentCommand, 1);
    expect(result?.timeToStopSeconds).toBeLessThanOrEqual(15);
  });

  it('aborts when the kill switch turns on mid-fault', async () => {
    const { mocks, result } = await runFis({ killSwitchOnAfter: 60 });
    expect(result?.outcome).toBe('aborted');
    expect(result?.reason).toContain('kill switch');
    expect(mocks.fis).toHaveReceivedCommandTimes(StopExperimentCommand, 1);
  });

  it('deviates when the steady state does not return within the recovery window', async () => {
    const { result } = await runFis({ inService: (t) => (t === undefined ? 4 : 2) });
    expect(result?.outcome).toBe('deviated');
    expect(result?.steadyStateAfter.length).toBeGreaterThan(2);
  });

  it('passes after two failed re-checks when the system recovers in the window', async () => {
    let recheck = 0;
    const { result } = await runFis({
      inService: (t) => {
        if (t === undefined || t < 360) return 4;
        recheck += 1;
        return recheck <= 2 ? 3 : 4;
      },
    });
    expect(result?.outcome).toBe('passed');
    expect(result?.steadyStateAfter.map((c) => c.steady)).toEqual([false, false, true]);
    expect(result?.recoverySeconds).toBeGreaterThan(0);
  });

  it.each([
    ['failed', 'failed'],
    ['cancelled', 'aborted'],
    ['stopped', 'aborted'],
  ] as const)('reports a FIS experiment that ends %s by itself as %s', async (fisEnd, outcome) => {
    const { mocks, result } = await runFis({ fisEnd, endsAfter: 60 });
    expect(result?.outcome).toBe(outcome);
    expect(mocks.fis).not.toHaveReceivedCommand(StopExperimentCommand);
  });

  it('dry-runs FIS with actionsMode skip-all', async () => {
    const { mocks, result } = await runFis({}, { input: { trigger: 'manual', dryRun: true } });
    expect(mocks.fis).toHaveReceivedCommandWith(StartExperimentCommand, {
      experimentOptions: { actionsMode: 'skip-all' },
    } as never);
    expect(result?.outcome).toBe('skipped');
    expect(result?.reason).toContain('dry run');
  });

  it('dry-runs SSM by resolving targets only', async () => {
    const mocks = createMocks();
    simulateWorld(mocks);
    mocks.ec2
      .on(DescribeInstancesCommand)
      .resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-1' }] }] });
    const run = await runWorkflow({
      runConfig: runConfigOf(ssmPlan()),
      clients: mocks.clients,
      input: { trigger: 'manual', dryRun: true },
    });
    expect(mocks.ssm).not.toHaveReceivedCommand(SendCommandCommand);
    expect(run.output?.results[0]?.fault?.targets).toEqual(['i-1']);
  });

  it('runs an SSM fault to completion and passes', async () => {
    const mocks = createMocks();
    simulateWorld(mocks);
    mocks.ec2
      .on(DescribeInstancesCommand)
      .resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-1' }] }] });
    mocks.ssm.on(ListCommandsCommand).resolves({ Commands: [] });
    mocks.ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-1' } });
    let polls = 0;
    mocks.ssm.on(ListCommandInvocationsCommand).callsFake(() => {
      polls += 1;
      return { CommandInvocations: [{ InstanceId: 'i-1', Status: polls < 5 ? 'InProgress' : 'Success' }] };
    });
    const run = await runWorkflow({ runConfig: runConfigOf(ssmPlan()), clients: mocks.clients });
    expect(run.output?.results[0]?.outcome).toBe('passed');
    expect(mocks.ssm).toHaveReceivedCommandTimes(SendCommandCommand, 1);
    expect(mocks.ssm).not.toHaveReceivedCommand(CancelCommandCommand);
  });

  it('starts exactly one experiment when StartExperiment is throttled twice', async () => {
    const mocks = createMocks();
    const sim = simulateWorld(mocks);
    const throttle = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
    mocks.fis
      .on(StartExperimentCommand)
      .rejectsOnce(throttle)
      .rejectsOnce(throttle)
      .callsFake(() => {
        sim.started += 1;
        sim.faultStart ??= Date.now();
        return { experiment: { id: 'EXP1', state: { status: 'initiating' }, startTime: new Date() } };
      });
    const run = await runWorkflow({ runConfig: runConfigOf(fisPlan()), clients: mocks.clients });
    const tokens = mocks.fis.commandCalls(StartExperimentCommand).map((c) => c.args[0].input.clientToken);
    expect(tokens).toHaveLength(3);
    expect(new Set(tokens).size).toBe(1);
    expect(sim.started).toBe(1);
    expect(run.output?.results[0]?.outcome).toBe('passed');
  });

  it('keeps every result when one of several experiments fails', async () => {
    const mocks = createMocks();
    simulateWorld(mocks);
    const run = await runWorkflow({
      runConfig: runConfigOf(fisPlan(), fisPlan({ name: 'second' })),
      clients: mocks.clients,
      taskFaults: {
        CheckSteadyStateBefore: (input, real) =>
          (input as { plan: { name: string } }).plan.name === 'second'
            ? Promise.reject(new Error('boom'))
            : real(input),
      },
    });
    expect(run.output?.results.map((r) => r.outcome)).toEqual(['passed', 'failed']);
  });

  describe.each(TASKS_AFTER_START_FAULT.filter((s) => s !== 'StopFault'))('when %s throws', (state) => {
    it('ends with a failed result, the fault ended and the result published', async () => {
      const { sim, result, run } = await runFis(
        {},
        { taskFaults: { [state]: () => Promise.reject(new Error(`${state} broke`)) } },
      );
      expect(result?.outcome).toBe('failed');
      expect(result?.error?.state ?? 'Verdict').toBe(state);
      expect(['completed', 'stopped', 'not-started']).toContain(sim.status());
      expect(run.published).toHaveLength(1);
    });
  });

  it('stops a still-running fault when PollStopConditions throws on its second batch', async () => {
    let batches = 0;
    const { mocks, result } = await runFis(
      { endsAfter: 100_000 },
      {
        taskFaults: {
          PollStopConditions: (input, real) =>
            batches++ > 0 ? Promise.reject(new Error('poll broke')) : real(input),
        },
      },
    );
    expect(batches).toBe(2);
    expect(result?.outcome).toBe('failed');
    expect(mocks.fis).toHaveReceivedCommand(StopExperimentCommand);
  });

  it('stops the fault and fails the experiment when StopFault itself keeps throwing on an abort', async () => {
    let attempts = 0;
    const { mocks, result } = await runFis(
      { alarm: { from: 30 } },
      {
        taskFaults: {
          StopFault: () => {
            attempts += 1;
            return Promise.reject(new Error('stop broke'));
          },
        },
      },
    );
    expect(attempts).toBeGreaterThan(1);
    expect(result?.outcome).toBe('failed');
    expect(mocks.fis).toHaveReceivedCommand(StopExperimentCommand);
  });

  it('stops the fault and fails when PollStopConditions hangs past its TimeoutSeconds', async () => {
    const { mocks, result, run } = await runFis(
      { endsAfter: 100_000 },
      { taskFaults: { PollStopConditions: () => new Promise(() => undefined) } },
    );
    expect(result?.outcome).toBe('failed');
    expect(result?.error?.error).toBe('States.Timeout');
    expect(mocks.fis).toHaveReceivedCommand(StopExperimentCommand);
    expect(run.seconds).toBeGreaterThanOrEqual(420);
  });

  it('finds and stops the fault by run id when StartFault fails after injecting', async () => {
    const { mocks, result } = await runFis(
      {},
      {
        taskFaults: {
          StartFault: async (input, real) => {
            await real(input);
            throw new ThrottledError('lost the answer');
          },
        },
      },
    );
    expect(result?.outcome).toBe('failed');
    expect(mocks.fis).toHaveReceivedCommandWith(StopExperimentCommand, { id: 'EXP1' });
  });

  it('uses the run start time from the virtual clock', async () => {
    const { run } = await runFis();
    expect(Date.parse(run.output?.run.startedAt ?? '')).toBe(T0);
  });
});

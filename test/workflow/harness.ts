// A minimal harness that runs the REAL ASL file with aws-local-stepfunctions, the real handler cores
// (createTaskHandlers), SDK clients answered by aws-sdk-client-mock and a virtual clock
// (@sinonjs/fake-timers), so Waits, Retries, poll sleeps and TimeoutSeconds run instantly.
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { FisClient } from '@aws-sdk/client-fis';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import FakeTimers from '@sinonjs/fake-timers';
import { StateMachine } from 'aws-local-stepfunctions';
import { mockClient } from 'aws-sdk-client-mock';
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  GetExperimentCommand,
  ListExperimentsCommand,
  StartExperimentCommand,
  StopExperimentCommand,
} from '@aws-sdk/client-fis';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { GetCalendarStateCommand, GetParameterCommand } from '@aws-sdk/client-ssm';
import type { AwsClients, Runtime, WorkflowSettings } from '../../lambdas/shared/aws';
import type {
  ExperimentPlan,
  ExperimentResult,
  PublishInput,
  PublishOutput,
  RunConfig,
  RunContext,
} from '../../lambdas/shared/types';
import { localFunctionArns, renderDefinition, substitute } from '../../lib/workflow/definition';
import { createTaskHandlers, type TaskHandler, type TaskStateName } from '../../lib/workflow/task-handlers';

/** Tuesday 10:00 UTC: inside the default allowed hours. */
export const T0 = Date.parse('2025-03-04T10:00:00.000Z');
export const RUN_ID = 'run-0001';
export const TEMPLATE_ID = 'EXTabc123def456';

export const SETTINGS: WorkflowSettings = {
  region: 'eu-central-1',
  account: '123456789012',
  partition: 'aws',
  killSwitchParameter: '/chaos-cadence/test/kill-switch',
  allowedHours: { days: ['MON', 'TUE', 'WED', 'THU', 'FRI'], start: '09:00', end: '16:00' },
  timeZone: 'UTC',
  resultsBucket: 'results',
  topicArn: 'arn:aws:sns:eu-central-1:123456789012:topic',
  dashboardName: 'dash',
  stackName: 'Test',
};

/** A FIS plan: 6 min CPU stress, 15 s polls, 5 min recovery re-checked every 30 s. */
export function fisPlan(overrides: Partial<ExperimentPlan> = {}): ExperimentPlan {
  return {
    name: 'web-cpu-80',
    application: 'sock-shop',
    hypothesis: 'If CPU on all web hosts rises to 80 %, availability is not impacted',
    expectedImpact: 'none',
    steadyState: [
      { kind: 'alarm', id: 'alarm:shop-5xx', alarmName: 'shop-5xx', allowInsufficientData: false },
    ],
    fault: {
      kind: 'fis',
      source: 'cpuStress',
      templateId: '${FisTemplateId_web_cpu_80}',
      durationSeconds: 360,
      maxRunSeconds: 480,
      scope: 'CPU stress',
    },
    stopConditions: [{ alarmName: 'shop-5xx' }],
    recovery: {
      windowSeconds: 300,
      intervalSeconds: 30,
      expect: [{ kind: 'asgCapacity', id: 'asgCapacity:shop-asg', groupName: 'shop-asg', minInService: 4 }],
    },
    pollIntervalSeconds: 15,
    ...overrides,
  };
}

/** An SSM plan for the same stress. */
export function ssmPlan(): ExperimentPlan {
  return fisPlan({
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
  });
}

export function runConfigOf(...plans: ExperimentPlan[]): RunConfig {
  return { configHash: 'hash', plans: Object.fromEntries(plans.map((p) => [p.name, p])) };
}

/** Fresh clients and their mocks. */
export function createMocks() {
  const clients: AwsClients = {
    cloudWatch: new CloudWatchClient({ region: 'eu-central-1' }),
    autoScaling: new AutoScalingClient({ region: 'eu-central-1' }),
    ec2: new EC2Client({ region: 'eu-central-1' }),
    fis: new FisClient({ region: 'eu-central-1' }),
    ssm: new SSMClient({ region: 'eu-central-1' }),
    sfn: new SFNClient({ region: 'eu-central-1' }),
    s3: new S3Client({ region: 'eu-central-1' }),
    sns: new SNSClient({ region: 'eu-central-1' }),
  };
  return {
    clients,
    cloudWatch: mockClient(clients.cloudWatch),
    autoScaling: mockClient(clients.autoScaling),
    ec2: mockClient(clients.ec2),
    fis: mockClient(clients.fis),
    ssm: mockClient(clients.ssm),
    sfn: mockClient(clients.sfn),
  };
}

/** What a run returns. */
export interface WorkflowRun {
  readonly output: { run: RunContext; results: ExperimentResult[]; published: PublishOutput } | undefined;
  readonly error?: unknown;
  /** Task states entered, in order (attempts included). */
  readonly tasks: string[];
  readonly published: PublishInput[];
  /** Virtual seconds the execution took. */
  readonly seconds: number;
}

export interface RunOptions {
  readonly runConfig: RunConfig;
  readonly clients: AwsClients;
  readonly input?: Record<string, unknown>;
  readonly settings?: Partial<WorkflowSettings>;
  readonly start?: number;
  /** Replace Task handlers (to make a state throw or hang); `real` is the original. */
  readonly taskFaults?: Partial<
    Record<TaskStateName, (input: unknown, real: TaskHandler) => Promise<unknown>>
  >;
}

/** Runs the real ASL on a virtual clock; resolves when the execution ends. */
export async function runWorkflow(options: RunOptions): Promise<WorkflowRun> {
  const start = options.start ?? T0;
  const clock = FakeTimers.install({
    now: start,
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  });
  const tasks: string[] = [];
  const published: PublishInput[] = [];
  try {
    const runtime: Runtime = {
      clients: options.clients,
      settings: { ...SETTINGS, ...options.settings },
      now: () => new Date(),
      fetch: () => Promise.reject(new Error('no HTTP in workflow tests')),
    };
    const real = createTaskHandlers(runtime, (input) => {
      published.push(input);
      return Promise.resolve({
        journal: 'ok',
        report: 'ok',
        metrics: 'ok',
        email: 'ok',
        journalKey: `runs/${input.run.runId}.json`,
        reportKey: `reports/${input.run.runId}.html`,
      });
    });
    const handlers: Record<string, (input: unknown) => Promise<never>> = {};
    for (const [name, handler] of Object.entries(real) as [TaskStateName, TaskHandler][]) {
      const fault = options.taskFaults?.[name];
      handlers[name] = async (input) => {
        tasks.push(name);
        return (await (fault ? fault(input, handler) : handler(input))) as never;
      };
    }
    const text = substitute(renderDefinition(options.runConfig), {
      ...localFunctionArns(),
      FisTemplateId_web_cpu_80: TEMPLATE_ID,
    });
    const machine = new StateMachine(JSON.parse(text) as never, { validationOptions: { checkArn: false } });
    const stateMachineArn = 'arn:aws:states:eu-central-1:123456789012:stateMachine:chaos-cadence';
    const execution = machine.run((options.input ?? { trigger: 'schedule' }) as never, {
      overrides: { taskResourceLocalHandlers: handlers },
      context: {
        Execution: {
          Id: `arn:aws:states:eu-central-1:123456789012:execution:chaos-cadence:${RUN_ID}`,
          Name: RUN_ID,
        },
        StateMachine: { Id: stateMachineArn, Name: 'chaos-cadence' },
      },
    });
    let settled = false;
    let output: WorkflowRun['output'];
    let error: unknown;
    const done = execution.result
      .then(
        (value) => {
          output = value as unknown as WorkflowRun['output'];
        },
        (e: unknown) => {
          error = e;
        },
      )
      .finally(() => {
        settled = true;
      });
    for (let steps = 0; !settled && steps < 100_000; steps++) {
      if (clock.countTimers() > 0) await clock.nextAsync();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await done;
    return {
      output,
      ...(error !== undefined ? { error } : {}),
      tasks,
      published,
      seconds: (clock.now - start) / 1000,
    };
  } finally {
    clock.uninstall();
  }
}

/** How the simulated account behaves; times in seconds after the fault started. */
export interface WorldOptions {
  readonly killSwitch?: 'on' | 'off';
  /** The kill switch turns on this long after the fault started. */
  readonly killSwitchOnAfter?: number;
  readonly runningExecutions?: string[];
  readonly calendarState?: 'OPEN' | 'CLOSED';
  /** Alarm shop-5xx is in ALARM from `from` to `to` (after the fault started). */
  readonly alarm?: { readonly from: number; readonly to?: number };
  /** Steady-state alarm already in ALARM before the fault. */
  readonly alarmBefore?: boolean;
  /** InService instances at t seconds after the fault started (undefined t: before the fault). */
  readonly inService?: (t: number | undefined) => number;
  /** How the FIS experiment ends by itself after its duration (or when `endsAfter` passes). */
  readonly fisEnd?: 'completed' | 'failed' | 'cancelled' | 'stopped';
  readonly endsAfter?: number;
}

/** Answers the mocks from a small simulated account; returns what it saw. */
export function simulateWorld(mocks: ReturnType<typeof createMocks>, world: WorldOptions = {}) {
  const state = { faultStart: undefined as number | undefined, stopRequested: false, started: 0 };
  const since = () => (state.faultStart === undefined ? undefined : (Date.now() - state.faultStart) / 1000);
  mocks.ssm.on(GetParameterCommand).callsFake(() => {
    const t = since();
    const on =
      world.killSwitch === 'on' ||
      (world.killSwitchOnAfter !== undefined && t !== undefined && t >= world.killSwitchOnAfter);
    return { Parameter: { Value: on ? 'on' : 'off' } };
  });
  mocks.ssm.on(GetCalendarStateCommand).resolves({ State: world.calendarState ?? 'OPEN' });
  mocks.sfn.on(ListExecutionsCommand).resolves({
    executions: (world.runningExecutions ?? []).map((name) => ({
      name,
      executionArn: `arn:aws:states:eu-central-1:123456789012:execution:chaos-cadence:${name}`,
      stateMachineArn: 'arn:aws:states:eu-central-1:123456789012:stateMachine:chaos-cadence',
      status: 'RUNNING',
      startDate: new Date(),
    })),
  });
  mocks.cloudWatch.on(DescribeAlarmsCommand).callsFake((input: { AlarmNames?: string[] }) => {
    const t = since();
    const inAlarm =
      (t === undefined && world.alarmBefore === true) ||
      (t !== undefined &&
        world.alarm !== undefined &&
        t >= world.alarm.from &&
        (world.alarm.to === undefined || t < world.alarm.to));
    const at =
      state.faultStart !== undefined && world.alarm ? state.faultStart + world.alarm.from * 1000 : T0;
    return {
      MetricAlarms: (input.AlarmNames ?? []).map((name) => ({
        AlarmName: name,
        StateValue: inAlarm ? 'ALARM' : 'OK',
        StateUpdatedTimestamp: new Date(inAlarm ? at : T0),
      })),
    };
  });
  mocks.autoScaling.on(DescribeAutoScalingGroupsCommand).callsFake(() => {
    const n = world.inService ? world.inService(since()) : 4;
    return {
      AutoScalingGroups: [
        {
          AutoScalingGroupName: 'shop-asg',
          Instances: Array.from({ length: n }, (_, i) => ({
            InstanceId: `i-${i}`,
            LifecycleState: 'InService',
          })),
        },
      ],
    };
  });
  const status = (): string => {
    const t = since();
    if (t === undefined) return 'not-started';
    if (state.stopRequested) return 'stopped';
    if (t < 5) return 'initiating';
    if (t < (world.endsAfter ?? 360)) return 'running';
    return world.fisEnd ?? 'completed';
  };
  mocks.fis.on(StartExperimentCommand).callsFake(() => {
    state.started += 1;
    state.faultStart ??= Date.now();
    return {
      experiment: { id: 'EXP1', state: { status: 'initiating' }, startTime: new Date(state.faultStart) },
    };
  });
  mocks.fis.on(GetExperimentCommand).callsFake(() => ({
    experiment: { id: 'EXP1', state: { status: status(), reason: `simulated ${status()}` } },
  }));
  mocks.fis.on(StopExperimentCommand).callsFake(() => {
    state.stopRequested = true;
    return { experiment: { id: 'EXP1', state: { status: 'stopping' } } };
  });
  mocks.fis.on(ListExperimentsCommand).callsFake(() => ({
    experiments:
      state.faultStart === undefined
        ? []
        : [
            {
              id: 'EXP1',
              state: { status: status() },
              tags: { 'chaos-cadence:run-id': RUN_ID, 'chaos-cadence:experiment': 'web-cpu-80' },
            },
          ],
  }));
  return Object.assign(state, { status });
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeAlarmsCommand, GetMetricDataCommand, type StateValue } from '@aws-sdk/client-cloudwatch';
import {
  checkSteadyStateAfter,
  checkSteadyStateBefore,
  MAX_KEPT_CHECKS,
  type AfterInput,
  type RecoveryProgress,
} from '../../../lambdas/check-steady-state/check-steady-state';
import { runProbe, runProbes } from '../../../lambdas/check-steady-state/probes';
import type { ExperimentPlan, PollResult, ProbeSpec, SteadyStateCheck } from '../../../lambdas/shared/types';
import { webCpu80Plan } from '../../fixtures/results';
import { mockRuntime, T0 } from './mock-runtime';

const alarmSpec = (allowInsufficientData = false): ProbeSpec => ({
  kind: 'alarm',
  id: 'alarm:shop-5xx',
  alarmName: 'shop-5xx',
  allowInsufficientData,
});

const metricSpec = (bounds: { min?: number; max?: number }): ProbeSpec => ({
  kind: 'metric',
  id: 'metric:latency',
  namespace: 'AWS/ApplicationELB',
  metricName: 'TargetResponseTime',
  dimensions: { LoadBalancer: 'app/shop/123' },
  statistic: 'p99',
  periodSeconds: 60,
  windowSeconds: 300,
  ...bounds,
});

type HttpSpec = Extract<ProbeSpec, { kind: 'http' }>;

const asgSpec: ProbeSpec = { kind: 'asgCapacity', id: 'asg:shop', groupName: 'shop-asg', minInService: 3 };

describe('alarm probe', () => {
  it.each([
    ['OK', false, true],
    ['ALARM', false, false],
    ['INSUFFICIENT_DATA', false, false],
    ['INSUFFICIENT_DATA', true, true],
    ['ALARM', true, false],
  ] as const)('in state %s with allowInsufficientData %s is ok: %s', async (state, allow, ok) => {
    const { runtime, cloudWatch } = mockRuntime();
    cloudWatch
      .on(DescribeAlarmsCommand)
      .resolves({ MetricAlarms: [{ AlarmName: 'shop-5xx', StateValue: state }] });

    const result = await runProbe(alarmSpec(allow), runtime);

    expect(result.ok).toBe(ok);
  });

  it('records what was expected, what was seen since when, and when it checked', async () => {
    const { runtime, cloudWatch } = mockRuntime();
    cloudWatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        {
          AlarmName: 'shop-5xx',
          StateValue: 'ALARM',
          StateUpdatedTimestamp: new Date('2025-03-04T09:58:00Z'),
        },
      ],
    });

    const result = await runProbe(alarmSpec(), runtime);

    expect(result).toEqual({
      id: 'alarm:shop-5xx',
      kind: 'alarm',
      ok: false,
      expected: 'state OK',
      observed: 'state ALARM since 2025-03-04T09:58:00.000Z',
      checkedAt: '2025-03-04T10:00:00.000Z',
    });
  });

  it('reads a composite alarm too', async () => {
    const { runtime, cloudWatch } = mockRuntime();
    cloudWatch
      .on(DescribeAlarmsCommand)
      .resolves({ CompositeAlarms: [{ AlarmName: 'shop-5xx', StateValue: 'OK' }] });

    const result = await runProbe(alarmSpec(), runtime);

    expect(result.ok).toBe(true);
  });

  it('is not ok, with an error, when the alarm does not exist', async () => {
    const { runtime, cloudWatch } = mockRuntime();
    cloudWatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [], CompositeAlarms: [] });

    const result = await runProbe(alarmSpec(), runtime);

    expect(result).toMatchObject({
      ok: false,
      observed: 'alarm not found',
      error: 'alarm shop-5xx does not exist',
    });
  });

  it('is not ok, with the reason, when the alarm cannot be read', async () => {
    const { runtime, cloudWatch } = mockRuntime();
    cloudWatch.on(DescribeAlarmsCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDenied' }));

    const result = await runProbe(alarmSpec(), runtime);

    expect(result).toMatchObject({ ok: false, error: expect.stringContaining('AccessDenied') as string });
  });

  it('rejects on throttling so the state retries', async () => {
    const { runtime, cloudWatch } = mockRuntime();
    cloudWatch
      .on(DescribeAlarmsCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'Throttling' }));

    await expect(runProbe(alarmSpec(), runtime)).rejects.toMatchObject({ name: 'ThrottledError' });
  });
});

describe('http probe (against a real local server)', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const delay = Number(url.searchParams.get('delay') ?? 0);
      setTimeout(() => {
        if (url.pathname === '/health') response.writeHead(200).end('{"status":"healthy"}');
        else if (url.pathname === '/degraded') response.writeHead(200).end('{"status":"degraded"}');
        else response.writeHead(503).end('unavailable');
      }, delay);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const httpSpec = (path: string, extra: Partial<HttpSpec> = {}): HttpSpec => ({
    kind: 'http',
    id: `http:${path}`,
    url: `${base}${path}`,
    method: 'GET',
    expectedStatus: 200,
    timeoutSeconds: 2,
    ...extra,
  });

  it('is ok when the status matches', async () => {
    const { runtime } = mockRuntime();

    const result = await runProbe(httpSpec('/health'), runtime);

    expect(result).toMatchObject({
      ok: true,
      expected: 'HTTP 200 within 2 s',
      observed: expect.stringMatching(/^HTTP 200 in \d+ ms$/) as string,
      value: 200,
    });
  });

  it('is not ok when the status differs', async () => {
    const { runtime } = mockRuntime();

    const result = await runProbe(httpSpec('/missing'), runtime);

    expect(result).toMatchObject({
      ok: false,
      observed: expect.stringMatching(/^HTTP 503 in/) as string,
      value: 503,
    });
  });

  it('is ok when the body matches', async () => {
    const { runtime } = mockRuntime();

    const result = await runProbe(httpSpec('/health', { bodyMatch: '"status":"healthy"' }), runtime);

    expect(result).toMatchObject({
      ok: true,
      expected: 'HTTP 200 within 2 s, body matching /"status":"healthy"/',
    });
  });

  it('is not ok when the status matches but the body does not', async () => {
    const { runtime } = mockRuntime();

    const result = await runProbe(httpSpec('/degraded', { bodyMatch: '"status":"healthy"' }), runtime);

    expect(result).toMatchObject({
      ok: false,
      observed: expect.stringContaining('body did not match') as string,
    });
  });

  it('is not ok, naming the timeout, when no answer comes in time', async () => {
    const { runtime } = mockRuntime();

    const result = await runProbe(httpSpec('/health?delay=1000', { timeoutSeconds: 0.1 }), runtime);

    expect(result).toMatchObject({
      ok: false,
      observed: 'no answer within 0.1 s',
      error: 'timed out after 0.1 s',
    });
  });

  it('is not ok, naming the reason, when the connection is refused', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const { runtime } = mockRuntime();

    const result = await runProbe(
      { ...httpSpec('/health'), url: `http://127.0.0.1:${port}/health` },
      runtime,
    );

    expect(result).toMatchObject({ ok: false, error: expect.stringContaining('ECONNREFUSED') as string });
  });

  it('runs probes concurrently: two slow probes take about as long as one', async () => {
    const { runtime } = mockRuntime();
    const slow = [httpSpec('/health?delay=600'), { ...httpSpec('/health?delay=600'), id: 'http:second' }];

    const started = Date.now();
    const results = await runProbes(slow, runtime);
    const elapsed = Date.now() - started;

    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(elapsed).toBeLessThan(1100);
  });
});

describe('metric probe', () => {
  function answering(values: number[]) {
    const mocks = mockRuntime();
    mocks.cloudWatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [{ Id: 'm', Values: values, Timestamps: values.map(() => new Date(T0)) }],
    });
    return mocks;
  }

  it('is ok when every datapoint is within the bounds', async () => {
    const { runtime } = answering([0.2, 0.4]);

    const result = await runProbe(metricSpec({ min: 0.1, max: 0.5 }), runtime);

    expect(result).toMatchObject({
      ok: true,
      expected: 'p99 >= 0.1 and <= 0.5 over the last 300 s',
      value: 0.4,
    });
  });

  it('is not ok, reporting the worst value, when a datapoint is above the max', async () => {
    const { runtime } = answering([0.2, 0.72, 0.6]);

    const result = await runProbe(metricSpec({ max: 0.5 }), runtime);

    expect(result).toMatchObject({ ok: false, observed: 'p99 = 0.72 (worst of 3 datapoints)', value: 0.72 });
  });

  it('is not ok when a datapoint is below the min', async () => {
    const { runtime } = answering([5, 1]);

    const result = await runProbe(metricSpec({ min: 2 }), runtime);

    expect(result).toMatchObject({ ok: false, value: 1 });
  });

  it('is not ok when the window has no datapoints', async () => {
    const { runtime } = answering([]);

    const result = await runProbe(metricSpec({ max: 0.5 }), runtime);

    expect(result).toMatchObject({ ok: false, observed: 'no datapoints in the window' });
  });

  it('asks for the statistic over the window ending now', async () => {
    const { runtime, cloudWatch } = answering([0.1]);

    await runProbe(metricSpec({ max: 0.5 }), runtime);

    expect(cloudWatch).toHaveReceivedCommandWith(GetMetricDataCommand, {
      StartTime: new Date(T0 - 300_000),
      EndTime: new Date(T0),
      MetricDataQueries: [
        {
          Id: 'm',
          ReturnData: true,
          MetricStat: {
            Metric: {
              Namespace: 'AWS/ApplicationELB',
              MetricName: 'TargetResponseTime',
              Dimensions: [{ Name: 'LoadBalancer', Value: 'app/shop/123' }],
            },
            Period: 60,
            Stat: 'p99',
          },
        },
      ],
    });
  });
});

describe('asgCapacity probe', () => {
  function group(states: string[]) {
    const mocks = mockRuntime();
    mocks.autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [
        {
          AutoScalingGroupName: 'shop-asg',
          MinSize: 1,
          MaxSize: 6,
          DesiredCapacity: states.length,
          DefaultCooldown: 300,
          AvailabilityZones: ['eu-central-1a'],
          HealthCheckType: 'EC2',
          CreatedTime: new Date(T0),
          Instances: states.map((LifecycleState, i) => ({
            InstanceId: `i-${i}`,
            AvailabilityZone: 'eu-central-1a',
            LifecycleState: LifecycleState as never,
            HealthStatus: 'Healthy',
            ProtectedFromScaleIn: false,
          })),
        },
      ],
    });
    return mocks;
  }

  it('counts only InService instances', async () => {
    const { runtime } = group(['InService', 'InService', 'Pending', 'Terminating', 'InService']);

    const result = await runProbe(asgSpec, runtime);

    expect(result).toMatchObject({ ok: true, expected: '>= 3 InService', observed: '3 InService', value: 3 });
  });

  it('is not ok below the minimum', async () => {
    const { runtime } = group(['InService', 'InService', 'Pending']);

    const result = await runProbe(asgSpec, runtime);

    expect(result).toMatchObject({ ok: false, observed: '2 InService' });
  });

  it('is not ok, with an error, when the group does not exist', async () => {
    const { runtime, autoScaling } = mockRuntime();
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });

    const result = await runProbe(asgSpec, runtime);

    expect(result).toMatchObject({
      ok: false,
      observed: 'group not found',
      error: 'group shop-asg does not exist',
    });
  });
});

describe('checkSteadyStateBefore', () => {
  const plan: ExperimentPlan = { ...webCpu80Plan, steadyState: [alarmSpec(), asgSpec] };

  function world(alarm: StateValue, inService: number) {
    const mocks = mockRuntime();
    mocks.cloudWatch
      .on(DescribeAlarmsCommand)
      .resolves({ MetricAlarms: [{ AlarmName: 'shop-5xx', StateValue: alarm }] });
    mocks.autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [
        {
          AutoScalingGroupName: 'shop-asg',
          MinSize: 1,
          MaxSize: 6,
          DesiredCapacity: inService,
          DefaultCooldown: 300,
          AvailabilityZones: ['eu-central-1a'],
          HealthCheckType: 'EC2',
          CreatedTime: new Date(T0),
          Instances: Array.from({ length: inService }, (_, i) => ({
            InstanceId: `i-${i}`,
            AvailabilityZone: 'eu-central-1a',
            LifecycleState: 'InService' as const,
            HealthStatus: 'Healthy',
            ProtectedFromScaleIn: false,
          })),
        },
      ],
    });
    return mocks;
  }

  it('is steady when every probe holds', async () => {
    const { runtime } = world('OK', 3);

    const check = await checkSteadyStateBefore(plan, runtime);

    expect(check).toMatchObject({
      phase: 'before',
      steady: true,
      attempt: 1,
      checkedAt: '2025-03-04T10:00:00.000Z',
    });
    expect(check.probes.map((p) => p.id)).toEqual(['alarm:shop-5xx', 'asg:shop']);
  });

  it('is not steady when one probe fails', async () => {
    const { runtime } = world('OK', 2);

    const check = await checkSteadyStateBefore(plan, runtime);

    expect(check.steady).toBe(false);
  });
});

describe('checkSteadyStateAfter', () => {
  const expectSpec: ProbeSpec = { ...asgSpec, id: 'asg:grew', minInService: 4 };
  const plan: ExperimentPlan = {
    ...webCpu80Plan,
    steadyState: [alarmSpec()],
    recovery: { windowSeconds: 300, intervalSeconds: 30, expect: [expectSpec] },
  };
  const finishedPoll = { action: 'finished', polledAt: new Date(T0 - 60_000).toISOString() } as PollResult;

  function world(options: { at?: number; alarm?: StateValue; inService?: number } = {}) {
    const mocks = mockRuntime(options.at !== undefined ? { at: options.at } : {});
    mocks.cloudWatch
      .on(DescribeAlarmsCommand)
      .resolves({ MetricAlarms: [{ AlarmName: 'shop-5xx', StateValue: options.alarm ?? 'OK' }] });
    mocks.autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [
        {
          AutoScalingGroupName: 'shop-asg',
          MinSize: 1,
          MaxSize: 6,
          DesiredCapacity: 4,
          DefaultCooldown: 300,
          AvailabilityZones: ['eu-central-1a'],
          HealthCheckType: 'EC2',
          CreatedTime: new Date(T0),
          Instances: Array.from({ length: options.inService ?? 4 }, (_, i) => ({
            InstanceId: `i-${i}`,
            AvailabilityZone: 'eu-central-1a',
            LifecycleState: 'InService' as const,
            HealthStatus: 'Healthy',
            ProtectedFromScaleIn: false,
          })),
        },
      ],
    });
    return mocks;
  }

  const first: AfterInput = { phase: 'after', plan, progress: null, poll: finishedPoll, stop: null };

  it('checks the steady state and recovery.expect', async () => {
    const { runtime } = world();

    const progress = await checkSteadyStateAfter(first, runtime);

    expect(progress.checks[0]?.probes.map((p) => p.id)).toEqual(['alarm:shop-5xx', 'asg:grew']);
  });

  it('stops re-checking once the steady state holds', async () => {
    const { runtime } = world();

    const progress = await checkSteadyStateAfter(first, runtime);

    expect(progress).toMatchObject({ steady: true, again: false });
  });

  it('is not steady while recovery.expect fails, even when the steady-state probes hold', async () => {
    const { runtime } = world({ inService: 3 });

    const progress = await checkSteadyStateAfter(first, runtime);

    expect(progress).toMatchObject({ steady: false, again: true, waitSeconds: 30 });
  });

  it('counts the recovery window from the poll that saw the fault finished', async () => {
    const { runtime } = world({ alarm: 'ALARM' });

    const progress = await checkSteadyStateAfter(first, runtime);

    expect(progress).toMatchObject({
      faultEndedAt: '2025-03-04T09:59:00.000Z',
      deadline: '2025-03-04T10:04:00.000Z',
    });
  });

  it('counts the recovery window from the stop request when the fault was stopped', async () => {
    const { runtime } = world({ alarm: 'ALARM' });
    const stop = {
      requestedAt: '2025-03-04T09:58:30.000Z',
      confirmation: 'confirmed',
      confirmedState: 'stopped',
      alreadyEnded: false,
      reason: 'stop-condition',
    } as const;

    const progress = await checkSteadyStateAfter({ ...first, stop }, runtime);

    expect(progress.faultEndedAt).toBe('2025-03-04T09:58:30.000Z');
  });

  it('gives up when the next check would fall after the recovery window', async () => {
    const { runtime } = world({ at: T0 + 215_000, alarm: 'ALARM' });
    const progress: RecoveryProgress = {
      checks: [],
      steady: false,
      again: true,
      waitSeconds: 30,
      faultEndedAt: '2025-03-04T09:59:00.000Z',
      deadline: '2025-03-04T10:04:00.000Z',
    };

    const next = await checkSteadyStateAfter({ ...first, progress }, runtime);

    expect(next).toMatchObject({ steady: false, again: false });
  });

  it('keeps the fault end of the first check and numbers the attempts', async () => {
    const { runtime } = world({ alarm: 'ALARM' });
    const one = await checkSteadyStateAfter(first, runtime);

    const two = await checkSteadyStateAfter({ ...first, progress: one, poll: null }, runtime);

    expect(two.faultEndedAt).toBe(one.faultEndedAt);
    expect(two.checks.map((c) => c.attempt)).toEqual([1, 2]);
  });

  it(`keeps the first and the latest checks, at most ${MAX_KEPT_CHECKS}`, async () => {
    const { runtime } = world({ alarm: 'ALARM' });
    const old: SteadyStateCheck[] = Array.from({ length: MAX_KEPT_CHECKS }, (_, i) => ({
      phase: 'after',
      steady: false,
      attempt: i + 1,
      checkedAt: new Date(T0).toISOString(),
      probes: [],
    }));
    const progress: RecoveryProgress = {
      checks: old,
      steady: false,
      again: true,
      waitSeconds: 30,
      faultEndedAt: '2025-03-04T09:59:00.000Z',
      deadline: '2025-03-04T10:04:00.000Z',
    };

    const next = await checkSteadyStateAfter({ ...first, progress }, runtime);

    expect(next.checks).toHaveLength(MAX_KEPT_CHECKS);
    expect(next.checks.map((c) => c.attempt)).toEqual([
      1,
      ...Array.from({ length: MAX_KEPT_CHECKS - 1 }, (_, i) => i + 3),
    ]);
  });
});

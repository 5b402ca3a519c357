import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { Runtime } from '../shared/aws';
import { awsCall, ThrottledError, TransientError } from '../shared/errors';
import type { ProbeResult, ProbeSpec } from '../shared/types';

type Spec<K extends ProbeSpec['kind']> = Extract<ProbeSpec, { kind: K }>;
type Draft = Omit<ProbeResult, 'id' | 'kind' | 'checkedAt'>;

async function alarmProbe(spec: Spec<'alarm'>, runtime: Runtime): Promise<Draft> {
  const expected = spec.allowInsufficientData ? 'state OK or INSUFFICIENT_DATA' : 'state OK';
  const answer = await awsCall('cloudwatch:DescribeAlarms', () =>
    runtime.clients.cloudWatch.send(
      new DescribeAlarmsCommand({
        AlarmNames: [spec.alarmName],
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
      }),
    ),
  );
  const alarm = [...(answer.MetricAlarms ?? []), ...(answer.CompositeAlarms ?? [])][0];
  if (!alarm) {
    return {
      ok: false,
      expected,
      observed: 'alarm not found',
      error: `alarm ${spec.alarmName} does not exist`,
    };
  }
  const state = alarm.StateValue ?? 'UNKNOWN';
  const since = alarm.StateUpdatedTimestamp ? ` since ${alarm.StateUpdatedTimestamp.toISOString()}` : '';
  const ok = state === 'OK' || (spec.allowInsufficientData && state === 'INSUFFICIENT_DATA');
  return { ok, expected, observed: `state ${state}${since}` };
}

/**
 * fetch reports `fetch failed`; the reason (ECONNREFUSED, ENOTFOUND...) is in its cause. Read by
 * shape, not `instanceof`: the error may come from another realm (undici's own globals).
 */
function describeFetchError(error: unknown): string {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as {
    message?: unknown;
    cause?: { code?: unknown; message?: unknown };
  };
  const message = typeof shape.message === 'string' ? shape.message : String(error);
  const cause = shape.cause;
  const detail =
    typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : '';
  return detail && !message.includes(detail) ? `${message} (${detail})` : message;
}

async function httpProbe(spec: Spec<'http'>, runtime: Runtime): Promise<Draft> {
  const expected = `HTTP ${spec.expectedStatus} within ${spec.timeoutSeconds} s${spec.bodyMatch !== undefined ? `, body matching /${spec.bodyMatch}/` : ''}`;
  const controller = new AbortController();
  // setTimeout (not AbortSignal.timeout) so a faked clock governs it too.
  const timer = setTimeout(() => controller.abort(), spec.timeoutSeconds * 1000);
  const started = Date.now();
  try {
    const response = await runtime.fetch(spec.url, { method: spec.method, signal: controller.signal });
    const body = spec.bodyMatch !== undefined && spec.method === 'GET' ? await response.text() : '';
    // An unread body keeps the connection busy until it is garbage-collected: release it now.
    if (!response.bodyUsed) await response.body?.cancel();
    const ms = Date.now() - started;
    const statusOk = response.status === spec.expectedStatus;
    const bodyOk = spec.bodyMatch === undefined || new RegExp(spec.bodyMatch).test(body);
    const observed = `HTTP ${response.status} in ${ms} ms${bodyOk ? '' : ', body did not match'}`;
    return { ok: statusOk && bodyOk, expected, observed, value: response.status };
  } catch (error) {
    const timedOut = controller.signal.aborted;
    const message = describeFetchError(error);
    return {
      ok: false,
      expected,
      observed: timedOut ? `no answer within ${spec.timeoutSeconds} s` : `request failed: ${message}`,
      error: timedOut ? `timed out after ${spec.timeoutSeconds} s` : message,
    };
  } finally {
    clearTimeout(timer);
  }
}

async function metricProbe(spec: Spec<'metric'>, runtime: Runtime): Promise<Draft> {
  const bounds = [
    spec.min !== undefined ? `>= ${spec.min}` : undefined,
    spec.max !== undefined ? `<= ${spec.max}` : undefined,
  ].filter(Boolean);
  const expected = `${[spec.statistic, bounds.join(' and ')].filter(Boolean).join(' ')} over the last ${spec.windowSeconds} s`;
  const end = runtime.now();
  const answer = await awsCall('cloudwatch:GetMetricData', () =>
    runtime.clients.cloudWatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(end.getTime() - spec.windowSeconds * 1000),
        EndTime: end,
        MetricDataQueries: [
          {
            Id: 'm',
            ReturnData: true,
            MetricStat: {
              Metric: {
                Namespace: spec.namespace,
                MetricName: spec.metricName,
                Dimensions: Object.entries(spec.dimensions).map(([Name, Value]) => ({ Name, Value })),
              },
              Period: spec.periodSeconds,
              Stat: spec.statistic,
            },
          },
        ],
      }),
    ),
  );
  const values = answer.MetricDataResults?.[0]?.Values ?? [];
  if (values.length === 0) return { ok: false, expected, observed: 'no datapoints in the window' };
  const tooLow = spec.min !== undefined ? values.filter((v) => v < spec.min!) : [];
  const tooHigh = spec.max !== undefined ? values.filter((v) => v > spec.max!) : [];
  // The value reported is the worst one seen (the one furthest outside, or the max when all fit).
  const worst = tooHigh.length
    ? Math.max(...tooHigh)
    : tooLow.length
      ? Math.min(...tooLow)
      : spec.max !== undefined
        ? Math.max(...values)
        : Math.min(...values);
  return {
    ok: tooLow.length === 0 && tooHigh.length === 0,
    expected,
    observed: `${spec.statistic} = ${worst} (worst of ${values.length} datapoints)`,
    value: worst,
  };
}

async function asgCapacityProbe(spec: Spec<'asgCapacity'>, runtime: Runtime): Promise<Draft> {
  const expected = `>= ${spec.minInService} InService`;
  const answer = await awsCall('autoscaling:DescribeAutoScalingGroups', () =>
    runtime.clients.autoScaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [spec.groupName] }),
    ),
  );
  const group = answer.AutoScalingGroups?.[0];
  if (!group) {
    return {
      ok: false,
      expected,
      observed: 'group not found',
      error: `group ${spec.groupName} does not exist`,
    };
  }
  const inService = (group.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length;
  return {
    ok: inService >= spec.minInService,
    expected,
    observed: `${inService} InService`,
    value: inService,
  };
}

function runKind(spec: ProbeSpec, runtime: Runtime): Promise<Draft> {
  switch (spec.kind) {
    case 'alarm':
      return alarmProbe(spec, runtime);
    case 'http':
      return httpProbe(spec, runtime);
    case 'metric':
      return metricProbe(spec, runtime);
    case 'asgCapacity':
      return asgCapacityProbe(spec, runtime);
  }
}

/**
 * Runs one probe. A probe that cannot be evaluated (access denied, missing resource) is not ok and
 * says why; throttling and transient AWS failures are thrown so the state's Retry tries again.
 */
export async function runProbe(spec: ProbeSpec, runtime: Runtime): Promise<ProbeResult> {
  const base = { id: spec.id, kind: spec.kind };
  try {
    const draft = await runKind(spec, runtime);
    return { ...base, ...draft, checkedAt: runtime.now().toISOString() };
  } catch (error) {
    if (error instanceof ThrottledError || error instanceof TransientError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    return {
      ...base,
      ok: false,
      expected: 'probe can be evaluated',
      observed: 'probe failed',
      error: message,
      checkedAt: runtime.now().toISOString(),
    };
  }
}

/** Runs every probe concurrently; results in the order of the specs. */
export function runProbes(specs: readonly ProbeSpec[], runtime: Runtime): Promise<ProbeResult[]> {
  return Promise.all(specs.map((spec) => runProbe(spec, runtime)));
}

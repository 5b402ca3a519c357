/**
 * Effect verification: did the fault act? The seed's "did you see a CPU increase?", answered from
 * CloudWatch. A datapoint counts only when its whole period lies within the fault (a 5-minute
 * average that is half before the fault proves nothing either way); EC2 publishes CPUUtilization per
 * instance every 60 s with detailed monitoring and every 300 s with basic monitoring, a few minutes
 * late, so "no datapoint yet" is reported as such, never as "no effect".
 *
 * Pure of everything but CloudWatch: the poll (during the fault) and the after-check (late data)
 * both call it, each with the targets and periods it knows.
 */
import {
  paginateGetMetricData,
  type CloudWatchClient,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { awsPages } from './paginate';
import type { EffectResult, EffectSpec, TargetEffect } from './types';

/** EC2 publishes CPUUtilization every 60 s with detailed monitoring. */
export const DETAILED_PERIOD_SECONDS = 60;
/** ... and every 300 s with basic monitoring (the default for an instance). */
export const BASIC_PERIOD_SECONDS = 300;
/** GetMetricData takes at most 500 queries per call. */
const MAX_QUERIES = 500;

/** The fault's window: from its start to its end (or now, while it runs). */
export interface FaultWindow {
  readonly start: string;
  readonly end: string;
  /** True once the fault has ended (the window is final). */
  readonly ended: boolean;
}

/** The describing text of a CPU threshold. */
export function cpuThreshold(spec: Extract<EffectSpec, { kind: 'cpu' }>): string {
  return `CPUUtilization >= ${spec.minCpuPercent} %${spec.derived ? ' (default: 3/4 of loadPercent)' : ''}`;
}

/** The describing text of a metric threshold. */
export function metricThreshold(spec: Extract<EffectSpec, { kind: 'metric' }>): string {
  const bound = spec.min !== undefined ? `>= ${spec.min}` : `<= ${String(spec.max)}`;
  return `${spec.namespace} ${spec.metricName} ${spec.statistic} ${bound}`;
}

/**
 * What to check when an imported template's effect metric was not seen: the template's own actions and
 * targets, not the CPU stress document (which such a template may not use at all).
 */
export function metricEffectChecks(spec: Extract<EffectSpec, { kind: 'metric' }>): string {
  const dimensions = Object.entries(spec.dimensions)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
  return `Check that the template's actions act on what ${spec.namespace} ${spec.metricName}${dimensions ? ` (${dimensions})` : ''} measures, that its targets resolved (the FIS experiment's action states), and that ${metricThreshold(spec)} is reachable under the fault`;
}

interface Datapoint {
  readonly t: number;
  readonly v: number;
}

/** Datapoints whose whole period [t, t + period) lies within the window. */
function within(points: readonly Datapoint[], periodSeconds: number, window: FaultWindow): Datapoint[] {
  const start = Date.parse(window.start);
  const end = Date.parse(window.end);
  return points.filter((p) => p.t >= start && p.t + periodSeconds * 1000 <= end);
}

async function getMetricData(
  cloudWatch: CloudWatchClient,
  queries: MetricDataQuery[],
  window: FaultWindow,
): Promise<Map<string, Datapoint[]>> {
  const found = new Map<string, Datapoint[]>();
  for (let i = 0; i < queries.length; i += MAX_QUERIES) {
    const pages = paginateGetMetricData(
      { client: cloudWatch },
      {
        MetricDataQueries: queries.slice(i, i + MAX_QUERIES),
        // From the period boundary before the fault: datapoints are stamped at their period's start.
        StartTime: new Date(Date.parse(window.start) - BASIC_PERIOD_SECONDS * 1000),
        EndTime: new Date(window.end),
      },
    );
    for await (const answer of awsPages('cloudwatch:GetMetricData', pages)) {
      for (const result of answer.MetricDataResults ?? []) {
        const list = found.get(result.Id ?? '') ?? [];
        (result.Timestamps ?? []).forEach((t, index) => {
          const v = result.Values?.[index];
          if (v !== undefined) list.push({ t: t.getTime(), v });
        });
        found.set(result.Id ?? '', list);
      }
    }
  }
  return found;
}

function periodWord(seconds: number): string {
  return seconds === DETAILED_PERIOD_SECONDS
    ? '60 s (detailed monitoring)'
    : seconds === BASIC_PERIOD_SECONDS
      ? '300 s (basic monitoring)'
      : `${seconds} s`;
}

/** Why no datapoint could count: no whole period fits in the fault, or the data is not published yet. */
function noDataDetail(periodSeconds: number, window: FaultWindow, what: string): string {
  const start = Date.parse(window.start);
  const end = Date.parse(window.end);
  const periodMs = periodSeconds * 1000;
  const firstWhole = Math.ceil(start / periodMs) * periodMs;
  const clock = (ms: number): string => new Date(ms).toISOString().slice(11, 19);
  if (window.ended && firstWhole + periodMs > end) {
    return `${what} is published every ${periodWord(periodSeconds)} and no whole period lies within the fault (${clock(start)} to ${clock(end)} UTC), so the effect cannot be verified${periodSeconds === BASIC_PERIOD_SECONDS ? '; enable detailed monitoring on the targets or run the fault longer than 10 minutes' : ''}`;
  }
  return `no ${what} datapoint of the fault's ${periodWord(periodSeconds)} periods was published yet at ${clock(end)} UTC (CloudWatch publishes EC2 metrics a few minutes late)`;
}

/**
 * Evaluates the CPU effect on the targets over the window: each target's highest datapoint within
 * the fault, against `minCpuPercent`.
 */
export async function evaluateCpuEffect(
  spec: Extract<EffectSpec, { kind: 'cpu' }>,
  targets: readonly TargetEffect[],
  window: FaultWindow,
  cloudWatch: CloudWatchClient,
  extras: { readonly command?: string; readonly targetsLeftOut?: number },
  now: string,
): Promise<EffectResult> {
  const threshold = cpuThreshold(spec);
  const base = {
    threshold,
    ...(extras.command !== undefined ? { command: extras.command } : {}),
    ...(extras.targetsLeftOut ? { targetsLeftOut: extras.targetsLeftOut } : {}),
    checkedAt: now,
  };
  if (targets.length === 0) {
    return {
      ...base,
      status: 'no-data',
      detail: 'the targeted instances are not known yet, so their CPU could not be read',
      targets: [],
    };
  }
  const queries: MetricDataQuery[] = targets.map((t, i) => ({
    Id: `cpu${i}`,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/EC2',
        MetricName: 'CPUUtilization',
        Dimensions: [{ Name: 'InstanceId', Value: t.id }],
      },
      Period: t.periodSeconds,
      Stat: 'Average',
    },
    ReturnData: true,
  }));
  const data = await getMetricData(cloudWatch, queries, window);
  const measured: TargetEffect[] = targets.map((t, i) => {
    const points = within(data.get(`cpu${i}`) ?? [], t.periodSeconds, window);
    const best = points.length > 0 ? Math.max(...points.map((p) => p.v)) : undefined;
    const maxCpu = best === undefined ? t.maxCpu : Math.max(best, t.maxCpu ?? best);
    return {
      ...t,
      datapoints: Math.max(t.datapoints, points.length),
      ...(maxCpu !== undefined ? { maxCpu: Math.round(maxCpu * 10) / 10 } : {}),
    };
  });
  const withData = measured.filter((t) => t.datapoints > 0);
  const reached = withData.filter((t) => (t.maxCpu ?? 0) >= spec.minCpuPercent);
  const missed = withData.filter((t) => (t.maxCpu ?? 0) < spec.minCpuPercent);
  const list = (ts: readonly TargetEffect[]): string =>
    ts
      .slice(0, 5)
      .map((t) => `${t.id} ${t.maxCpu ?? '?'} %`)
      .join(', ') + (ts.length > 5 ? ` and ${ts.length - 5} more` : '');
  if (withData.length === 0) {
    const period = Math.max(...measured.map((t) => t.periodSeconds));
    return {
      ...base,
      status: 'no-data',
      detail: noDataDetail(period, window, 'CPUUtilization'),
      targets: measured,
    };
  }
  const unread = measured.length - withData.length;
  const unreadNote = unread > 0 ? `; ${unread} target(s) had no datapoint within the fault yet` : '';
  if (reached.length === measured.length) {
    return {
      ...base,
      status: 'seen',
      detail: `CPU reached ${spec.minCpuPercent} % on every target (${list(reached)})`,
      targets: measured,
    };
  }
  if (reached.length > 0) {
    return {
      ...base,
      status: 'partial',
      detail: `CPU reached ${spec.minCpuPercent} % on ${reached.length} of ${measured.length} targets; highest on the others: ${list(missed)}${unreadNote}`,
      targets: measured,
    };
  }
  return {
    ...base,
    status: 'not-seen',
    detail: `CPU never reached ${spec.minCpuPercent} % during the fault: highest ${list(missed)}${unreadNote}`,
    targets: measured,
  };
}

/** Evaluates an imported template's effect metric over the window. */
export async function evaluateMetricEffect(
  spec: Extract<EffectSpec, { kind: 'metric' }>,
  window: FaultWindow,
  cloudWatch: CloudWatchClient,
  now: string,
): Promise<EffectResult> {
  const threshold = metricThreshold(spec);
  const data = await getMetricData(
    cloudWatch,
    [
      {
        Id: 'effect',
        MetricStat: {
          Metric: {
            Namespace: spec.namespace,
            MetricName: spec.metricName,
            Dimensions: Object.entries(spec.dimensions).map(([Name, Value]) => ({ Name, Value })),
          },
          Period: spec.periodSeconds,
          Stat: spec.statistic,
        },
        ReturnData: true,
      },
    ],
    window,
  );
  const points = within(data.get('effect') ?? [], spec.periodSeconds, window);
  if (points.length === 0) {
    return {
      status: 'no-data',
      detail: noDataDetail(spec.periodSeconds, window, spec.metricName),
      threshold,
      checkedAt: now,
    };
  }
  const values = points.map((p) => p.v);
  const value = spec.min !== undefined ? Math.max(...values) : Math.min(...values);
  const ok = spec.min !== undefined ? value >= spec.min : value <= (spec.max ?? value);
  return {
    status: ok ? 'seen' : 'not-seen',
    detail: ok
      ? `${spec.metricName} reached ${value} during the fault (${threshold})`
      : `${spec.metricName} stayed at ${spec.min !== undefined ? 'most' : 'least'} ${value} during the fault (${points.length} datapoints), never ${spec.min !== undefined ? `>= ${spec.min}` : `<= ${String(spec.max)}`}`,
    threshold,
    value,
    checkedAt: now,
  };
}

/** The effect of a plan without anything to verify against. */
export function unverifiedEffect(detail: string, now: string): EffectResult {
  return { status: 'unverified', detail, checkedAt: now };
}

/**
 * Evaluates the effect again over the whole fault once it has ended (datapoints arrive minutes late):
 * the after-check calls it on every re-check until the effect is seen. Keeps `previous` when there is
 * nothing more to learn (seen, unverified, or no targets known).
 */
export async function reverifyEffect(
  spec: EffectSpec | undefined,
  previous: EffectResult | undefined,
  window: FaultWindow,
  cloudWatch: CloudWatchClient,
  now: string,
): Promise<EffectResult | undefined> {
  if (!spec || !previous || previous.status === 'seen' || previous.status === 'unverified') return previous;
  if (spec.kind === 'metric') return evaluateMetricEffect(spec, window, cloudWatch, now);
  if (!previous.targets || previous.targets.length === 0) return previous;
  return evaluateCpuEffect(
    spec,
    previous.targets,
    window,
    cloudWatch,
    {
      ...(previous.command !== undefined ? { command: previous.command } : {}),
      ...(previous.targetsLeftOut !== undefined ? { targetsLeftOut: previous.targetsLeftOut } : {}),
    },
    now,
  );
}

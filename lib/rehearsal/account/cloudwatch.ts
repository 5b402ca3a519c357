import * as cloudWatchSdk from '@aws-sdk/client-cloudwatch';
import type { Scenario } from '../scenario';
import { isoAt, type Route, type ServiceContext } from './context';

/** Metric data the run put to CloudWatch. */
export interface PutMetrics {
  readonly at: string;
  readonly namespace: string;
  readonly metricData: readonly cloudWatchSdk.MetricDatum[];
}

/** The simulated CloudWatch: its routes and the metric data put. */
export interface SimulatedCloudWatch {
  readonly routes: Route[];
  readonly putMetrics: PutMetrics[];
}

/** DescribeAlarms' metric fields for an alarm the scenario describes (none: a metric-math alarm). */
function alarmMetricFields(
  metric: Scenario['alarmMetrics'][string] | undefined,
): Partial<cloudWatchSdk.MetricAlarm> {
  if (!metric) return {};
  const slash = metric.metric.lastIndexOf('/');
  return {
    Namespace: metric.metric.slice(0, slash),
    MetricName: metric.metric.slice(slash + 1),
    Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
    Statistic: metric.statistic,
    Period: metric.periodSeconds,
    EvaluationPeriods: 1,
    Threshold: metric.threshold,
    ComparisonOperator: metric.comparison,
  };
}

/**
 * Amazon CloudWatch: alarms in the state their timeline holds, metrics from their timelines (per
 * instance CPU at the period the instance publishes, readable after the scenario's metric delay), and
 * the metric data the run puts.
 */
export function simulatedCloudWatch(ctx: ServiceContext): SimulatedCloudWatch {
  const { scenario, region, account, partition } = ctx;
  const putMetrics: PutMetrics[] = [];
  const alarmArn = (name: string): string => `arn:${partition}:cloudwatch:${region}:${account}:alarm:${name}`;

  /**
   * `AWS/EC2/CPUUtilization` by `InstanceId`, as CloudWatch serves it: one datapoint per period the
   * instance publishes at (60 s detailed, 300 s basic, whatever finer period is asked), the period's
   * average, readable only `metricDelaySeconds` after the period ends.
   */
  const instanceCpu = (
    stat: cloudWatchSdk.MetricStat | undefined,
    startMs: number,
    endMs: number,
  ): { Timestamps: Date[]; Values: number[] } | undefined => {
    const dimension = stat?.Metric?.Dimensions?.find((d) => d.Name === 'InstanceId');
    if (stat?.Metric?.Namespace !== 'AWS/EC2' || stat.Metric.MetricName !== 'CPUUtilization' || !dimension) {
      return undefined;
    }
    const instance = scenario.instances.find((i) => i.id === dimension.Value);
    const entries = instance?.cpu ?? scenario.metrics['AWS/EC2/CPUUtilization'];
    if (!instance || !entries) return { Timestamps: [], Values: [] };
    const publishMs = (instance.monitoring === 'detailed' ? 60 : 300) * 1000;
    const periodMs = Math.max(publishMs, (stat.Period ?? 60) * 1000);
    const readableUntil = ctx.now() - scenario.metricDelaySeconds * 1000;
    const timestamps: Date[] = [];
    const values: number[] = [];
    for (
      let t = Math.ceil(startMs / periodMs) * periodMs;
      t < endMs && t + periodMs <= readableUntil;
      t += periodMs
    ) {
      const samples: number[] = [];
      for (let u = t; u < t + periodMs; u += 10_000) {
        const value = ctx.at(entries, u)?.entry.value;
        if (value !== undefined) samples.push(value);
      }
      if (samples.length === 0) continue;
      timestamps.push(new Date(t));
      values.push(Math.round((samples.reduce((a, b) => a + b, 0) / samples.length) * 10) / 10);
    }
    return { Timestamps: timestamps.reverse(), Values: values.reverse() };
  };

  const routes: Route[] = [
    {
      command: cloudWatchSdk.DescribeAlarmsCommand,
      name: 'DescribeAlarms',
      handle: (input: cloudWatchSdk.DescribeAlarmsCommandInput) => {
        const names = Object.keys(scenario.alarms).filter(
          (name) =>
            (!input.AlarmNames || input.AlarmNames.length === 0 || input.AlarmNames.includes(name)) &&
            (!input.AlarmNamePrefix || name.startsWith(input.AlarmNamePrefix)),
        );
        const metricAlarms = names.flatMap((name) => {
          const current = ctx.at(scenario.alarms[name] ?? []);
          if (!current) return [];
          if (input.StateValue && input.StateValue !== current.entry.state) return [];
          return [
            {
              AlarmName: name,
              AlarmArn: alarmArn(name),
              StateValue: current.entry.state,
              StateReason: `Simulated: ${current.entry.state} since ${isoAt(current.sinceMs)}`,
              StateUpdatedTimestamp: new Date(current.sinceMs),
              StateTransitionedTimestamp: new Date(current.sinceMs),
              ActionsEnabled: true,
              ...alarmMetricFields(scenario.alarmMetrics[name]),
            },
          ];
        });
        return { MetricAlarms: metricAlarms, CompositeAlarms: [] };
      },
    },
    {
      command: cloudWatchSdk.GetMetricDataCommand,
      name: 'GetMetricData',
      handle: (input: cloudWatchSdk.GetMetricDataCommandInput) => {
        const now = ctx.now();
        const startMs = input.StartTime ? new Date(input.StartTime).getTime() : now - 3600_000;
        const endMs = Math.min(input.EndTime ? new Date(input.EndTime).getTime() : now, now);
        const results = (input.MetricDataQueries ?? []).map((query) => {
          const stat = query.MetricStat;
          const perInstance = instanceCpu(stat, startMs, endMs);
          if (perInstance) {
            return { Id: query.Id, Label: 'CPUUtilization', ...perInstance, StatusCode: 'Complete' };
          }
          const key = stat ? `${stat.Metric?.Namespace ?? ''}/${stat.Metric?.MetricName ?? ''}` : '';
          const entries = scenario.metrics[key];
          const periodMs = (stat?.Period ?? 60) * 1000;
          const timestamps: Date[] = [];
          const values: number[] = [];
          if (entries) {
            for (let t = Math.ceil(startMs / periodMs) * periodMs; t < endMs; t += periodMs) {
              const value = ctx.at(entries, t)?.entry.value;
              if (value === undefined) continue;
              timestamps.push(new Date(t));
              values.push(value);
            }
          }
          return {
            Id: query.Id,
            Label: stat?.Metric?.MetricName ?? query.Label ?? query.Id,
            Timestamps: timestamps.reverse(),
            Values: values.reverse(),
            StatusCode: 'Complete',
          };
        });
        return { MetricDataResults: results, Messages: [] };
      },
    },
    {
      command: cloudWatchSdk.PutMetricDataCommand,
      name: 'PutMetricData',
      handle: (input: cloudWatchSdk.PutMetricDataCommandInput) => {
        putMetrics.push({
          at: isoAt(ctx.now()),
          namespace: input.Namespace ?? '',
          metricData: input.MetricData ?? [],
        });
        return {};
      },
    },
  ];
  return { routes, putMetrics };
}

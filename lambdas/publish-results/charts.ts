/**
 * Chart data for the report: target CPU (by the Auto Scaling groups named in the probes, else by the
 * fault's instance ids) and each stop-condition alarm's metric, over the run window, from
 * CloudWatch GetMetricData. A failure here degrades the chart (with a note); it never fails the report.
 */
import {
  DescribeAlarmsCommand,
  paginateGetMetricData,
  type CloudWatchClient,
  type MetricAlarm,
  type MetricDataQuery,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import type { ChartPanel, ExperimentChart } from '../shared/render/chart';
import type { ExperimentResult } from '../shared/types';

/** Minutes shown before the experiment starts and after it ends. */
export const CHART_MARGIN_BEFORE_SECONDS = 300;
/** Margin after the end of the experiment. */
export const CHART_MARGIN_AFTER_SECONDS = 120;
/** At most this many instance ids are charted when no Auto Scaling group is named. */
export const MAX_CHARTED_INSTANCES = 10;
const MAX_PAGES = 10;

/** The Auto Scaling groups named in an experiment's probes (steady state and recovery), de-duplicated. */
export function asgNamesOf(result: Pick<ExperimentResult, 'plan'>): string[] {
  const names = [...result.plan.steadyState, ...result.plan.recovery.expect].flatMap((p) =>
    p.kind === 'asgCapacity' ? [p.groupName] : [],
  );
  return [...new Set(names)];
}

function message(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

interface Query {
  readonly query: MetricDataQuery;
  readonly panel: number;
  readonly label: string;
}

/** The time window charted for one experiment. */
export function chartWindow(result: ExperimentResult, now: Date): { start: Date; end: Date } {
  const times = [result.startedAt, result.steadyStateBefore?.checkedAt, result.fault?.startedAt]
    .filter((t): t is string => t !== undefined)
    .map((t) => Date.parse(t))
    .filter((t) => !Number.isNaN(t));
  const first = times.length > 0 ? Math.min(...times) : now.getTime();
  const ended = Date.parse(result.endedAt);
  const last = Number.isNaN(ended) ? now.getTime() : ended;
  return {
    start: new Date(first - CHART_MARGIN_BEFORE_SECONDS * 1000),
    end: new Date(
      Math.min(last + CHART_MARGIN_AFTER_SECONDS * 1000, Math.max(now.getTime(), first + 60_000)),
    ),
  };
}

/**
 * Collects the chart of one experiment; `undefined` when no fault was injected (nothing to chart).
 * Never throws: problems become `note`.
 */
export async function collectChart(
  result: ExperimentResult,
  cloudWatch: CloudWatchClient,
  now: Date,
): Promise<ExperimentChart | undefined> {
  if (!result.fault) return undefined;
  const { start, end } = chartWindow(result, now);
  const notes: string[] = [];
  const panels: ChartPanel[] = [];
  const queries: Query[] = [];

  const asgs = asgNamesOf(result);
  const instances = (result.fault.targets ?? []).slice(0, MAX_CHARTED_INSTANCES);
  const cpuTargets =
    asgs.length > 0
      ? asgs.map((name) => ({ dimension: 'AutoScalingGroupName', value: name }))
      : instances.map((id) => ({ dimension: 'InstanceId', value: id }));
  if (cpuTargets.length > 0) {
    panels.push({ title: 'Target CPU utilization', unit: '%', series: [], yMax: 100 });
    cpuTargets.forEach((t, i) =>
      queries.push({
        panel: 0,
        label: t.value,
        query: {
          Id: `cpu${i}`,
          Label: t.value,
          MetricStat: {
            Metric: {
              Namespace: 'AWS/EC2',
              MetricName: 'CPUUtilization',
              Dimensions: [{ Name: t.dimension, Value: t.value }],
            },
            Period: 60,
            Stat: 'Average',
          },
          ReturnData: true,
        },
      }),
    );
  } else {
    notes.push('No Auto Scaling group in the probes and no target instance ids: target CPU is not charted.');
  }

  const alarmNames = result.plan.stopConditions.map((s) => s.alarmName);
  if (alarmNames.length > 0) {
    try {
      const described = await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: alarmNames }));
      const alarms: MetricAlarm[] = described.MetricAlarms ?? [];
      for (const name of alarmNames) {
        const alarm = alarms.find((a) => a.AlarmName === name);
        if (!alarm) {
          notes.push(`Stop-condition alarm ${name} was not found (or is a composite alarm): not charted.`);
          continue;
        }
        if (!alarm.MetricName || !alarm.Namespace) {
          notes.push(`Stop-condition alarm ${name} uses metric math: not charted.`);
          continue;
        }
        const panel = panels.length;
        panels.push({
          title: `${alarm.Namespace} ${alarm.MetricName} (stop condition ${name})`,
          unit: alarm.Unit ?? alarm.ExtendedStatistic ?? alarm.Statistic ?? 'value',
          series: [],
          ...(alarm.Threshold !== undefined
            ? {
                threshold: {
                  value: alarm.Threshold,
                  label: `alarm threshold: ${alarm.ComparisonOperator ?? ''} ${alarm.Threshold}`.replace(
                    /\s+/g,
                    ' ',
                  ),
                },
              }
            : {}),
        });
        queries.push({
          panel,
          label: name,
          query: {
            Id: `alarm${panel}`,
            Label: name,
            MetricStat: {
              Metric: {
                Namespace: alarm.Namespace,
                MetricName: alarm.MetricName,
                Dimensions: alarm.Dimensions ?? [],
              },
              Period: alarm.Period ?? 60,
              Stat: alarm.ExtendedStatistic ?? alarm.Statistic ?? 'Average',
            },
            ReturnData: true,
          },
        });
      }
    } catch (error) {
      notes.push(
        `The stop-condition alarms could not be described (${message(error)}): their metrics are not charted.`,
      );
    }
  }

  let results: MetricDataResult[] = [];
  if (queries.length > 0) {
    try {
      results = await fetchAll(
        cloudWatch,
        queries.map((q) => q.query),
        start,
        end,
      );
    } catch (error) {
      notes.push(`GetMetricData failed (${message(error)}): the chart has no data.`);
    }
  }
  const filled: ChartPanel[] = panels.map((panel, index) => ({
    ...panel,
    series: queries
      .filter((q) => q.panel === index)
      .map((q) => {
        const data = results.filter((r) => r.Id === q.query.Id);
        const points = data.flatMap((r) =>
          (r.Timestamps ?? []).flatMap((t, i) => {
            const v = r.Values?.[i];
            return v === undefined ? [] : [{ t: t.toISOString(), v }];
          }),
        );
        return { label: q.label, points };
      }),
  }));
  return {
    start: start.toISOString(),
    end: end.toISOString(),
    faultStart: result.fault.startedAt,
    ...(result.faultEndedAt !== undefined ? { faultEnd: result.faultEndedAt } : {}),
    panels: filled,
    ...(notes.length > 0 ? { note: notes.join(' ') } : {}),
  };
}

async function fetchAll(
  cloudWatch: CloudWatchClient,
  queries: MetricDataQuery[],
  start: Date,
  end: Date,
): Promise<MetricDataResult[]> {
  const all: MetricDataResult[] = [];
  let pages = 0;
  const input = {
    MetricDataQueries: queries,
    StartTime: start,
    EndTime: end,
    ScanBy: 'TimestampAscending' as const,
  };
  for await (const response of paginateGetMetricData({ client: cloudWatch }, input)) {
    all.push(...(response.MetricDataResults ?? []));
    pages += 1;
    if (pages === MAX_PAGES) break;
  }
  return all;
}

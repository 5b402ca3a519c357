import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  APPLICATION_DIMENSION,
  EXPERIMENT_DIMENSION,
  METRIC_NAMES,
  METRIC_NAMESPACE,
} from '../../lambdas/shared/render/metrics';
import type { ExperimentPlan } from '../../lambdas/shared/types';

/** The dashboard name of a stack: `ChaosCadence-<stack name>` (the email links to it). */
export function dashboardNameFor(stackName: string): string {
  return `ChaosCadence-${stackName}`;
}

/** Props of {@link ResultsDashboard}. */
export interface ResultsDashboardProps {
  /** The deployed experiments (one resilience and one last-outcome widget each). */
  readonly plans: readonly ExperimentPlan[];
  /** The workflow (linked from the header). */
  readonly stateMachine: sfn.IStateMachine;
  /** The workflow's log group (Step Functions execution logs, level ALL) for the recent-runs table. */
  readonly logGroup: logs.ILogGroup;
  /** The kill-switch SSM parameter, named in the "how to halt" text. */
  readonly killSwitchParameterName: string;
  /** The next scheduled runs, already formatted by the stack (e.g. `Tue 3 Mar 2026 10:00 Europe/Berlin`). */
  readonly nextRuns: readonly string[];
  /**
   * Stop-condition alarm names for the alarm status widget.
   * @default - every stop condition of `plans`, de-duplicated
   */
  readonly stopConditionAlarms?: readonly string[];
  /**
   * @default `ChaosCadence-<stack name>`
   */
  readonly dashboardName?: string;
}

const RESILIENCE_PERIOD = Duration.days(30);
/** Recent-runs table size. */
const RECENT_RUNS = 20;

/** Every Auto Scaling group named in the plans' asgCapacity probes (steady state and recovery). */
export function asgNamesInPlans(plans: readonly ExperimentPlan[]): string[] {
  const names = plans.flatMap((plan) =>
    [...plan.steadyState, ...plan.recovery.expect].flatMap((probe) =>
      probe.kind === 'asgCapacity' ? [probe.groupName] : [],
    ),
  );
  return [...new Set(names)];
}

function experimentMetric(
  experiment: string,
  metricName: string,
  statistic: string,
  label: string,
  period: Duration,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRIC_NAMESPACE,
    metricName,
    dimensionsMap: { [EXPERIMENT_DIMENSION]: experiment },
    statistic,
    period,
    label,
  });
}

/**
 * The `ChaosCadence-<stack>` CloudWatch dashboard: what this is and how to halt it, resilience over
 * the last 12 months and the last outcome per experiment, the stop-condition alarms, target CPU and
 * in-service capacity, and a table of recent runs. Laid out for a laptop: 24 columns, widgets 6-12
 * wide.
 */
export class ResultsDashboard extends Construct {
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** Its name. */
  public readonly dashboardName: string;

  constructor(scope: Construct, id: string, props: ResultsDashboardProps) {
    super(scope, id);
    if (props.plans.length === 0) {
      throw new Error('ResultsDashboard needs at least one experiment plan (got plans: [])');
    }
    const stack = Stack.of(this);
    this.dashboardName = props.dashboardName ?? dashboardNameFor(stack.stackName);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: this.dashboardName,
      start: '-P365D',
      periodOverride: cloudwatch.PeriodOverride.INHERIT,
    });

    this.dashboard.addWidgets(this.header(props));
    this.dashboard.addWidgets(...this.scoreWidgets(props.plans));
    for (const plan of props.plans) {
      this.dashboard.addWidgets(this.resilienceWidget(plan), this.lastOutcomeWidget(plan));
    }
    const alarmNames = props.stopConditionAlarms ?? [
      ...new Set(props.plans.flatMap((p) => p.stopConditions.map((s) => s.alarmName))),
    ];
    const asgs = asgNamesInPlans(props.plans);
    this.dashboard.addWidgets(this.alarmWidget(alarmNames), this.capacityWidget(asgs));
    this.dashboard.addWidgets(this.cpuWidget(asgs), this.recentRunsWidget(props.logGroup));
  }

  private header(props: ResultsDashboardProps): cloudwatch.TextWidget {
    const region = Stack.of(this).region;
    const runs =
      props.nextRuns.length === 0
        ? '- none scheduled (every cadence is disabled)'
        : props.nextRuns.map((r) => `- ${r}`).join('\n');
    const experiments = props.plans
      .map(
        (p) => `- **${p.name}** (${p.application}): ${p.hypothesis} *(expected impact: ${p.expectedImpact})*`,
      )
      .join('\n');
    const markdown = [
      `# chaos-cadence: recurring chaos experiments`,
      'Each run checks the guard rails and the steady state, injects the fault, watches the stop conditions, checks recovery, ' +
        'then publishes a journal and an HTML report to S3, these metrics (namespace `ChaosCadence`) and an email.',
      '',
      `**Experiments**\n${experiments}`,
      '',
      `**Next scheduled runs** (as of the last deploy)\n${runs}`,
      '',
      `**Halt everything now:** \`npx chaos-cadence halt\` (sets SSM parameter \`${props.killSwitchParameterName}\` to \`on\`: ` +
        'no new runs, and a running fault is stopped within one poll). Resume with `npx chaos-cadence resume`.',
      '',
      `[Workflow executions](https://${region}.console.aws.amazon.com/states/home?region=${region}#/statemachines/view/${props.stateMachine.stateMachineArn})`,
    ].join('\n');
    return new cloudwatch.TextWidget({
      markdown,
      width: 24,
      height: 8,
      background: cloudwatch.TextWidgetBackground.SOLID,
    });
  }

  private resilienceWidget(plan: ExperimentPlan): cloudwatch.GraphWidget {
    const m = (name: string, stat: string, label: string) =>
      experimentMetric(plan.name, name, stat, label, RESILIENCE_PERIOD);
    return new cloudwatch.GraphWidget({
      title: `Resilience: ${plan.name} (30-day periods, last 12 months)`,
      width: 12,
      height: 6,
      start: '-P365D',
      period: RESILIENCE_PERIOD,
      view: cloudwatch.GraphWidgetView.TIME_SERIES,
      left: [m(METRIC_NAMES.hypothesisHeld, 'Average', 'hypothesis held (share of tested runs)')],
      leftYAxis: { min: 0, max: 1, label: 'held', showUnits: false },
      right: [
        m(METRIC_NAMES.aborted, 'Sum', 'aborted'),
        m(METRIC_NAMES.deviated, 'Sum', 'deviated'),
        m(METRIC_NAMES.skipped, 'Sum', 'skipped'),
        m(METRIC_NAMES.failed, 'Sum', 'failed'),
      ],
      rightYAxis: { min: 0, label: 'runs', showUnits: false },
      legendPosition: cloudwatch.LegendPosition.BOTTOM,
    });
  }

  /**
   * One widget per application: its `ResilienceScore` (the mean of its experiments, dimension
   * `Application`) and each of its experiments' (dimension `Experiment`), 0-100, over 12 months.
   */
  private scoreWidgets(plans: readonly ExperimentPlan[]): cloudwatch.GraphWidget[] {
    const applications = new Map<string, string[]>();
    for (const plan of plans)
      applications.set(plan.application, [...(applications.get(plan.application) ?? []), plan.name]);
    const day = Duration.days(1);
    return [...applications].map(
      ([application, experiments]) =>
        new cloudwatch.GraphWidget({
          title: `Resilience score: ${application} (0-100, per run, last 12 months)`,
          width: 12,
          height: 6,
          start: '-P365D',
          period: day,
          view: cloudwatch.GraphWidgetView.TIME_SERIES,
          left: [
            new cloudwatch.Metric({
              namespace: METRIC_NAMESPACE,
              metricName: METRIC_NAMES.resilienceScore,
              dimensionsMap: { [APPLICATION_DIMENSION]: application },
              statistic: 'Average',
              period: day,
              label: `${application} (mean of its experiments)`,
            }),
            ...experiments.map((name) =>
              experimentMetric(name, METRIC_NAMES.resilienceScore, 'Average', name, day),
            ),
          ],
          leftYAxis: { min: 0, max: 100, label: 'score', showUnits: false },
          legendPosition: cloudwatch.LegendPosition.BOTTOM,
        }),
    );
  }

  private lastOutcomeWidget(plan: ExperimentPlan): cloudwatch.SingleValueWidget {
    const day = Duration.days(1);
    const m = (name: string, label: string) => experimentMetric(plan.name, name, 'Maximum', label, day);
    return new cloudwatch.SingleValueWidget({
      title: `Last run: ${plan.name} (1 = yes)`,
      width: 12,
      height: 6,
      setPeriodToTimeRange: false,
      sparkline: false,
      metrics: [
        m(METRIC_NAMES.hypothesisHeld, 'hypothesis held'),
        m(METRIC_NAMES.aborted, 'aborted'),
        m(METRIC_NAMES.deviated, 'deviated'),
        m(METRIC_NAMES.skipped, 'skipped'),
        m(METRIC_NAMES.failed, 'failed'),
        m(METRIC_NAMES.recoverySeconds, 'recovery (s)'),
        m(METRIC_NAMES.timeToStopSeconds, 'time to stop (s)'),
        m(METRIC_NAMES.resilienceScore, 'resilience score (0-100)'),
      ],
    });
  }

  private alarmWidget(alarmNames: readonly string[]): cloudwatch.IWidget {
    if (alarmNames.length === 0) {
      return new cloudwatch.TextWidget({
        markdown: '**Stop conditions:** none configured.',
        width: 12,
        height: 6,
      });
    }
    const stack = Stack.of(this);
    const alarms = alarmNames.map((name, index) =>
      cloudwatch.Alarm.fromAlarmArn(
        this,
        `StopCondition${index}`,
        stack.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: name,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ),
    );
    return new cloudwatch.AlarmStatusWidget({
      title: 'Stop-condition alarms (any in ALARM aborts a running fault)',
      alarms,
      width: 12,
      height: 6,
      sortBy: cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
    });
  }

  private capacityWidget(asgs: readonly string[]): cloudwatch.IWidget {
    if (asgs.length === 0) {
      return new cloudwatch.TextWidget({
        markdown: '**In-service capacity:** no Auto Scaling group is named in an `asgCapacity` probe.',
        width: 12,
        height: 6,
      });
    }
    return new cloudwatch.GraphWidget({
      title: 'In-service instances, last 12 h (needs group metrics collection on the ASG)',
      width: 12,
      height: 6,
      start: '-PT12H',
      left: asgs.map(
        (name) =>
          new cloudwatch.Metric({
            namespace: 'AWS/AutoScaling',
            metricName: 'GroupInServiceInstances',
            dimensionsMap: { AutoScalingGroupName: name },
            statistic: 'Minimum',
            period: Duration.minutes(1),
            label: name,
          }),
      ),
      leftYAxis: { min: 0, showUnits: false, label: 'instances' },
    });
  }

  private cpuWidget(asgs: readonly string[]): cloudwatch.IWidget {
    if (asgs.length === 0) {
      return new cloudwatch.TextWidget({
        markdown:
          '**Target CPU:** no Auto Scaling group is named in an `asgCapacity` probe; the CPU of the targeted instances is charted in each run report.',
        width: 12,
        height: 6,
      });
    }
    return new cloudwatch.GraphWidget({
      title: 'Target CPU utilization by Auto Scaling group, last 12 h',
      width: 12,
      height: 6,
      start: '-PT12H',
      left: asgs.map(
        (name) =>
          new cloudwatch.Metric({
            namespace: 'AWS/EC2',
            metricName: 'CPUUtilization',
            dimensionsMap: { AutoScalingGroupName: name },
            statistic: 'Average',
            period: Duration.minutes(1),
            label: name,
          }),
      ),
      leftYAxis: { min: 0, max: 100, label: '%', showUnits: false },
    });
  }

  private recentRunsWidget(logGroup: logs.ILogGroup): cloudwatch.LogQueryWidget {
    return new cloudwatch.LogQueryWidget({
      title: 'Recent runs (workflow execution logs)',
      width: 12,
      height: 6,
      logGroupNames: [logGroup.logGroupName],
      view: cloudwatch.LogQueryVisualizationType.TABLE,
      queryLines: [
        'fields @timestamp, type, execution_arn',
        "filter type in ['ExecutionStarted', 'ExecutionSucceeded', 'ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut']",
        'parse execution_arn /:execution:[^:]+:(?<run>[^:]+)$/',
        'stats earliest(@timestamp) as started, latest(@timestamp) as ended, latest(type) as status by run',
        'sort started desc',
        `limit ${RECENT_RUNS}`,
      ],
    });
  }
}

import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ResultsDashboard, dashboardNameFor } from '../../lib/constructs/dashboard';
import { METRIC_NAMES, METRIC_NAMESPACE } from '../../lambdas/shared/render/metrics';
import { webCpu80Plan } from '../fixtures/results';

interface Widget {
  readonly type: string;
  readonly width: number;
  readonly height: number;
  readonly properties: {
    readonly title?: string;
    readonly markdown?: string;
    readonly metrics?: unknown[][];
    readonly alarms?: string[];
    readonly query?: string;
    readonly start?: string;
    readonly period?: number;
  };
}

const apiPlan = { ...webCpu80Plan, name: 'api-cpu-90', application: 'sock-shop-api' };

function build() {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'ChaosCadence', { env: { account: '123456789012', region: 'eu-central-1' } });
  const stateMachine = sfn.StateMachine.fromStateMachineName(stack, 'Workflow', 'ChaosCadence-Workflow');
  const logGroup = logs.LogGroup.fromLogGroupName(
    stack,
    'WorkflowLogs',
    '/aws/vendedlogs/states/chaos-cadence',
  );
  const dashboard = new ResultsDashboard(stack, 'Dashboard', {
    plans: [webCpu80Plan, apiPlan],
    stateMachine,
    logGroup,
    killSwitchParameterName: '/chaos-cadence/ChaosCadence/kill-switch',
    nextRuns: ['Tue 7 Apr 2026 10:00 Europe/Berlin', 'Tue 5 May 2026 10:00 Europe/Berlin'],
  });
  return { stack, dashboard };
}

/** The dashboard body as JSON: the Fn::Join resolved with every token replaced by a placeholder. */
function body(stack: Stack): { start: string; widgets: Widget[] } {
  const resources = Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard');
  const [resource] = Object.values(resources) as { Properties: { DashboardBody: unknown } }[];
  const joined = resource!.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  const text = joined['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
  return JSON.parse(text) as { start: string; widgets: Widget[] };
}

const { stack, dashboard } = build();
const parsed = body(stack);
const widgets = parsed.widgets;
const titled = (prefix: string) => widgets.filter((w) => w.properties.title?.startsWith(prefix));

describe('ResultsDashboard', () => {
  it('is named ChaosCadence-<stack name>', () => {
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: 'ChaosCadence-ChaosCadence',
    });
    expect(dashboard.dashboardName).toBe(dashboardNameFor('ChaosCadence'));
  });

  it('shows the last 12 months by default', () => {
    expect(parsed.start).toBe('-P365D');
  });

  it('opens with a header that says what this is, the next runs and how to halt', () => {
    const header = widgets[0]!;

    expect(header.type).toBe('text');
    expect(header.width).toBe(24);
    expect(header.properties.markdown).toContain('recurring chaos experiments');
    expect(header.properties.markdown).toContain('- Tue 7 Apr 2026 10:00 Europe/Berlin');
    expect(header.properties.markdown).toContain('`npx chaos-cadence halt`');
    expect(header.properties.markdown).toContain('/chaos-cadence/ChaosCadence/kill-switch');
  });

  it('graphs resilience per experiment over 30-day periods for the last 12 months', () => {
    const resilience = titled('Resilience: ');

    expect(resilience.map((w) => w.properties.title)).toEqual([
      'Resilience: web-cpu-80 (30-day periods, last 12 months)',
      'Resilience: api-cpu-90 (30-day periods, last 12 months)',
    ]);
    expect(resilience[0]!.properties.start).toBe('-P365D');
    expect(resilience[0]!.properties.period).toBe(30 * 24 * 3600);
  });

  it('shows the last outcome per experiment as single values', () => {
    const last = titled('Last run: ');

    expect(last).toHaveLength(2);
    expect(
      last.every((w) => w.type === 'metric' && (w.properties as { view?: string }).view === 'singleValue'),
    ).toBe(true);
  });

  it('graphs exactly the metric names publish-results puts, in the ChaosCadence namespace', () => {
    const experimentMetrics = [...titled('Resilience: '), ...titled('Last run: ')].flatMap(
      (w) => w.properties.metrics ?? [],
    );

    const names = new Set(experimentMetrics.map((m) => `${String(m[0])}/${String(m[1])}`));

    expect(names).toEqual(new Set(Object.values(METRIC_NAMES).map((n) => `${METRIC_NAMESPACE}/${n}`)));
    expect(experimentMetrics.every((m) => m[2] === 'Experiment')).toBe(true);
  });

  it('graphs the ResilienceScore of each application and of its experiments, 0 to 100, one widget per application', () => {
    const scores = titled('Resilience score: ');

    expect(scores.map((w) => w.properties.title)).toEqual([
      'Resilience score: sock-shop (0-100, per run, last 12 months)',
      'Resilience score: sock-shop-api (0-100, per run, last 12 months)',
    ]);
    expect(scores[0]!.properties.metrics).toEqual([
      [
        METRIC_NAMESPACE,
        'ResilienceScore',
        'Application',
        'sock-shop',
        expect.objectContaining({ label: 'sock-shop (mean of its experiments)' }),
      ],
      [
        METRIC_NAMESPACE,
        'ResilienceScore',
        'Experiment',
        'web-cpu-80',
        expect.objectContaining({ label: 'web-cpu-80' }),
      ],
    ]);
    expect(scores[1]!.properties.metrics).toEqual([
      [METRIC_NAMESPACE, 'ResilienceScore', 'Application', 'sock-shop-api', expect.anything()],
      [METRIC_NAMESPACE, 'ResilienceScore', 'Experiment', 'api-cpu-90', expect.anything()],
    ]);
  });

  it('shows the status of every stop-condition alarm by ARN', () => {
    const [alarms] = titled('Stop-condition alarms');

    expect(alarms!.type).toBe('alarm');
    expect(alarms!.properties.alarms).toEqual([
      'arn:TOKEN:cloudwatch:eu-central-1:123456789012:alarm:sock-shop-5xx',
      'arn:TOKEN:cloudwatch:eu-central-1:123456789012:alarm:sock-shop-instance-count-low',
    ]);
  });

  it('graphs target CPU by the Auto Scaling group named in the probes', () => {
    const [cpu] = titled('Target CPU');

    expect(cpu!.properties.metrics).toEqual([
      [
        'AWS/EC2',
        'CPUUtilization',
        'AutoScalingGroupName',
        'sock-shop-asg',
        { label: 'sock-shop-asg', period: 60 },
      ],
    ]);
  });

  it('graphs in-service capacity and says it needs group metrics collection', () => {
    const [capacity] = titled('In-service instances');

    expect(capacity!.properties.title).toContain('needs group metrics collection');
    expect(capacity!.properties.metrics).toEqual([
      [
        'AWS/AutoScaling',
        'GroupInServiceInstances',
        'AutoScalingGroupName',
        'sock-shop-asg',
        { label: 'sock-shop-asg', period: 60, stat: 'Minimum' },
      ],
    ]);
  });

  it('tables recent runs with a Logs Insights query over the workflow log group', () => {
    const [runs] = titled('Recent runs');

    expect(runs!.type).toBe('log');
    expect(runs!.properties.query).toContain("SOURCE '/aws/vendedlogs/states/chaos-cadence'");
    expect(runs!.properties.query).toContain('stats earliest(@timestamp) as started');
  });

  it('keeps every widget between 6 and 12 columns wide except the header', () => {
    const widths = widgets.slice(1).map((w) => w.width);

    expect(widths.every((w) => w >= 6 && w <= 12)).toBe(true);
  });

  it('has no cdk-nag AwsSolutions findings', () => {
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });

  it('fails without experiment plans', () => {
    const local = new Stack(new App(), 'S');

    expect(
      () =>
        new ResultsDashboard(local, 'D', {
          plans: [],
          stateMachine: sfn.StateMachine.fromStateMachineName(local, 'W', 'w'),
          logGroup: logs.LogGroup.fromLogGroupName(local, 'L', 'l'),
          killSwitchParameterName: '/k',
          nextRuns: [],
        }),
    ).toThrow('ResultsDashboard needs at least one experiment plan (got plans: [])');
  });
});

import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { join } from 'node:path';
import { ChaosCadenceStack } from '../../lib/chaos-cadence-stack';
import { loadConfig, parseConfigText, type LoadedConfig } from '../../lib/config/load';

const root = join(__dirname, '..', '..');
const fixtures = join(root, '..', 'shared', 'fixtures', 'fis-template-library');
const now = new Date('2026-11-21T12:00:00Z');

function synth(loaded: LoadedConfig): { stack: ChaosCadenceStack; template: Template } {
  const app = new App({
    context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true },
  });
  const stack = new ChaosCadenceStack(app, 'ChaosCadence', {
    loaded,
    now,
    env: { account: '123456789012', region: 'eu-central-1' },
  });
  return { stack, template: Template.fromStack(stack) };
}

/** A config with all three fault kinds: CPU stress via FIS, via SSM, and an imported FIS template. */
function mixedConfig(): LoadedConfig {
  const text = `
notifications: { emails: [sre@example.com, oncall@example.com] }
cadence: { expression: "cron(0 10 ? * TUE#1 *)", timeZone: Europe/Berlin }
cadences:
  quarterly: { expression: "cron(0 11 ? 1,4,7,10 WED#2 *)", timeZone: Europe/Berlin }
experiments:
  - name: web-cpu-80
    application: sock-shop
    hypothesis: If CPU on all web hosts rises to 80 %, availability is not impacted
    steadyState: [ { alarm: { name: sock-shop-5xx } } ]
    fault: { cpuStress: { targets: { tags: { app: sock-shop } } } }
    stopConditions: [ { alarm: sock-shop-5xx } ]
  - name: api-cpu-ssm
    application: sock-shop
    hypothesis: If CPU on half the API hosts rises to 90 %, p99 latency stays under 500 ms
    steadyState: [ { asgCapacity: { name: api-asg, minInService: 2 } } ]
    fault: { cpuStress: { loadPercent: 90, via: ssm, targets: { tags: { app: api }, selection: "PERCENT(50)" } } }
    stopConditions: [ { alarm: api-latency } ]
  - name: terminate-one
    application: sock-shop
    cadence: quarterly
    hypothesis: If one web instance is terminated, the load balancer keeps serving
    steadyState: [ { alarm: { name: sock-shop-5xx } } ]
    fault: { fisTemplate: { file: ec2-instances-terminate-template.json } }
    stopConditions: [ { alarm: sock-shop-5xx } ]
`;
  return {
    config: parseConfigText(text, 'mixed.yaml'),
    file: join(fixtures, 'mixed.yaml'),
    baseDir: fixtures,
    hash: 'f'.repeat(64),
  };
}

describe('ChaosCadenceStack', () => {
  it('has no unacknowledged cdk-nag AwsSolutions findings with the shipped config', () => {
    const { stack } = synth(loadConfig({ cwd: root, env: {} }));

    const violations = new AwsSolutionsChecks().validateScope(stack).violations;

    expect(
      violations.map(
        (v) => `${v.ruleName} ${v.violatingResources.map((r) => r.resourceLogicalId).join(',')}`,
      ),
    ).toEqual([]);
  });

  it('has no unacknowledged cdk-nag AwsSolutions findings with FIS, SSM and imported-template faults', () => {
    const { stack } = synth(mixedConfig());

    const violations = new AwsSolutionsChecks().validateScope(stack).violations;

    expect(
      violations.map(
        (v) => `${v.ruleName} ${v.violatingResources.map((r) => r.resourceLogicalId).join(',')}`,
      ),
    ).toEqual([]);
  });

  it('creates one FIS template per FIS-backed experiment and none for SSM mode', () => {
    const { template } = synth(mixedConfig());

    template.resourceCountIs('AWS::FIS::ExperimentTemplate', 2);
  });

  it('creates one schedule per cadence group, each starting only its own experiments', () => {
    const { template } = synth(mixedConfig());

    // Two run schedules (the heads-up schedules beside them are tested in test/constructs/heads-up).
    const runSchedules = template.findResources('AWS::Scheduler::Schedule', {
      Properties: { Description: Match.stringLikeRegexp('^chaos-cadence \\S+ cadence:') },
    });
    expect(Object.keys(runSchedules)).toHaveLength(2);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 11 ? 1,4,7,10 WED#2 *)',
      Target: Match.objectLike({
        Input: JSON.stringify({ experiments: ['terminate-one'], trigger: 'schedule' }),
      }),
    });
  });

  it('bakes every experiment into the state machine definition with template ids resolved at deploy time', () => {
    const { template } = synth(mixedConfig());

    const machines = template.findResources('AWS::StepFunctions::StateMachine');
    const definition = JSON.stringify(Object.values(machines)[0]);
    expect(definition).toContain('web-cpu-80');
    expect(definition).toContain('api-cpu-ssm');
    expect(definition).not.toContain('${RunConfig}');
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      DefinitionSubstitutions: Match.objectLike({ FisTemplateId_web_cpu_80: Match.anyValue() }),
    });
  });

  it('subscribes every configured address to the results topic', () => {
    const { template } = synth(mixedConfig());

    template.resourceCountIs('AWS::SNS::Subscription', 2);
  });

  it('exports the outputs the chaos-cadence command looks for', () => {
    const { template } = synth(loadConfig({ cwd: root, env: {} }));

    const outputs = Object.keys(template.toJSON().Outputs as Record<string, unknown>);
    expect(outputs).toEqual(
      expect.arrayContaining([
        'StateMachineArn',
        'ResultsBucketName',
        'KillSwitchParameterName',
        'TopicArn',
        'DashboardName',
        'DashboardUrl',
      ]),
    );
  });
});

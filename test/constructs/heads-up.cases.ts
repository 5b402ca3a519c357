import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ChaosCadenceStack } from '../../lib/chaos-cadence-stack';
import type { LoadedConfig } from '../../lib/config/load';
import { configWith, exampleConfig } from '../lambdas/preflight/fixtures';

function synth(loaded: LoadedConfig): Template {
  const app = new App({
    context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true },
  });
  const stack = new ChaosCadenceStack(app, 'ChaosCadence', {
    loaded,
    now: new Date('2026-11-21T12:00:00Z'),
    env: { account: '123456789012', region: 'eu-central-1' },
  });
  return Template.fromStack(stack);
}

describe('HeadsUp', () => {
  const template = synth(exampleConfig());

  it('fires the Preflight function daily at the run time of day, in the cadence time zone, with the scheduled time', () => {
    const schedules = template.findResources('AWS::Scheduler::Schedule', {
      Properties: {
        ScheduleExpression: 'cron(0 10 * * ? *)',
        ScheduleExpressionTimezone: 'Europe/Berlin',
        FlexibleTimeWindow: { Mode: 'OFF' },
      },
    });
    const targets = Object.values(schedules).map(
      (s) => (s as { Properties: { Target: { Arn: unknown; Input: unknown } } }).Properties.Target,
    );

    expect(targets).toHaveLength(1);
    expect(JSON.stringify(targets[0]?.Arn)).toMatch(/HeadsUpPreflight/);
    // The input is the manifest with deploy-time ARNs (an Fn::Join), the group and the scheduler's context attribute.
    const input = JSON.stringify(targets[0]?.Input);
    expect(input).toContain('\\"group\\":\\"default\\"');
    expect(input).toContain('\\"scheduledTime\\":\\"<aws.scheduler.scheduled-time>\\"');
    expect(input).toContain(`\\"configHash\\":\\"${exampleConfig().hash}\\"`);
  });

  it('deploys no heads-up when every cadence has headsUp false', () => {
    const without = synth(configWith((c) => void (c.cadence.headsUp = false)));

    expect(
      Object.keys(without.toJSON().Resources as object).filter((id) => id.startsWith('HeadsUp')),
    ).toEqual([]);
  });
});

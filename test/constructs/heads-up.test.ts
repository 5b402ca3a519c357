import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ChaosCadenceStack } from '../../lib/chaos-cadence-stack';
import { PREFLIGHT_READ_ACTIONS } from '../../lib/constructs/heads-up';
import type { LoadedConfig } from '../../lib/config/load';
import { preflightOffline } from '../../lib/preflight/offline';
import { configWith, exampleConfig, readyScenario } from '../lambdas/preflight/fixtures';

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

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
}

/** Every action the Preflight function's role allows. */
function preflightActions(template: Template): string[] {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^HeadsUpPreflightRole') }] },
  });
  return Object.values(policies).flatMap((p) =>
    (
      p as { Properties: { PolicyDocument: { Statement: Statement[] } } }
    ).Properties.PolicyDocument.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) =>
      Array.isArray(s.Action) ? s.Action : [s.Action],
    ),
  );
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

  it('gives the Preflight function read-only access plus publishing to the results topic', () => {
    const allowed = new Set(preflightActions(template));
    const writes = [...allowed].filter(
      (a) =>
        !(PREFLIGHT_READ_ACTIONS as readonly string[]).includes(a) &&
        ![
          'sns:Publish',
          'kms:Decrypt',
          'kms:GenerateDataKey*',
          'logs:CreateLogStream',
          'logs:PutLogEvents',
        ].includes(a) &&
        !a.startsWith('xray:'),
    );

    expect(writes).toEqual([]);
    // The example has no change calendar; every other read is granted.
    expect(PREFLIGHT_READ_ACTIONS.filter((a) => !allowed.has(a))).toEqual(['ssm:GetCalendarState']);
  });

  it('deploys no heads-up when every cadence has headsUp false', () => {
    const without = synth(configWith((c) => void (c.cadence.headsUp = false)));

    expect(
      Object.keys(without.toJSON().Resources as object).filter((id) => id.startsWith('HeadsUp')),
    ).toEqual([]);
  });

  it('grants every action an offline preflight calls (the IAM evaluator judges resources: test/stack/iam-covers-calls)', async () => {
    const { account } = await preflightOffline(exampleConfig(), readyScenario());
    const allowed = preflightActions(template).map(
      (a) => new RegExp(`^${a.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i'),
    );

    const denied = [
      ...new Set(
        account.calls
          .filter((c) => c.service !== 'http')
          .map((c) => `${c.service}:${c.command}`)
          .filter((action) => !allowed.some((p) => p.test(action))),
      ),
    ];

    expect(account.calls.map((c) => `${c.service}:${c.command}`)).toContain('fis:GetSafetyLever');
    expect(denied).toEqual([]);
  });
});

import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { AwsSolutionsChecks } from 'cdk-nag';
import { validateConfig } from '../../lib/config/load';
import type { Config, ConfigInput } from '../../lib/config/schema';
import { GuardRails, GuardRailsError } from '../../lib/constructs/guard-rails';

function config(overrides: Partial<ConfigInput> = {}): Config {
  return validateConfig({
    cadence: { expression: 'cron(0 10 ? * TUE#1 *)', timeZone: 'Europe/Berlin' },
    maxFaultDuration: 'PT30M',
    experiments: [
      {
        name: 'web-cpu-80',
        application: 'sock-shop',
        hypothesis: 'If CPU on all web hosts rises to 80 %, availability is not impacted',
        steadyState: [{ alarm: { name: 'sock-shop-5xx' } }],
        fault: { cpuStress: { targets: { tags: { app: 'sock-shop' } } } },
        stopConditions: [{ alarm: 'sock-shop-5xx' }],
      },
    ],
    ...overrides,
  });
}

function build(overrides: Partial<ConfigInput> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'ChaosCadence', { env: { account: '123456789012', region: 'eu-central-1' } });
  const guardRails = new GuardRails(stack, 'GuardRails', { config: config(overrides) });
  return { stack, guardRails, template: () => Template.fromStack(stack) };
}

describe('GuardRails', () => {
  it('creates the kill switch as /chaos-cadence/<stack>/kill-switch with value off', () => {
    const { template } = build();

    template().hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/chaos-cadence/ChaosCadence/kill-switch',
      Type: 'String',
      Value: 'off',
      AllowedPattern: '^(on|off)$',
    });
  });

  it('says in the description how to flip the kill switch', () => {
    const { template } = build();

    template().hasResourceProperties('AWS::SSM::Parameter', {
      Description: Match.stringLikeRegexp(
        'chaos-cadence halt.*aws ssm put-parameter --overwrite --name /chaos-cadence/ChaosCadence/kill-switch --value on',
      ),
    });
  });

  it('uses guardRails.killSwitchParameter from the config when set', () => {
    const { template, guardRails } = build({ guardRails: { killSwitchParameter: '/team/chaos/halt' } });

    template().hasResourceProperties('AWS::SSM::Parameter', { Name: '/team/chaos/halt' });
    expect(guardRails.settings.killSwitchParameter).toBe('/team/chaos/halt');
  });

  it('exposes allowed hours, time zone and max fault duration from the config', () => {
    const { guardRails } = build({
      guardRails: { allowedHours: { days: ['TUE', 'WED'], start: '10:00', end: '15:00' } },
    });

    expect({
      allowedHours: guardRails.allowedHours,
      timeZone: guardRails.timeZone,
      maxFaultMinutes: guardRails.maxFaultDuration.toMinutes(),
    }).toEqual({
      allowedHours: { days: ['TUE', 'WED'], start: '10:00', end: '15:00' },
      timeZone: 'Europe/Berlin',
      maxFaultMinutes: 30,
    });
  });

  it('exposes the settings the workflow functions read, without a calendar when none is configured', () => {
    const { guardRails } = build();

    expect(guardRails.settings).toEqual({
      killSwitchParameter: '/chaos-cadence/ChaosCadence/kill-switch',
      allowedHours: { days: ['MON', 'TUE', 'WED', 'THU', 'FRI'], start: '09:00', end: '16:00' },
      timeZone: 'Europe/Berlin',
    });
  });

  it('exposes the change calendar name when configured', () => {
    const { guardRails } = build({ guardRails: { changeCalendar: 'prod-change-freeze' } });

    expect([guardRails.changeCalendarName, guardRails.settings.changeCalendar]).toEqual([
      'prod-change-freeze',
      'prod-change-freeze',
    ]);
  });

  it('grants reading the kill switch and the calendar state, nothing else', () => {
    const { stack, guardRails, template } = build({ guardRails: { changeCalendar: 'prod-change-freeze' } });
    const role = new iam.Role(stack, 'Checker', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });

    guardRails.grantRead(role);

    const policy = Object.values(template().findResources('AWS::IAM::Policy'))[0] as {
      Properties: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } };
    };
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Action: 'ssm:GetParameter',
        Resource: stack.resolve(guardRails.killSwitch.parameterArn) as unknown,
      }),
      expect.objectContaining({
        Action: 'ssm:GetCalendarState',
        Resource: stack.resolve(guardRails.changeCalendarArn()) as unknown,
      }),
    ]);
  });

  it('fails to give a calendar ARN when no calendar is configured', () => {
    const { guardRails } = build();

    expect(() => guardRails.changeCalendarArn()).toThrow(GuardRailsError);
  });

  it('grants only the kill switch to the functions that watch it, even with a calendar', () => {
    const { stack, guardRails, template } = build({ guardRails: { changeCalendar: 'prod-change-freeze' } });
    const role = new iam.Role(stack, 'Watcher', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });

    guardRails.grantReadKillSwitch(role);

    const policy = Object.values(template().findResources('AWS::IAM::Policy'))[0] as {
      Properties: { PolicyDocument: { Statement: unknown[] } };
    };
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Action: 'ssm:GetParameter',
        Resource: stack.resolve(guardRails.killSwitch.parameterArn) as unknown,
      }),
    ]);
  });

  it('wraps an existing kill switch with fromGuardRailsAttributes, creating nothing', () => {
    const stack = new Stack(new App(), 'Team', { env: { account: '123456789012', region: 'eu-central-1' } });
    const killSwitch = ssm.StringParameter.fromStringParameterName(stack, 'Halt', '/team/chaos/halt');
    const role = new iam.Role(stack, 'Checker', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });

    const guardRails = GuardRails.fromGuardRailsAttributes(stack, 'GuardRails', {
      killSwitch,
      changeCalendarName: 'arn:aws:ssm:eu-central-1:210987654321:document/release-freeze',
      allowedHours: { days: ['TUE'], start: '10:00', end: '15:00' },
      timeZone: 'Europe/Berlin',
    });
    guardRails.grantRead(role);

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SSM::Parameter', 0);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: 'ssm:GetParameter',
            Resource: stack.resolve(killSwitch.parameterArn) as unknown,
          }),
          Match.objectLike({
            Action: 'ssm:GetCalendarState',
            Resource: 'arn:aws:ssm:eu-central-1:210987654321:document/release-freeze',
          }),
        ],
      },
    });
    expect([guardRails.killSwitch, guardRails.timeZone]).toEqual([killSwitch, 'Europe/Berlin']);
  });

  it('has no cdk-nag findings', () => {
    const { stack } = build();

    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });
});

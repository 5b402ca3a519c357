import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  CadenceSchedule,
  CadenceScheduleError,
  type CadenceScheduleProps,
} from '../../lib/constructs/cadence-schedule';

const STATE_MACHINE_ARN = 'arn:aws:states:eu-central-1:123456789012:stateMachine:chaos-cadence-workflow';

function build(overrides: Partial<CadenceScheduleProps> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-central-1' } });
  const stateMachine = sfn.StateMachine.fromStateMachineArn(stack, 'Workflow', STATE_MACHINE_ARN);
  const construct = new CadenceSchedule(stack, 'Schedule', {
    group: 'default',
    cadence: { expression: 'cron(0 10 ? * TUE#1 *)', timeZone: 'Europe/Berlin', enabled: true },
    experiments: ['web-cpu-80', 'api-cpu-50'],
    stateMachine,
    ...overrides,
  });
  return { stack, construct, template: Template.fromStack(stack) };
}

/** The default build, synthesised once and shared by the tests that only read it. */
let defaultBuild: ReturnType<typeof build> | undefined;
const built = () => (defaultBuild ??= build());

describe('CadenceSchedule', () => {
  it('schedules the cadence expression in its time zone', () => {
    const { template } = built();

    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 10 ? * TUE#1 *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
    });
  });

  it('turns the flexible time window off', () => {
    const { template } = built();

    template.hasResourceProperties('AWS::Scheduler::Schedule', { FlexibleTimeWindow: { Mode: 'OFF' } });
  });

  it('deploys an enabled cadence as ENABLED', () => {
    const { template } = built();

    template.hasResourceProperties('AWS::Scheduler::Schedule', { State: 'ENABLED' });
  });

  it('deploys the schedule disabled when the cadence has enabled: false', () => {
    const { template } = build({
      cadence: { expression: 'cron(0 10 ? * TUE#1 *)', timeZone: 'Europe/Berlin', enabled: false },
    });

    template.hasResourceProperties('AWS::Scheduler::Schedule', { State: 'DISABLED' });
  });

  it('starts the state machine with the experiments and trigger "schedule"', () => {
    const { template } = built();

    const schedule = Object.values(template.findResources('AWS::Scheduler::Schedule'))[0] as {
      Properties: { Target: { Arn: string; Input: string } };
    };
    expect(schedule.Properties.Target.Arn).toBe(STATE_MACHINE_ARN);
    expect(JSON.parse(schedule.Properties.Target.Input)).toEqual({
      experiments: ['web-cpu-80', 'api-cpu-50'],
      trigger: 'schedule',
    });
  });

  it('retries a failed start for at most an hour, 3 times, then sends it to the dead-letter queue', () => {
    const { template, stack, construct } = built();

    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: {
        RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 3 },
        DeadLetterConfig: { Arn: stack.resolve(construct.deadLetterQueue.queueArn) as unknown },
      },
    });
  });

  it('takes other retry settings from props', () => {
    const { template } = build({ maxEventAge: Duration.minutes(10), retryAttempts: 0 });

    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: { RetryPolicy: { MaximumEventAgeInSeconds: 600, MaximumRetryAttempts: 0 } },
    });
  });

  it('encrypts the dead-letter queue and allows TLS only', () => {
    const { template } = built();

    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1209600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('alarms when a message is visible in the dead-letter queue', () => {
    const { template } = built();

    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it('notifies the alarm topic when given one', () => {
    const app = new App();
    const stack = new Stack(app, 'Test');
    const topic = new sns.Topic(stack, 'Topic');

    new CadenceSchedule(stack, 'Schedule', {
      group: 'default',
      cadence: { expression: 'cron(0 10 ? * TUE#1 *)', timeZone: 'UTC', enabled: true },
      experiments: ['web-cpu-80'],
      stateMachine: sfn.StateMachine.fromStateMachineArn(stack, 'Workflow', STATE_MACHINE_ARN),
      alarmTopic: topic,
    });

    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      AlarmActions: [stack.resolve(topic.topicArn) as unknown],
    });
  });

  it('lets the schedule role start only this state machine (and send to its dead-letter queue)', () => {
    const { template, stack, construct } = built();

    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
      Properties: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } };
    }[];
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([
      { Effect: 'Allow', Action: 'states:StartExecution', Resource: STATE_MACHINE_ARN },
      {
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: stack.resolve(construct.deadLetterQueue.queueArn) as unknown,
      },
    ]);
  });

  it('lets only EventBridge Scheduler of this account assume the role', () => {
    const { template, stack } = built();

    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {
              StringEquals: {
                'aws:SourceAccount': '123456789012',
                'aws:SourceArn': stack.resolve(
                  stack.formatArn({
                    service: 'scheduler',
                    resource: 'schedule-group',
                    resourceName: 'default',
                  }),
                ) as unknown,
              },
            },
          },
        ],
      },
    });
  });

  it('uses a given dead-letter queue instead of creating one', () => {
    const app = new App();
    const stack = new Stack(app, 'Test');
    const { Queue } = jest.requireActual<typeof import('aws-cdk-lib/aws-sqs')>('aws-cdk-lib/aws-sqs');
    const queue = new Queue(stack, 'SharedDlq', { enforceSSL: true });

    const construct = new CadenceSchedule(stack, 'Schedule', {
      group: 'default',
      cadence: { expression: 'cron(0 10 ? * TUE#1 *)', timeZone: 'UTC', enabled: true },
      experiments: ['web-cpu-80'],
      stateMachine: sfn.StateMachine.fromStateMachineArn(stack, 'Workflow', STATE_MACHINE_ARN),
      deadLetterQueue: queue,
    });

    expect(construct.deadLetterQueue).toBe(queue);
    Template.fromStack(stack).resourceCountIs('AWS::SQS::Queue', 1);
  });

  it('fails on an invalid expression, naming it', () => {
    const act = () =>
      build({ cadence: { expression: 'cron(0 10 * * TUE *)', timeZone: 'UTC', enabled: true } });

    expect(act).toThrow(CadenceScheduleError);
    expect(act).toThrow(/cron\(0 10 \* \* TUE \*\)/);
  });

  it('fails on an unknown time zone', () => {
    const act = () =>
      build({ cadence: { expression: 'cron(0 10 ? * TUE#1 *)', timeZone: 'Berlin', enabled: true } });

    expect(act).toThrow(/IANA time zone.*"Berlin"/);
  });

  it('fails without experiments', () => {
    expect(() => build({ experiments: [] })).toThrow(/at least one experiment/);
  });

  it('has no unsuppressed cdk-nag findings', () => {
    const { stack } = built();

    const violations = new AwsSolutionsChecks().validateScope(stack).violations;

    expect(violations).toEqual([]);
  });
});

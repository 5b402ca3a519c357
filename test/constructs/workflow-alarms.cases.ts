import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { WorkflowAlarms } from '../../lib/constructs/workflow-alarms';

const STATE_MACHINE_ARN = 'arn:aws:states:eu-central-1:123456789012:stateMachine:chaos-cadence-workflow';
const TOPIC_ARN = 'arn:aws:sns:eu-central-1:123456789012:chaos-cadence';
const QUEUE_ARN = 'arn:aws:sqs:eu-central-1:123456789012:chaos-cadence-dlq';

function build(withQueue = false) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-central-1' } });
  const alarms = new WorkflowAlarms(stack, 'Alarms', {
    stateMachine: sfn.StateMachine.fromStateMachineArn(stack, 'Workflow', STATE_MACHINE_ARN),
    topic: sns.Topic.fromTopicArn(stack, 'Topic', TOPIC_ARN),
    ...(withQueue ? { deadLetterQueues: [sqs.Queue.fromQueueArn(stack, 'Dlq', QUEUE_ARN)] } : {}),
  });
  return { stack, alarms, template: Template.fromStack(stack) };
}

let shared: ReturnType<typeof build> | undefined;
const built = () => (shared ??= build(true));

describe('WorkflowAlarms', () => {
  it.each(['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'])(
    'alarms on %s >= 1 in 5 minutes of this state machine, notifying the topic',
    (metricName) => {
      const { template } = built();

      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/States',
        MetricName: metricName,
        Dimensions: [{ Name: 'StateMachineArn', Value: STATE_MACHINE_ARN }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
        AlarmActions: [TOPIC_ARN],
      });
    },
  );

  it('alarms on visible messages in each dead-letter queue, notifying the topic', () => {
    const { template } = built();

    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: 'chaos-cadence-dlq' }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [TOPIC_ARN],
    });
  });

  it('creates only the three execution alarms without dead-letter queues', () => {
    const { template, alarms } = build(false);

    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    expect(alarms.alarms).toHaveLength(3);
  });

  it('lets CloudWatch of this account use the key of an encrypted topic', () => {
    const app = new App();
    const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-central-1' } });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const topic = new sns.Topic(stack, 'Topic', { masterKey: key, enforceSSL: true });

    new WorkflowAlarms(stack, 'Alarms', {
      stateMachine: sfn.StateMachine.fromStateMachineArn(stack, 'Workflow', STATE_MACHINE_ARN),
      topic,
      topicKey: key,
    });

    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
          }),
        ]),
      },
    });
  });

  it('has no cdk-nag findings', () => {
    const { stack } = built();

    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });
});

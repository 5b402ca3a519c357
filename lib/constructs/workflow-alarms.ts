import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Props of {@link WorkflowAlarms}. */
export interface WorkflowAlarmsProps {
  /** The chaos-cadence workflow. */
  readonly stateMachine: sfn.IStateMachine;
  /** Every alarm notifies this topic (the one the results email goes to). */
  readonly topic: sns.ITopic;
  /**
   * The KMS key of `topic`, when it is encrypted. CloudWatch can publish an alarm to an encrypted
   * topic only when the key policy lets `cloudwatch.amazonaws.com` use the key; this construct adds
   * that statement (conditions: this account, this stack's alarms). Without it the alarms fire but
   * nobody is told.
   * @default - the topic is not KMS-encrypted, or the key policy already allows CloudWatch
   */
  readonly topicKey?: kms.IKey;
  /**
   * Dead-letter queues to watch: one alarm each on `ApproximateNumberOfMessagesVisible > 0`.
   * Leave out the queues `CadenceSchedule` created itself; it already alarms on them.
   * @default - none
   */
  readonly deadLetterQueues?: readonly sqs.IQueue[];
  /**
   * The alarm period.
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;
}

/**
 * Alarms on the workflow's own failures, all notifying the same SNS topic: an execution failed,
 * timed out or was aborted (>= 1 in a period; no data is fine), and messages in dead-letter queues.
 * A chaos run that breaks is itself an incident someone must look at: its fault may still be running.
 */
export class WorkflowAlarms extends Construct {
  /** `ExecutionsFailed >= 1`. */
  public readonly executionsFailed: cloudwatch.Alarm;
  /** `ExecutionsTimedOut >= 1`. */
  public readonly executionsTimedOut: cloudwatch.Alarm;
  /** `ExecutionsAborted >= 1` (someone or something stopped an execution). */
  public readonly executionsAborted: cloudwatch.Alarm;
  /** One per dead-letter queue, in the order given. */
  public readonly deadLetterQueueAlarms: readonly cloudwatch.Alarm[];
  /** Every alarm above. */
  public readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: WorkflowAlarmsProps) {
    super(scope, id);
    const { stateMachine, topic } = props;
    const period = props.period ?? Duration.minutes(5);
    const action = new cloudwatchActions.SnsAction(topic);
    allowStackAlarmsToPublish(this, topic, props.topicKey);

    const executionAlarm = (alarmId: string, metric: cloudwatch.Metric, what: string): cloudwatch.Alarm => {
      const alarm = new cloudwatch.Alarm(this, alarmId, {
        alarmDescription: `chaos-cadence: a workflow execution ${what}. Check the execution and make sure no fault is still running (npx chaos-cadence halt stops it).`,
        metric,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(action);
      return alarm;
    };
    const sum = { period, statistic: cloudwatch.Stats.SUM };
    this.executionsFailed = executionAlarm('ExecutionsFailed', stateMachine.metricFailed(sum), 'failed');
    this.executionsTimedOut = executionAlarm(
      'ExecutionsTimedOut',
      stateMachine.metricTimedOut(sum),
      'timed out',
    );
    this.executionsAborted = executionAlarm(
      'ExecutionsAborted',
      stateMachine.metricAborted(sum),
      'was aborted',
    );

    this.deadLetterQueueAlarms = (props.deadLetterQueues ?? []).map((queue, index) => {
      const alarm = new cloudwatch.Alarm(this, `DeadLetterQueue${index}`, {
        alarmDescription: `chaos-cadence: messages in dead-letter queue ${queue.node.path}; a start or a step could not be delivered.`,
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period,
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(action);
      return alarm;
    });

    this.alarms = [
      this.executionsFailed,
      this.executionsTimedOut,
      this.executionsAborted,
      ...this.deadLetterQueueAlarms,
    ];
  }
}

/**
 * Lets CloudWatch publish the alarms of this stack (`alarm:<stack name>-*`, the names CloudFormation
 * generates, in this account) to `topic`, and use `key` for it. Needed whenever the topic has a policy
 * of its own (an `enforceSSL` topic's policy replaces SNS's default one, which let the account's
 * alarms publish) and whenever the topic is encrypted with a customer managed key. Both statements
 * carry `aws:SourceAccount` and `aws:SourceArn` (the confused-deputy guard CloudWatch supports).
 */
export function allowStackAlarmsToPublish(scope: Construct, topic: sns.ITopic, key?: kms.IKey): void {
  const stack = Stack.of(scope);
  const alarms = stack.formatArn({
    service: 'cloudwatch',
    resource: 'alarm',
    resourceName: `${stack.stackName}-*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  const principal = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
  const conditions = {
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: { 'aws:SourceArn': alarms },
  };
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowThisStacksAlarms',
      principals: [principal],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions,
    }),
  );
  key?.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowThisStacksAlarmsToUseTheTopicKey',
      principals: [principal],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions,
    }),
  );
}

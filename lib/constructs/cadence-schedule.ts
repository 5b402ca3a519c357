import { Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { checkCadence, checkTimeZone } from '../cadence/validate';
import type { CadenceConfig } from '../config/schema';

/** What the schedule hands the workflow: which experiments to run, and why. */
export interface ScheduleInput {
  readonly experiments: readonly string[];
  readonly trigger: 'schedule';
}

/** Props of {@link CadenceSchedule}. */
export interface CadenceScheduleProps {
  /** The cadence group (`default` for the top-level `cadence`); named in the schedule's description. */
  readonly group: string;
  /** Expression, IANA time zone and `enabled` of the group. */
  readonly cadence: Pick<CadenceConfig, 'expression' | 'timeZone' | 'enabled'>;
  /** Names of the experiments this schedule runs, in order; at least one. */
  readonly experiments: readonly string[];
  /** The workflow the schedule starts. */
  readonly stateMachine: sfn.IStateMachine;
  /**
   * Where failed starts go after the retries.
   * @default - an SQS-encrypted, TLS-only queue with 14 days retention and an alarm on visible messages
   */
  readonly deadLetterQueue?: sqs.IQueue;
  /**
   * Notified when a failed start lands in the dead-letter queue this construct creates.
   * @default - the alarm has no action (add one with `deadLetterQueueAlarm.addAlarmAction`)
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * How long EventBridge Scheduler keeps retrying a start that failed (1 minute to 1 day).
   * @default Duration.hours(1)
   */
  readonly maxEventAge?: Duration;
  /**
   * How many times EventBridge Scheduler retries a start that failed (0-185).
   * @default 3
   */
  readonly retryAttempts?: number;
}

/** The props describe a schedule EventBridge Scheduler would refuse. */
export class CadenceScheduleError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CadenceScheduleError';
  }
}

const DEFAULTS = { maxEventAge: Duration.hours(1), retryAttempts: 3 };

/**
 * One EventBridge Scheduler schedule for one cadence group: `cadence.expression` in
 * `cadence.timeZone`, flexible time window off (a chaos run happens when people expect it), starting
 * the workflow with `{ "experiments": [...], "trigger": "schedule" }`. Failed starts are retried
 * (`maxEventAge`, `retryAttempts`) and then sent to an encrypted dead-letter queue with an alarm.
 * `cadence.enabled: false` deploys the schedule disabled.
 *
 * The schedule's own role may only `states:StartExecution` on this state machine (and send to its
 * dead-letter queue). EventBridge Scheduler delivers at least once and retries, so one occurrence may
 * start the workflow twice: the workflow's guard rails (one run at a time, via the DynamoDB run lock) make
 * the second start end as `skipped` before anything is injected, and fault starts use the run id as
 * client token.
 */
export class CadenceSchedule extends Construct {
  /** The schedule. */
  public readonly schedule: scheduler.Schedule;
  /** The role EventBridge Scheduler assumes to start the workflow. */
  public readonly role: iam.Role;
  /** Where failed starts go. */
  public readonly deadLetterQueue: sqs.IQueue;
  /** `ApproximateNumberOfMessagesVisible > 0` on the dead-letter queue, when this construct created it. */
  public readonly deadLetterQueueAlarm?: cloudwatch.Alarm;
  /** The input the workflow receives. */
  public readonly input: ScheduleInput;

  constructor(scope: Construct, id: string, props: CadenceScheduleProps) {
    super(scope, id);
    const { cadence, group, experiments, stateMachine } = props;
    const { maxEventAge, retryAttempts } = { ...DEFAULTS, ...definedOnly(props) };
    validate(props);

    this.input = { experiments: [...experiments], trigger: 'schedule' };

    if (props.deadLetterQueue) {
      this.deadLetterQueue = props.deadLetterQueue;
    } else {
      const queue = new sqs.Queue(this, 'DeadLetterQueue', {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      this.deadLetterQueue = queue;
      Validations.of(queue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason:
          'This queue is itself the dead-letter queue of the EventBridge Scheduler target (SQS3 only recognises SQS redrive policies); it is watched by an alarm.',
      });
      this.deadLetterQueueAlarm = new cloudwatch.Alarm(this, 'DeadLetterQueueAlarm', {
        alarmDescription: `chaos-cadence: the ${group} schedule could not start the workflow; see the messages in the dead-letter queue`,
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      if (props.alarmTopic) {
        this.deadLetterQueueAlarm.addAlarmAction(new cloudwatchActions.SnsAction(props.alarmTopic));
      }
    }

    // Our own role (not the target's shared per-stack one), so each schedule's permissions stand alone.
    this.role = new iam.Role(this, 'Role', {
      description: `EventBridge Scheduler starts the chaos-cadence workflow (${group} cadence)`,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        // Confused-deputy guard: only schedules of this account's default schedule group.
        conditions: {
          StringEquals: {
            'aws:SourceAccount': Stack.of(this).account,
            'aws:SourceArn': Stack.of(this).formatArn({
              service: 'scheduler',
              resource: 'schedule-group',
              resourceName: 'default',
            }),
          },
        },
      }),
    });

    const target = new targets.StepFunctionsStartExecution(stateMachine, {
      input: scheduler.ScheduleTargetInput.fromObject(this.input),
      role: this.role,
      deadLetterQueue: this.deadLetterQueue,
      maxEventAge,
      retryAttempts,
    });

    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: `chaos-cadence ${group} cadence: ${experiments.join(', ')}`.slice(0, 512),
      schedule: scheduler.ScheduleExpression.expression(cadence.expression, TimeZone.of(cadence.timeZone)),
      timeWindow: scheduler.TimeWindow.off(),
      enabled: cadence.enabled,
      target,
    });
  }
}

function validate(props: CadenceScheduleProps): void {
  const problems = [
    checkCadence(props.cadence.expression),
    checkTimeZone(props.cadence.timeZone),
    props.experiments.length === 0
      ? `experiments must name at least one experiment for the ${props.group} cadence (got none)`
      : undefined,
  ].filter((p): p is string => p !== undefined);
  if (problems.length > 0) {
    throw new CadenceScheduleError(`CadenceSchedule ${props.group}: ${problems.join('; ')}`);
  }
}

function definedOnly(props: CadenceScheduleProps): Partial<typeof DEFAULTS> {
  return {
    ...(props.maxEventAge !== undefined ? { maxEventAge: props.maxEventAge } : {}),
    ...(props.retryAttempts !== undefined ? { retryAttempts: props.retryAttempts } : {}),
  };
}

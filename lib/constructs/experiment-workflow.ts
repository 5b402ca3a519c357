import { join } from 'node:path';
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LambdaDestination, SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources } from '../faults/nag';
import { RUN_LOCK_MARGIN_SECONDS } from '../../lambdas/check-guard-rails/run-lock';
import { settingsToEnv } from '../../lambdas/shared/settings';
import { STOP_CONDITIONS_ENV, stopConditionsOf } from '../../lambdas/abort-on-event/abort-on-event';
import { SWEEP_FAULT_SERVICES_ENV } from '../../lambdas/sweep/sweep';
import type { RunConfig } from '../../lambdas/shared/types';
import { templateIdSubstitutionKey } from '../config/plan';
import { renderDefinition, workflowTimeoutSeconds } from '../workflow/definition';
import {
  EVENT_FUNCTIONS,
  functionArnKey,
  WORKFLOW_FUNCTIONS,
  type EventFunctionName,
  type FunctionArnKey,
  type WorkflowFunctionName,
} from '../workflow/tasks';
import { checkPayloadBudget } from '../workflow/payload-budget';
import type { IFaultPermissions } from './fault-permissions';
import type { IGuardRails } from './guard-rails';
import type { IResults } from './results';

/** Props of {@link ExperimentWorkflow}. */
export interface ExperimentWorkflowProps {
  /** Every deployed experiment's plan; baked into the definition. */
  readonly runConfig: RunConfig;
  /** The fault resources of the experiments: template ids and grants for the start/poll/stop functions. */
  readonly faults: readonly IFaultPermissions[];
  /**
   * Where results go: the workflow calls `results.publishFunction` last (and after the sweep), and its
   * functions get the bucket, topic and dashboard names for links. Usually a {@link Results}.
   */
  readonly results: IResults;
  /**
   * The kill switch, change calendar and allowed hours the functions check, with the read grants.
   * Usually a {@link GuardRails}, or `GuardRails.fromGuardRailsAttributes` over an existing parameter.
   */
  readonly guardRails: IGuardRails;
  /** Retention of the workflow's and the functions' logs. @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /** The state machine's name. @default `<stack name>-run-experiments` */
  readonly stateMachineName?: string;
  /**
   * Notified when the backstop sweep fails (its `Errors` alarm) or an event-driven abort fails, e.g.
   * `results.topic`. Its key, if KMS-encrypted, must let CloudWatch use it (`WorkflowAlarms` with
   * `topicKey` grants that).
   * @default - the alarms exist but notify nobody
   */
  readonly alarmTopic?: sns.ITopic;
}

/** The functions of the workflow, by role. */
export interface ExperimentWorkflowFunctions {
  readonly checkGuardRails: lambda.IFunction;
  readonly checkSteadyState: lambda.IFunction;
  readonly startFault: lambda.IFunction;
  readonly pollStopConditions: lambda.IFunction;
  readonly stopFault: lambda.IFunction;
  readonly verdict: lambda.IFunction;
  /** The backstop: stops a failed/timed-out/aborted execution's faults and publishes a failed result. */
  readonly sweep: lambda.IFunction;
  /** The event path of an abort: stops the run's running faults on an alarm or kill-switch event. */
  readonly abortOnEvent: lambda.IFunction;
}

const LAMBDAS = join(__dirname, '..', '..', 'lambdas');

/**
 * The Step Functions Standard workflow (`state-machines/run-experiments.asl.json`) and its Lambdas,
 * with hand-written least-privilege IAM, logging ALL with execution data, X-Ray tracing, and an
 * EventBridge backstop that stops a run's faults when the execution fails, times out or is aborted.
 */
export class ExperimentWorkflow extends Construct {
  /** The state machine. */
  public readonly stateMachine: sfn.StateMachine;
  /** The state machine's execution log group. */
  public readonly logGroup: logs.LogGroup;
  /** The functions it calls. */
  public readonly functions: ExperimentWorkflowFunctions;
  /** The run lock (one item, `pk = run-lock`): one run at a time, by conditional writes. */
  public readonly runLockTable: dynamodb.Table;
  /** Sweep invocations that failed after retries, and sweep events EventBridge could not deliver. */
  public readonly sweepFailures: sqs.Queue;
  /** `Errors >= 1` of the sweep function: a run's faults may still be running. */
  public readonly sweepErrorsAlarm: cloudwatch.Alarm;
  /** Abort events the function could not handle (failed invocations, undeliverable events). */
  public readonly abortFailures: sqs.Queue;
  /** A message in {@link abortFailures}: an event-driven abort failed (the poll is still the fallback). */
  public readonly abortFailuresAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ExperimentWorkflowProps) {
    super(scope, id);
    // A run whose worst case could exceed the state payload budget is refused here, not discovered in a run.
    checkPayloadBudget(props.runConfig);
    const retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const stateMachineName = props.stateMachineName ?? `${Stack.of(this).stackName}-run-experiments`;
    this.runLockTable = this.createRunLockTable();
    this.functions = this.createFunctions(props, retention);
    this.grantRunLock();
    this.grantGuardRails(props);
    this.grantProbes();
    this.grantExecutionReads(stateMachineName);
    this.grantFaultSearch();
    this.grantFaults(props.faults);
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention, removalPolicy: RemovalPolicy.DESTROY });
    this.stateMachine = this.createStateMachine(props, stateMachineName);
    const sweep = this.createSweepBackstop(props, stateMachineName);
    this.sweepFailures = sweep.failures;
    this.sweepErrorsAlarm = sweep.errorsAlarm;
    const abort = this.createAbortOnEvent(props);
    this.abortFailures = abort.failures;
    this.abortFailuresAlarm = abort.failuresAlarm;
  }

  /**
   * The run lock: conditional writes make "one run at a time" strongly consistent (ListExecutions is
   * not). One tiny item; PAY_PER_REQUEST; TTL on `expiresAt` only cleans up (the condition checks it).
   */
  private createRunLockTable(): dynamodb.Table {
    const table = new dynamodb.Table(this, 'RunLock', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(table).acknowledge({
      id: 'AwsSolutions-DDB3',
      reason:
        'The table holds one short-lived lock item and no data: restoring an earlier state would bring back a stale lock and block runs, not recover anything.',
    });
    return table;
  }

  /** The settings every function reads from its environment (lambdas/shared/settings.ts). */
  private settingsEnvironment(props: ExperimentWorkflowProps): Record<string, string> {
    const stack = Stack.of(this);
    return settingsToEnv({
      account: stack.account,
      partition: stack.partition,
      killSwitchParameter: props.guardRails.killSwitch.parameterName,
      ...(props.guardRails.changeCalendarName !== undefined
        ? { changeCalendar: props.guardRails.changeCalendarName }
        : {}),
      allowedHours: props.guardRails.allowedHours,
      timeZone: props.guardRails.timeZone,
      resultsBucket: props.results.bucket.bucketName,
      topicArn: props.results.topic.topicArn,
      dashboardName: props.results.dashboardName,
      stackName: stack.stackName,
      runLockTable: this.runLockTable.tableName,
      // The lease outlives the execution (its TimeoutSeconds): a running run never loses its lock.
      runLockSeconds: workflowTimeoutSeconds(props.runConfig) + RUN_LOCK_MARGIN_SECONDS,
    });
  }

  /** Every function of the workflow and beside it, as the task table describes them. */
  private createFunctions(
    props: ExperimentWorkflowProps,
    retention: logs.RetentionDays,
  ): ExperimentWorkflowFunctions {
    const environment = this.settingsEnvironment(props);
    const fn = (name: WorkflowFunctionName | EventFunctionName): nodejs.NodejsFunction =>
      this.createFunction(name, environment, retention);
    const checkGuardRails = fn('CheckGuardRails');
    const checkSteadyState = fn('CheckSteadyState');
    const startFault = fn('StartFault');
    const pollStopConditions = fn('PollStopConditions');
    const stopFault = fn('StopFault');
    const verdict = fn('Verdict');
    const sweep = fn('Sweep');
    const abortOnEvent = fn('AbortOnEvent');
    abortOnEvent.addEnvironment(STOP_CONDITIONS_ENV, JSON.stringify(stopConditionsOf(props.runConfig)));
    // The sweep searches only the services the faults run through (its role may read only those).
    const faultServices = new Set(props.faults.map((f) => (f.templateId !== undefined ? 'fis' : 'ssm')));
    sweep.addEnvironment(SWEEP_FAULT_SERVICES_ENV, [...faultServices].sort().join(','));
    return {
      checkGuardRails,
      checkSteadyState,
      startFault,
      pollStopConditions,
      stopFault,
      verdict,
      sweep,
      abortOnEvent,
    };
  }

  /** One function: its own role and log group, Node.js 22 on arm64, X-Ray, the table's folder and timeout. */
  private createFunction(
    name: WorkflowFunctionName | EventFunctionName,
    environment: Readonly<Record<string, string>>,
    retention: logs.RetentionDays,
  ): nodejs.NodejsFunction {
    const { folder, timeoutSeconds } = { ...WORKFLOW_FUNCTIONS, ...EVENT_FUNCTIONS }[name];
    const role = new iam.Role(this, `${name}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `chaos-cadence ${name}`,
    });
    const logGroup = new logs.LogGroup(this, `${name}Logs`, {
      retention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    logGroup.grantWrite(role);
    const f = new nodejs.NodejsFunction(this, name, {
      entry: join(LAMBDAS, folder, 'handler.ts'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: Duration.seconds(timeoutSeconds),
      memorySize: 256,
      role,
      logGroup,
      tracing: lambda.Tracing.ACTIVE,
      environment: { ...environment, POWERTOOLS_SERVICE_NAME: 'chaos-cadence' },
      bundling: { minify: true, sourceMap: true, target: 'node22' },
    });
    Validations.of(f).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime chaos-cadence is built and tested for (the handlers use its APIs); moving to a newer runtime is a deliberate upgrade, not an automatic one.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions; CloudWatch DescribeAlarms/GetMetricData, Auto Scaling DescribeAutoScalingGroups, EC2 DescribeInstances and FIS ListExperiments cannot be scoped to resources; log streams of the own log group are `:*`.',
    });
    return f;
  }

  /**
   * Only the item operations the lock uses (UpdateItem only for abort-on-event), on this table only:
   * guard rails take and free it, the sweep frees an ended run's lock, abort-on-event records its stops
   * on the lock item and the poll reads them (who stopped a fault).
   */
  private grantRunLock(): void {
    const { checkGuardRails, sweep, abortOnEvent, pollStopConditions } = this.functions;
    this.runLockTable.grant(checkGuardRails, 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem');
    this.runLockTable.grant(sweep, 'dynamodb:DeleteItem');
    this.runLockTable.grant(abortOnEvent, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
    this.runLockTable.grant(pollStopConditions, 'dynamodb:GetItem');
  }

  /** The kill switch is read before each injection and watched during the fault; the calendar only before. */
  private grantGuardRails(props: ExperimentWorkflowProps): void {
    const { checkGuardRails, pollStopConditions, abortOnEvent } = this.functions;
    props.guardRails.grantRead(checkGuardRails);
    props.guardRails.grantReadKillSwitch(pollStopConditions);
    props.guardRails.grantReadKillSwitch(abortOnEvent);
  }

  /**
   * Probes and stop conditions: these read-only actions support no resource-level permissions. Alarms
   * are named by the plans (known at run time), so DescribeAlarms is granted on this account's alarms;
   * GetMetricData and DescribeAutoScalingGroups support no resource-level permissions.
   */
  private grantProbes(): void {
    const { checkSteadyState, pollStopConditions } = this.functions;
    const alarmArns = Stack.of(this).formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: '*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    checkSteadyState.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['cloudwatch:GetMetricData', 'autoscaling:DescribeAutoScalingGroups'],
        resources: ['*'],
      }),
    );
    // The poll also runs the steady-state probes during the fault and verifies the fault's effect
    // (the targets' CPUUtilization, and their monitoring level for its publishing period).
    pollStopConditions.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          'cloudwatch:GetMetricData',
          'autoscaling:DescribeAutoScalingGroups',
          'ec2:DescribeInstances',
        ],
        resources: ['*'],
      }),
    );
    for (const reader of [checkSteadyState, pollStopConditions]) {
      reader.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: [alarmArns] }),
      );
      acknowledgeWildcardResources(
        reader.role ?? reader,
        [alarmArns],
        "DescribeAlarms reads the alarms the plans name (steady-state probes, stop conditions), any of this account's.",
      );
    }
  }

  /** The sweep reads the definition of the ended execution (the plans of its run). */
  private grantExecutionReads(stateMachineName: string): void {
    const { sweep } = this.functions;
    const executionArns = Stack.of(this).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    sweep.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:DescribeStateMachineForExecution'],
        resources: [executionArns],
      }),
    );
    acknowledgeWildcardResources(
      sweep.role ?? sweep,
      [executionArns],
      'The sweep reads the definition of any execution of this one state machine (execution names are run ids, unknown in advance).',
    );
  }

  /**
   * Before injecting, StartFault looks for an unfinished fault of this run (any experiment, FIS or SSM)
   * and refuses to inject on top of it; a dry run FIS did not honour is stopped at once. StopFault, on
   * the error path, also stops those earlier faults (grantStop on every fault, {@link grantFaults}).
   */
  private grantFaultSearch(): void {
    const { startFault, stopFault, abortOnEvent } = this.functions;
    for (const lister of [startFault, stopFault, abortOnEvent]) {
      lister.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['fis:ListExperiments', 'ssm:ListCommands'], resources: ['*'] }),
      );
      acknowledgeWildcardResources(
        lister.role ?? lister,
        ['*'],
        'fis:ListExperiments and ssm:ListCommands support no resource-level permissions; they find the unfinished faults of a run by its tag/comment.',
      );
    }
  }

  /** Who may inject, observe and stop each fault. */
  private grantFaults(faults: readonly IFaultPermissions[]): void {
    const { startFault, pollStopConditions, stopFault, sweep, abortOnEvent } = this.functions;
    for (const fault of faults) {
      fault.grantInject(startFault);
      fault.grantObserve(startFault);
      fault.grantStop(startFault);
      fault.grantObserve(pollStopConditions);
      fault.grantObserve(stopFault);
      fault.grantStop(stopFault);
      fault.grantObserve(sweep);
      fault.grantStop(sweep);
      fault.grantObserve(abortOnEvent);
      fault.grantStop(abortOnEvent);
    }
  }

  /**
   * The state machine: the rendered ASL with the function ARNs (by the task table's names) and FIS
   * template ids substituted, a role that invokes exactly those functions, logging and tracing.
   */
  private createStateMachine(props: ExperimentWorkflowProps, stateMachineName: string): sfn.StateMachine {
    const invoked: Record<WorkflowFunctionName, lambda.IFunction> = {
      CheckGuardRails: this.functions.checkGuardRails,
      CheckSteadyState: this.functions.checkSteadyState,
      StartFault: this.functions.startFault,
      PollStopConditions: this.functions.pollStopConditions,
      StopFault: this.functions.stopFault,
      Verdict: this.functions.verdict,
      PublishResults: props.results.publishFunction,
    };
    const arns = Object.fromEntries(
      (Object.keys(invoked) as WorkflowFunctionName[]).map((name) => [
        functionArnKey(name),
        invoked[name].functionArn,
      ]),
    ) as Record<FunctionArnKey, string>;
    const templateIds: Record<string, string> = {};
    for (const fault of props.faults) {
      if (fault.templateId !== undefined)
        templateIds[templateIdSubstitutionKey(fault.experimentName)] = fault.templateId;
    }
    const role = new iam.Role(this, 'StateMachineRole', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
      description: 'chaos-cadence workflow: invokes exactly its functions',
    });
    // Exactly the functions of the definition (no `:*` qualifiers: the ASL calls unqualified ARNs).
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: Object.values(arns) }),
    );
    const stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(renderDefinition(props.runConfig)),
      definitionSubstitutions: { ...arns, ...templateIds },
      role,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Step Functions log delivery (logs:CreateLogDelivery & co.) and X-Ray tracing actions require Resource "*" (AWS documentation); Lambda invocation is limited to the workflow functions.',
    });
    return stateMachine;
  }

  /**
   * Backstop: an execution that ends FAILED / TIMED_OUT / ABORTED is swept: every fault tagged or
   * commented with its run id is stopped, then a failed result is published (on-success destination).
   * A failed sweep is never silent: the failed invocation (with its event, to replay) and any event
   * EventBridge could not deliver land in a queue, and the function's Errors alarm notifies.
   */
  private createSweepBackstop(
    props: ExperimentWorkflowProps,
    stateMachineName: string,
  ): { readonly failures: sqs.Queue; readonly errorsAlarm: cloudwatch.Alarm } {
    const { sweep } = this.functions;
    const stateMachineArn = Stack.of(this).formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const failures = this.deadLetterQueue(
      'SweepFailures',
      'the failure destination (dead-letter queue) of the sweep',
    );
    new events.Rule(this, 'SweepOnExecutionEnd', {
      description: 'chaos-cadence: stop the faults of a run whose execution failed, timed out or was aborted',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [stateMachineArn] },
      },
      targets: [
        new eventTargets.LambdaFunction(sweep, {
          retryAttempts: 8,
          maxEventAge: Duration.hours(2),
          deadLetterQueue: failures,
        }),
      ],
    });
    new lambda.EventInvokeConfig(this, 'SweepPublishes', {
      function: sweep,
      onSuccess: new LambdaDestination(props.results.publishFunction, { responseOnly: true }),
      onFailure: new SqsDestination(failures),
      retryAttempts: 2,
    });
    const errorsAlarm = new cloudwatch.Alarm(this, 'SweepErrors', {
      alarmDescription:
        'chaos-cadence: the backstop sweep failed. A run that ended abnormally may still have a fault running: check the failed invocation in the SweepFailures queue and run `npx chaos-cadence halt`.',
      metric: sweep.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmTopic) errorsAlarm.addAlarmAction(new cloudwatchActions.SnsAction(props.alarmTopic));
    return { failures, errorsAlarm };
  }

  /** A dead-letter queue kept 14 days, encrypted, TLS only; cdk-nag's SQS3 does not apply to it. */
  private deadLetterQueue(id: string, role: string): sqs.Queue {
    const queue = new sqs.Queue(this, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This queue is itself ${role}; a queue for its own failures would have no reader.`,
    });
    return queue;
  }

  /**
   * The event path of an abort: CloudWatch announces a stop-condition alarm entering ALARM, and SSM a
   * change of the kill switch, within seconds; abort-on-event stops the run's faults at once. The poll
   * stays the fallback. Failed invocations and undeliverable events land in a queue with an alarm.
   */
  private createAbortOnEvent(props: ExperimentWorkflowProps): {
    readonly failures: sqs.Queue;
    readonly failuresAlarm: cloudwatch.Alarm;
  } {
    const { abortOnEvent } = this.functions;
    const failures = this.deadLetterQueue(
      'AbortFailures',
      'the dead-letter queue of the abort-on-event rules and function',
    );
    const abortTarget = new eventTargets.LambdaFunction(abortOnEvent, {
      retryAttempts: 4,
      maxEventAge: Duration.hours(1),
      deadLetterQueue: failures,
    });
    const alarmNames = [...new Set(Object.values(stopConditionsOf(props.runConfig)).flat())];
    if (alarmNames.length > 0) {
      new events.Rule(this, 'AbortOnStopConditionAlarm', {
        description: 'chaos-cadence: a stop-condition alarm entered ALARM; stop the running fault now',
        eventPattern: {
          source: ['aws.cloudwatch'],
          detailType: ['CloudWatch Alarm State Change'],
          detail: { alarmName: alarmNames, state: { value: ['ALARM'] } },
        },
        targets: [abortTarget],
      });
    }
    new events.Rule(this, 'AbortOnKillSwitchChange', {
      description: 'chaos-cadence: the kill switch changed; stop the running fault now if it is on',
      eventPattern: {
        source: ['aws.ssm'],
        detailType: ['Parameter Store Change'],
        detail: { name: [props.guardRails.killSwitch.parameterName] },
      },
      targets: [abortTarget],
    });
    new lambda.EventInvokeConfig(this, 'AbortOnEventFailures', {
      function: abortOnEvent,
      onFailure: new SqsDestination(failures),
      retryAttempts: 2,
    });
    const failuresAlarm = new cloudwatch.Alarm(this, 'AbortOnEventFailed', {
      alarmDescription:
        'chaos-cadence: an event-driven abort failed (see the AbortFailures queue). The workflow poll still stops the fault within one poll interval; if a run is in flight, check it with `npx chaos-cadence status` or stop everything with `npx chaos-cadence halt`.',
      metric: failures.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmTopic) failuresAlarm.addAlarmAction(new cloudwatchActions.SnsAction(props.alarmTopic));
    return { failures, failuresAlarm };
  }
}

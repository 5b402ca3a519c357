import { join } from 'node:path';
import { ArnFormat, Duration, RemovalPolicy, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { HeadsUpEvent } from '../../lambdas/preflight/heads-up';
import type { PreflightManifest } from '../../lambdas/preflight/manifest';
import { headsUpSchedule, type HeadsUpSchedule } from '../cadence/heads-up';
import { CPU_STRESS_DOCUMENT } from '../config/plan';
import { acknowledgeWildcardResources } from '../faults/nag';
import { DEFAULT_SAFETY_LEVER_ID } from '../../lambdas/shared/fis-safety-lever';
import { asgNamesInPlans } from '../../lambdas/shared/plans';

/** Props of {@link HeadsUp}. */
export interface HeadsUpProps {
  /** What the preflight checks (deploy-time tokens for names and ARNs); baked into each schedule's input. */
  readonly manifest: PreflightManifest;
  /** Where the heads-up emails go (the results topic). */
  readonly topic: sns.ITopic;
  /** The workflow's function roles the preflight simulates (`iam:SimulatePrincipalPolicy`). */
  readonly workflowRoles: readonly iam.IRole[];
  /** The roles FIS assumes for the stack's experiment templates (read with `iam:GetRole`, simulated). */
  readonly fisRoles: readonly iam.IRole[];
  /**
   * Whether an experiment wraps an existing template (`fisTemplateId`), whose role is only known at run
   * time: then `iam:GetRole` and `iam:SimulatePrincipalPolicy` are allowed on the account's roles.
   * @default false
   */
  readonly existingTemplates?: boolean;
  /** Log retention. @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /** The moment the heads-up schedules are computed from (tests pin it). @default now */
  readonly now?: Date;
}

/**
 * The heads-up before every scheduled run: one EventBridge Scheduler schedule per cadence group with
 * `headsUp` (see {@link headsUpSchedule}: "24 h before the first Tuesday" is no cron expression, so the
 * schedule fires daily, or hourly when DST makes it necessary, and the function looks ahead), invoking
 * the Preflight function with `{ group, scheduledTime, manifest }`. The function runs the read-only
 * preflight and emails the heads-up card to the results topic. Its role may read what the checks of
 * this deployment read, on the resources they read (test/stack/iam-preflight.cases.ts evaluates every
 * call of offline preflights against it, and finds no grant unused), and publish to the topic.
 */
export class HeadsUp extends Construct {
  /** The Preflight function. */
  public readonly function: nodejs.NodejsFunction;
  /** Its role. */
  public readonly role: iam.Role;
  /** The heads-up schedules, by cadence group. */
  public readonly schedules: Readonly<Record<string, scheduler.Schedule>>;
  /** The heads-up schedule expressions, by cadence group (why each has its shape, too). */
  public readonly plans: Readonly<Record<string, HeadsUpSchedule>>;

  constructor(scope: Construct, id: string, props: HeadsUpProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { manifest } = props;
    this.role = new iam.Role(this, 'PreflightRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'chaos-cadence Preflight: read-only checks before a run, and the heads-up email',
    });
    const logGroup = new logs.LogGroup(this, 'PreflightLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    logGroup.grantWrite(this.role);
    this.function = new nodejs.NodejsFunction(this, 'Preflight', {
      entry: join(__dirname, '..', '..', 'lambdas', 'preflight', 'handler.ts'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: Duration.minutes(2),
      memorySize: 256,
      role: this.role,
      logGroup,
      tracing: lambda.Tracing.ACTIVE,
      environment: { POWERTOOLS_SERVICE_NAME: 'chaos-cadence' },
      bundling: { minify: true, sourceMap: true, target: 'node22' },
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime chaos-cadence is built and tested for (the handlers use its APIs); moving to a newer runtime is a deliberate upgrade, not an automatic one.',
    });
    this.grantReads(props);
    props.topic.grantPublish(this.role);
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason: "grantPublish on the KMS-encrypted results topic: SNS needs a data key of the topic's one key",
    });

    const schedules: Record<string, scheduler.Schedule> = {};
    const plans: Record<string, HeadsUpSchedule> = {};
    const invokeRole = new iam.Role(this, 'ScheduleRole', {
      description: 'EventBridge Scheduler invokes the chaos-cadence Preflight function (heads-up)',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({
              service: 'scheduler',
              resource: 'schedule-group',
              resourceName: 'default',
            }),
          },
        },
      }),
    });
    for (const group of manifest.groups) {
      if (group.headsUp === false || /^\s*rate\(/.test(group.expression)) continue;
      const plan = headsUpSchedule(group, props.now);
      plans[group.group] = plan;
      const input: HeadsUpEvent = {
        group: group.group,
        scheduledTime: scheduler.ContextAttribute.scheduledTime,
        manifest,
      };
      schedules[group.group] = new scheduler.Schedule(this, `Schedule-${group.group}`, {
        description:
          `chaos-cadence heads-up ${group.headsUp} before each ${group.group} run: ${plan.reason}`.slice(
            0,
            512,
          ),
        schedule: scheduler.ScheduleExpression.expression(plan.expression, TimeZone.of(plan.timeZone)),
        timeWindow: scheduler.TimeWindow.off(),
        target: new targets.LambdaInvoke(this.function, {
          input: scheduler.ScheduleTargetInput.fromObject(input),
          role: invokeRole,
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
        }),
      });
    }
    this.schedules = schedules;
    this.plans = plans;
    acknowledgeWildcardResources(
      invokeRole,
      [`${this.function.functionArn}:*`],
      'LambdaInvoke grants lambda:InvokeFunction on the Preflight function and its versions (`:*`) only.',
    );
  }

  private grantReads(props: HeadsUpProps): void {
    const { manifest } = props;
    const stack = Stack.of(this);
    const allow = (actions: string[], resources: string[]): void => {
      this.role.addToPolicy(new iam.PolicyStatement({ actions, resources }));
    };
    allow(
      ['scheduler:GetSchedule'],
      manifest.groups.map((g) =>
        stack.formatArn({
          service: 'scheduler',
          resource: 'schedule',
          resourceName: `default/${g.scheduleName}`,
        }),
      ),
    );
    allow(
      ['ssm:GetParameter'],
      [
        stack.formatArn({
          service: 'ssm',
          resource: 'parameter',
          resourceName: manifest.killSwitchParameter.replace(/^\//, ''),
        }),
      ],
    );
    if (manifest.changeCalendar !== undefined) {
      allow(
        ['ssm:GetCalendarState'],
        [
          manifest.changeCalendar.startsWith('arn:')
            ? manifest.changeCalendar
            : stack.formatArn({
                service: 'ssm',
                resource: 'document',
                resourceName: manifest.changeCalendar,
              }),
        ],
      );
    }
    const documents = [
      ...new Set(
        manifest.plans.flatMap((p) =>
          p.fault.kind === 'ssm' ? [p.fault.documentName] : p.fault.cpuStress ? [CPU_STRESS_DOCUMENT] : [],
        ),
      ),
    ];
    if (documents.length > 0) {
      allow(
        ['ssm:DescribeDocument'],
        documents.map((d) =>
          stack.formatArn({ service: 'ssm', account: '', resource: 'document', resourceName: d }),
        ),
      );
    }
    const templates = manifest.plans.flatMap((p) => (p.fault.kind === 'fis' ? [p.fault.templateId] : []));
    if (templates.length > 0) {
      allow(
        ['fis:GetExperimentTemplate'],
        templates.map((t) =>
          stack.formatArn({ service: 'fis', resource: 'experiment-template', resourceName: t }),
        ),
      );
    }
    const accountRoles = stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: '*' });
    const fisRoles = props.existingTemplates ? [accountRoles] : props.fisRoles.map((r) => r.roleArn);
    if (fisRoles.length > 0) allow(['iam:GetRole'], fisRoles);
    allow(['iam:SimulatePrincipalPolicy'], [...props.workflowRoles.map((r) => r.roleArn), ...fisRoles]);
    allow(['sns:ListSubscriptionsByTopic'], [props.topic.topicArn]);
    // The account's FIS safety lever (engaged: no experiment can start), read only when a plan runs through FIS.
    if (templates.length > 0) {
      allow(
        ['fis:GetSafetyLever'],
        [
          stack.formatArn({
            service: 'fis',
            resource: 'safety-lever',
            resourceName: DEFAULT_SAFETY_LEVER_ID,
          }),
        ],
      );
    }
    // The alarms the checks read: each plan's stop conditions and the alarm probes of its steady state.
    const alarmNames = [
      ...new Set(
        manifest.plans.flatMap((p) => [
          ...p.stopConditions.map((s) => s.alarmName),
          ...p.steadyState.flatMap((probe) => (probe.kind === 'alarm' ? [probe.alarmName] : [])),
        ]),
      ),
    ];
    if (alarmNames.length > 0) {
      allow(
        ['cloudwatch:DescribeAlarms'],
        alarmNames.map((name) =>
          stack.formatArn({
            service: 'cloudwatch',
            resource: 'alarm',
            resourceName: name,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ),
      );
    }
    // These reads support no resource-level permissions: each is granted only when a check makes it.
    const probeKinds = new Set(manifest.plans.flatMap((p) => p.steadyState.map((probe) => probe.kind)));
    const stress = manifest.plans.filter((p) => p.fault.cpuStress);
    const unscoped = [
      ...(stress.length > 0 ? ['ssm:DescribeInstanceInformation', 'ec2:DescribeInstances'] : []),
      ...(stress.some((p) => p.fault.kind === 'fis') ? ['servicequotas:ListServiceQuotas'] : []),
      ...(probeKinds.has('metric') ? ['cloudwatch:GetMetricData'] : []),
      ...(asgNamesInPlans(manifest.plans).length > 0 ? ['autoscaling:DescribeAutoScalingGroups'] : []),
    ];
    if (unscoped.length > 0) allow(unscoped, ['*']);
    const unscopedReads =
      unscoped.length > 0 ? `the reads ${unscoped.join(', ')} support no resource-level permissions; ` : '';
    acknowledgeWildcardResources(
      this.role,
      ['*', ...(props.existingTemplates ? [accountRoles] : [])],
      `${unscopedReads}X-Ray and the own log group's streams need wildcards${props.existingTemplates ? "; an imported FIS template's role is only known at run time (iam:GetRole and iam:SimulatePrincipalPolicy on the account's roles, both read-only)" : ''}.`,
    );
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `${unscoped.length > 0 ? `${unscoped.join(', ')} (reads) and ` : ''}X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions.`,
    });
  }
}

import { isAbsolute, join } from 'node:path';
import {
  ArnFormat,
  Duration,
  RemovalPolicy,
  Stack,
  aws_fis as fis,
  aws_iam as iam,
  aws_logs as logs,
  type aws_s3 as s3,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { isoDuration, durationSeconds } from '../config/duration';
import { CPU_STRESS_DOCUMENT, describeCpuStress, toCpuStressSpec } from '../config/plan';
import { fisDocumentParameters } from '../../lambdas/shared/cpu-stress';
import type { Config, CpuStressConfig, ExperimentConfig } from '../config/schema';
import { rolePermissionsFor } from '../faults/action-catalogue';
import { toCfnTemplateParts } from '../faults/imported-template';
import {
  APPLICATION_TAG_KEY,
  EXPERIMENT_TAG_KEY,
  addLogDelivery,
  addManagedPolicies,
  cpuStressArns,
  createExperimentRole,
  grantFisInject,
  grantFisObserve,
  grantFisStop,
  grantSsmInject,
  grantSsmObserve,
  grantSsmStop,
  sendCommandStatements,
  type CpuStressArns,
} from '../faults/policies';
import { acknowledgeWildcardResources } from '../faults/nag';
import { readFisTemplateFile, templateDurationSeconds } from '../faults/template-file';
import type { IFaultPermissions } from './fault-permissions';

/** How long the FIS action may run beyond the stress itself (the document needs time to start and stop). */
export const ACTION_DURATION_MARGIN_SECONDS = 60;

/** Props of {@link CpuStressFault}. */
export interface CpuStressFaultProps {
  /** The whole validated config (for `fisReports` and the experiment's position). */
  readonly config: Config;
  /** The experiment whose `fault` this construct implements. */
  readonly experiment: ExperimentConfig;
  /** Folder relative template paths (`fault.fisTemplate.file`) are resolved against. */
  readonly baseDir: string;
  /**
   * Where FIS writes its own PDF experiment report, when `config.fisReports` is true.
   * @default - no report; synth fails if `fisReports` is true without a bucket
   */
  readonly reportBucket?: s3.IBucket;
  /**
   * A CloudWatch dashboard FIS includes in its experiment report (only with `fisReports`).
   * @default - the report has no dashboard widgets
   */
  readonly dashboard?: { readonly dashboardArn: string };
  /**
   * How long the FIS experiment log group keeps its events.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Values for placeholders of an imported template other than account, region and partition
   * (which come from the stack), keyed by name: `{ 'YOUR SUBNET ID': 'subnet-0abc' }`.
   * @default {} - every other placeholder must have been replaced in the file
   */
  readonly placeholders?: Readonly<Record<string, string>>;
}

/** Which kind of fault an experiment has. */
export type FaultKind = 'cpuStress-fis' | 'cpuStress-ssm' | 'fisTemplate' | 'fisTemplateId';

/**
 * The AWS resources behind one experiment's fault, and the grants the workflow needs on them:
 * - `cpuStress` via FIS: a FIS experiment template running `AWSFIS-Run-CPU-Stress` through
 *   `aws:ssm:send-command` on the tagged running instances, with the experiment's alarms as stop
 *   conditions, a least-privilege experiment role and a log group;
 * - `cpuStress` via SSM: no resources; the grants let the workflow `SendCommand` the same document to
 *   instances carrying the target tags, and cancel it;
 * - `fisTemplate`: an existing FIS template JSON imported as `AWS::FIS::ExperimentTemplate`;
 * - `fisTemplateId`: nothing created; grants on that template.
 */
export class CpuStressFault extends Construct implements IFaultPermissions {
  /** The experiment this fault belongs to. */
  public readonly experimentName: string;
  /** Which kind of fault this is. */
  public readonly kind: FaultKind;
  /** The FIS experiment template id (a `Ref` token, or the configured `EXT...`), when the fault runs through FIS. */
  public readonly templateId?: string;
  /** The FIS experiment template, when this construct created one. */
  public readonly template?: fis.CfnExperimentTemplate;
  /** The role FIS assumes, when this construct created or imported one. */
  public readonly role?: iam.IRole;
  /** The log group FIS writes experiment logs to, when this construct created a template. */
  public readonly logGroup?: logs.LogGroup;
  /**
   * For an imported template: how long it runs at most (longest `startAfter` chain of action durations),
   * in seconds. Pass it to `buildRunConfig(..., { templateDurations })`.
   */
  public readonly templateDurationSeconds?: number;
  /** The configured target tags, for SSM mode (the workflow lists running instances with them). */
  public readonly targetTags?: Readonly<Record<string, string>>;

  private readonly arns?: CpuStressArns;

  constructor(scope: Construct, id: string, props: CpuStressFaultProps) {
    super(scope, id);
    const { experiment } = props;
    this.experimentName = experiment.name;
    const { fault } = experiment;

    if (fault.cpuStress) {
      this.targetTags = fault.cpuStress.targets.tags;
      this.arns = cpuStressArns(this, CPU_STRESS_DOCUMENT);
      if (fault.cpuStress.via === 'ssm') {
        this.kind = 'cpuStress-ssm';
        return;
      }
      this.kind = 'cpuStress-fis';
      const logGroup = this.createLogGroup(props);
      const role = createExperimentRole(
        this,
        'ExperimentRole',
        `FIS CPU stress for chaos-cadence ${experiment.name}`,
      );
      this.addCpuStressPermissions(role, this.arns, fault.cpuStress.targets.tags);
      addLogDelivery(role);
      this.template = new fis.CfnExperimentTemplate(this, 'Template', {
        ...this.cpuStressTemplateParts(fault.cpuStress, experiment, this.arns),
        roleArn: role.roleArn,
        logConfiguration: this.logConfiguration(logGroup),
        ...this.reportConfiguration(props, role),
      });
      this.logGroup = logGroup;
      this.role = role;
      this.templateId = this.template.ref;
      return;
    }

    if (fault.fisTemplate) {
      this.kind = 'fisTemplate';
      const index = Math.max(0, props.config.experiments.indexOf(experiment));
      const source = {
        file: fault.fisTemplate.file,
        configPath: `experiments[${index}].fault.fisTemplate.file`,
      };
      const path = isAbsolute(source.file) ? source.file : join(props.baseDir, source.file);
      const document = readFisTemplateFile(path, source);
      const stack = Stack.of(this);
      const parts = toCfnTemplateParts(document, {
        source,
        stack: { account: stack.account, region: stack.region, partition: stack.partition },
        placeholders: props.placeholders ?? {},
        alarmArns: this.alarmArns(experiment),
      });
      const logGroup = this.createLogGroup(props);
      const role = fault.fisTemplate.roleArn
        ? iam.Role.fromRoleArn(this, 'ExperimentRole', fault.fisTemplate.roleArn, { mutable: false })
        : this.createImportRole(
            experiment,
            Object.values(document.actions).map((a) => a.actionId),
          );
      this.template = new fis.CfnExperimentTemplate(this, 'Template', {
        ...parts,
        tags: { ...parts.tags, ...this.tags(experiment) },
        roleArn: role.roleArn,
        logConfiguration: this.logConfiguration(logGroup),
        ...this.reportConfiguration(props, role),
      });
      this.logGroup = logGroup;
      this.role = role;
      this.templateId = this.template.ref;
      this.templateDurationSeconds = templateDurationSeconds(document);
      return;
    }

    this.kind = 'fisTemplateId';
    this.templateId = fault.fisTemplateId;
  }

  /** Start the fault: FIS StartExperiment (+ TagResource on its own experiments), or SSM SendCommand. */
  public grantInject(grantee: iam.IGrantable): void {
    if (this.kind === 'cpuStress-ssm') grantSsmInject(grantee, this.requireArns(), this.targetTags ?? {});
    else grantFisInject(this, grantee, this.fisTarget());
  }

  /** Read the fault's state: FIS GetExperiment on its tagged experiments, or SSM ListCommands/Invocations. */
  public grantObserve(grantee: iam.IGrantable): void {
    if (this.kind === 'cpuStress-ssm') grantSsmObserve(grantee);
    else grantFisObserve(this, grantee, this.fisTarget());
  }

  /** Stop the fault: FIS StopExperiment (+ ListExperiments), or SSM CancelCommand. */
  public grantStop(grantee: iam.IGrantable): void {
    if (this.kind === 'cpuStress-ssm') grantSsmStop(grantee);
    else grantFisStop(this, grantee, this.fisTarget());
  }

  private requireArns(): CpuStressArns {
    if (!this.arns) throw new Error(`internal: ${this.experimentName} has no CPU stress ARNs`);
    return this.arns;
  }

  private fisTarget(): { templateId: string; experimentName: string } {
    if (this.templateId === undefined)
      throw new Error(`internal: ${this.experimentName} has no FIS template id`);
    return { templateId: this.templateId, experimentName: this.experimentName };
  }

  private tags(experiment: ExperimentConfig): Record<string, string> {
    return {
      Name: `chaos-cadence-${experiment.name}`,
      [EXPERIMENT_TAG_KEY]: experiment.name,
      [APPLICATION_TAG_KEY]: experiment.application,
    };
  }

  private alarmArns(experiment: ExperimentConfig): string[] {
    const stack = Stack.of(this);
    return experiment.stopConditions.map((condition) =>
      stack.formatArn({
        service: 'cloudwatch',
        resource: 'alarm',
        resourceName: condition.alarm,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    );
  }

  private createLogGroup(props: CpuStressFaultProps): logs.LogGroup {
    return new logs.LogGroup(this, 'ExperimentLogs', {
      // FIS delivers "vended logs"; the /aws/vendedlogs/ prefix keeps the log group's resource policy small.
      logGroupName: `/aws/vendedlogs/fis/${Stack.of(this).stackName}/${props.experiment.name}`,
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }

  private logConfiguration(
    logGroup: logs.LogGroup,
  ): fis.CfnExperimentTemplate.ExperimentTemplateLogConfigurationProperty {
    return { logSchemaVersion: 2, cloudWatchLogsConfiguration: { LogGroupArn: logGroup.logGroupArn } };
  }

  private reportConfiguration(
    props: CpuStressFaultProps,
    role: iam.IRole,
  ): Pick<fis.CfnExperimentTemplateProps, 'experimentReportConfiguration'> {
    if (!props.config.fisReports) return {};
    const bucket = props.reportBucket;
    if (!bucket) {
      throw new Error(
        `CpuStressFault ${props.experiment.name}: config.fisReports is true but no reportBucket was given; pass the results bucket as reportBucket`,
      );
    }
    const prefix = `fis-reports/${props.experiment.name}/`;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject'],
        resources: [bucket.arnForObjects(`${prefix}*`)],
      }),
    );
    // SSE-KMS buckets: write (GenerateDataKey) and read back (Decrypt) the report objects, nothing more.
    bucket.encryptionKey?.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
    acknowledgeWildcardResources(
      role,
      [bucket.arnForObjects(`${prefix}*`)],
      "FIS names the report objects itself; the role may only write and read them under this experiment's prefix of the results bucket.",
    );
    if (props.dashboard) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['cloudwatch:GetDashboard'],
          resources: [props.dashboard.dashboardArn],
        }),
      );
      // GetMetricWidgetImage supports no resource-level permissions.
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['cloudwatch:GetMetricWidgetImage'], resources: ['*'] }),
      );
      acknowledgeWildcardResources(
        role,
        ['*'],
        'cloudwatch:GetMetricWidgetImage (dashboard images in the FIS report) and the other listed read/log-delivery actions support no resource-level permissions.',
      );
    }
    return {
      experimentReportConfiguration: {
        outputs: { experimentReportS3Configuration: { bucketName: bucket.bucketName, prefix } },
        ...(props.dashboard
          ? { dataSources: { cloudWatchDashboards: [{ dashboardIdentifier: props.dashboard.dashboardArn }] } }
          : {}),
        preExperimentDuration: isoDuration(Duration.minutes(10).toSeconds()),
        postExperimentDuration: isoDuration(Duration.minutes(10).toSeconds()),
      },
    };
  }

  private cpuStressTemplateParts(
    stress: CpuStressConfig,
    experiment: ExperimentConfig,
    arns: CpuStressArns,
  ): Omit<fis.CfnExperimentTemplateProps, 'roleArn'> {
    const seconds = durationSeconds(stress.duration) ?? 0;
    const description = `chaos-cadence ${experiment.name}: ${describeCpuStress(toCpuStressSpec(stress), 'fis')}`;
    return {
      description: description.slice(0, 512),
      targets: {
        Instances: {
          resourceType: 'aws:ec2:instance',
          resourceTags: { ...stress.targets.tags },
          filters: [{ path: 'State.Name', values: ['running'] }],
          selectionMode: stress.targets.selection,
        },
      },
      actions: {
        CpuStress: {
          actionId: 'aws:ssm:send-command',
          description: `Run ${CPU_STRESS_DOCUMENT} at ${stress.loadPercent} % for ${stress.duration}`,
          parameters: {
            documentArn: arns.documentArn,
            documentParameters: cpuStressDocumentParameters(stress),
            duration: isoDuration(seconds + ACTION_DURATION_MARGIN_SECONDS),
          },
          targets: { Instances: 'Instances' },
        },
      },
      stopConditions: this.alarmArns(experiment).map((value) => ({ source: 'aws:cloudwatch:alarm', value })),
      experimentOptions: { accountTargeting: 'single-account', emptyTargetResolutionMode: 'fail' },
      tags: this.tags(experiment),
    };
  }

  private addCpuStressPermissions(
    role: iam.Role,
    arns: CpuStressArns,
    tags: Readonly<Record<string, string>>,
  ): void {
    for (const statement of sendCommandStatements(arns, tags)) role.addToPrincipalPolicy(statement);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'CommandsAndInstanceDiscovery',
        actions: ['ssm:ListCommands', 'ssm:CancelCommand', 'ec2:DescribeInstances'],
        resources: ['*'],
      }),
    );
    acknowledgeWildcardResources(
      role,
      ['*'],
      'ssm:ListCommands, ssm:CancelCommand, ec2:DescribeInstances and the CloudWatch Logs delivery actions support no resource-level permissions.',
    );
    acknowledgeWildcardResources(
      role,
      [arns.instancesArn],
      'ssm:SendCommand on the instances of this account and region is limited by an ssm:resourceTag condition for every target tag; FIS picks the instances at run time.',
    );
  }

  private createImportRole(experiment: ExperimentConfig, actionIds: readonly string[]): iam.Role {
    const role = createExperimentRole(
      this,
      'ExperimentRole',
      `FIS imported template for chaos-cadence ${experiment.name}`,
    );
    const needs = rolePermissionsFor(actionIds);
    addManagedPolicies(role, needs.managedPolicies);
    if (needs.inlineActions.length > 0) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'TemplateActions',
          actions: [...needs.inlineActions],
          resources: ['*'],
        }),
      );
    }
    addLogDelivery(role);
    acknowledgeWildcardResources(
      role,
      ['*'],
      `The imported template's targets are resolved by FIS at run time (by tags, filters or ARNs), so the permissions its actions need (${[...new Set(actionIds)].join(', ')}) are granted as the FIS actions reference lists them; the CloudWatch Logs delivery actions support no resource-level permissions.`,
    );
    return role;
  }
}

/**
 * The `documentParameters` FIS passes to `AWSFIS-Run-CPU-Stress`: a JSON string whose values are all
 * strings (`{"DurationSeconds":"360","CPU":"0","LoadPercent":"80","InstallDependencies":"True"}`).
 */
export function cpuStressDocumentParameters(stress: CpuStressConfig): string {
  return fisDocumentParameters(toCpuStressSpec(stress));
}

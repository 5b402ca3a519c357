import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { upcomingRuns } from './cadence/upcoming';
import type { LoadedConfig } from './config/load';
import { buildRunConfig, experimentsInGroup, templateIdSubstitutionKey } from './config/plan';
import { CadenceSchedule } from './constructs/cadence-schedule';
import { CpuStressFault } from './constructs/cpu-stress-fault';
import { ResultsDashboard } from './constructs/dashboard';
import { ExperimentWorkflow } from './constructs/experiment-workflow';
import { GuardRails } from './constructs/guard-rails';
import { HeadsUp } from './constructs/heads-up';
import { WORKFLOW_ROLE_KEYS, type WorkflowRoleKey } from '../lambdas/preflight/manifest';
import { buildPreflightManifest } from './preflight/manifest';
import { PREFLIGHT_OUTPUT_KEYS } from './preflight/outputs';
import { Results } from './constructs/results';
import { WorkflowAlarms } from './constructs/workflow-alarms';

/** Props of {@link ChaosCadenceStack}. */
export interface ChaosCadenceStackProps extends StackProps {
  /** The validated config (see `loadConfig`). */
  readonly loaded: LoadedConfig;
  /**
   * The moment the dashboard's "next runs" are computed from.
   * @default now (the header says "as of the last deploy")
   */
  readonly now?: Date;
}

/**
 * The whole chaos-cadence deployment: results, guard rails, one fault per experiment, the workflow,
 * its dashboard and alarms, and one schedule per cadence group. Composes constructs, nothing else.
 */
export class ChaosCadenceStack extends Stack {
  constructor(scope: Construct, id: string, props: ChaosCadenceStackProps) {
    super(scope, id, props);
    const { config, baseDir, hash } = props.loaded;

    const results = new Results(this, 'Results', { config, ...(props.now ? { now: props.now } : {}) });
    const guardRails = new GuardRails(this, 'GuardRails', { config });

    const faults = config.experiments.map(
      (experiment) =>
        new CpuStressFault(this, `Fault-${experiment.name}`, {
          config,
          experiment,
          baseDir,
          ...(experiment.fault.fisTemplate
            ? { placeholders: experiment.fault.fisTemplate.placeholders }
            : {}),
          reportBucket: results.bucket,
          dashboard: {
            dashboardArn: this.formatArn({
              service: 'cloudwatch',
              region: '',
              resource: 'dashboard',
              resourceName: results.dashboardName,
            }),
          },
        }),
    );
    const templateDurations = Object.fromEntries(
      faults.flatMap((f) =>
        f.templateDurationSeconds !== undefined ? [[f.experimentName, f.templateDurationSeconds]] : [],
      ),
    );
    // Template ids stay `${FisTemplateId_<name>}` placeholders in the plans; the workflow resolves them
    // through definition substitutions from `faults[].templateId`.
    const runConfig = buildRunConfig(config, hash, { templateDurations });

    const workflow = new ExperimentWorkflow(this, 'Workflow', {
      runConfig,
      faults,
      results,
      guardRails,
      alarmTopic: results.topic,
    });
    results.grantProbeSeriesWrite(workflow.functions.pollStopConditions);

    const groups = upcomingRuns(config, 3, props.now);
    new ResultsDashboard(this, 'Dashboard', {
      plans: Object.values(runConfig.plans),
      stateMachine: workflow.stateMachine,
      logGroup: workflow.logGroup,
      killSwitchParameterName: guardRails.killSwitchParameterName,
      nextRuns: groups
        .filter((g) => g.enabled && g.experiments.length > 0)
        .flatMap((g) => g.formatted.map((run) => `${run} (${g.experiments.join(', ')})`)),
      dashboardName: results.dashboardName,
    });

    const scheduleNames: Record<string, string> = {};
    Object.entries({ default: config.cadence, ...config.cadences }).flatMap(([group, cadence]) => {
      const experiments = experimentsInGroup(config, group);
      if (experiments.length === 0) return [];
      const schedule = new CadenceSchedule(this, group === 'default' ? 'Schedule' : `Schedule-${group}`, {
        group,
        cadence,
        experiments,
        stateMachine: workflow.stateMachine,
        alarmTopic: results.topic,
      });
      scheduleNames[group] = schedule.schedule.scheduleName;
      return [schedule];
    });

    // Preflight and heads-up: the checks read what the next runs depend on, with these names.
    const functionOf: Record<WorkflowRoleKey, lambda.IFunction> = {
      CheckGuardRails: workflow.functions.checkGuardRails,
      CheckSteadyState: workflow.functions.checkSteadyState,
      StartFault: workflow.functions.startFault,
      PollStopConditions: workflow.functions.pollStopConditions,
      StopFault: workflow.functions.stopFault,
    };
    const workflowRoles = WORKFLOW_ROLE_KEYS.flatMap((key) => {
      const role = functionOf[key].role;
      return role ? [[key, role] as const] : [];
    });
    const roleArns = Object.fromEntries(workflowRoles.map(([key, role]) => [key, role.roleArn]));
    const manifest = buildPreflightManifest(props.loaded, {
      stackName: this.stackName,
      region: this.region,
      account: this.account,
      partition: this.partition,
      killSwitchParameter: guardRails.killSwitchParameterName,
      topicArn: results.topic.topicArn,
      scheduleNames,
      roles: roleArns,
      templateId: (experiment) =>
        faults.find((f) => f.experimentName === experiment.name)?.templateId ??
        experiment.fault.fisTemplateId ??
        '',
      templateDurations,
    });
    if (manifest.groups.some((g) => g.headsUp !== false && !/^\s*rate\(/.test(g.expression))) {
      new HeadsUp(this, 'HeadsUp', {
        manifest,
        topic: results.topic,
        workflowRoles: workflowRoles.map(([, role]) => role),
        fisRoles: faults.flatMap((f) => (f.role ? [f.role] : [])),
        existingTemplates: config.experiments.some((e) => e.fault.fisTemplateId !== undefined),
        ...(props.now ? { now: props.now } : {}),
      });
    }

    new WorkflowAlarms(this, 'WorkflowAlarms', {
      stateMachine: workflow.stateMachine,
      topic: results.topic,
      topicKey: results.key,
      deadLetterQueues: [workflow.sweepFailures],
    });

    // The chaos-cadence CLI finds the deployment through these outputs (keys are a contract).
    const outputs: Record<string, string> = {
      StateMachineArn: workflow.stateMachine.stateMachineArn,
      ResultsBucketName: results.bucket.bucketName,
      KillSwitchParameterName: guardRails.killSwitchParameterName,
      RunLockTableName: workflow.runLockTable.tableName,
      TopicArn: results.topic.topicArn,
      DashboardName: results.dashboardName,
      DashboardUrl: `https://${this.region}.console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards/dashboard/${results.dashboardName}`,
      [PREFLIGHT_OUTPUT_KEYS.configHash]: hash,
      [PREFLIGHT_OUTPUT_KEYS.scheduleNames]: this.toJsonString(scheduleNames),
      [PREFLIGHT_OUTPUT_KEYS.roleArns]: this.toJsonString(roleArns),
    };
    for (const [key, value] of Object.entries(outputs)) new CfnOutput(this, key, { value });
    for (const fault of faults) {
      if (fault.templateId !== undefined) {
        new CfnOutput(this, templateIdSubstitutionKey(fault.experimentName).replace(/_/g, ''), {
          value: fault.templateId,
          description: `FIS experiment template of ${fault.experimentName}`,
        });
      }
    }
  }
}

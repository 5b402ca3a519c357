import { SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { CPU_STRESS_DOCUMENT } from '../shared/cpu-stress';
import { EXPERIMENT_TAG } from '../shared/faults';
import { asgNamesInPlans } from '../shared/plans';
import type { ExperimentPlan } from '../shared/types';
import { readFailure } from './account-checks';
import type { TargetInstance } from './experiment-checks';
import type { PreflightManifest, WorkflowRoleKey } from './manifest';
import type { PreflightCheck, PreflightDeps } from './report';

/** One call a run makes, as IAM sees it: who, what, on which resource, with which request context. */
export interface RunCall {
  /** A workflow function (`StartFault`) or `FIS experiment role of <experiment>`. */
  readonly principal: string;
  readonly roleArn: string;
  readonly action: string;
  readonly resource: string;
  /** Condition keys the request carries, e.g. `aws:RequestTag/chaos-cadence:experiment`. */
  readonly context?: Readonly<Record<string, string>>;
}

/** What the IAM check knows of each experiment beyond its plan. */
export interface ExperimentFacts {
  readonly plan: ExperimentPlan;
  /** The instances the fault would target now (none when not resolved). */
  readonly instances: readonly TargetInstance[];
  /** The role FIS assumes for this experiment's template, when it runs through FIS. */
  readonly fisRoleArn?: string;
}

/** A FIS experiment ARN for the simulation (real ids are generated at start). */
const SIMULATED_EXPERIMENT_ID = 'EXPchaoscadencepreflight';

/**
 * The calls a run of these experiments makes through the deployed roles, with the real ARNs and the
 * targets' real tags: the guard rails, the probes, starting, observing and stopping each fault, and
 * (FIS) what the experiment role does on the instances. Each call names the resource the run touches
 * (kill switch, calendar, alarms, template, experiment, document, instance) and carries the request
 * context IAM conditions read (request and resource tags); `*` only where the action has no resource type.
 */
export function runCalls(manifest: PreflightManifest, experiments: readonly ExperimentFacts[]): RunCall[] {
  const { partition, region, account } = manifest;
  const arn = (service: string, resource: string, acct = account): string =>
    `arn:${partition}:${service}:${region}:${acct}:${resource}`;
  const killSwitchArn = arn('ssm', `parameter/${manifest.killSwitchParameter.replace(/^\//, '')}`);
  // AWS-owned documents (AWS..., AWSFIS-...) have no account in their ARN.
  const documentArn = (name: string): string =>
    name.startsWith('arn:') ? name : arn('ssm', `document/${name}`, name.startsWith('AWS') ? '' : account);
  const alarmArn = (name: string): string => arn('cloudwatch', `alarm:${name}`);
  const calls: RunCall[] = [];
  const add = (
    key: WorkflowRoleKey,
    action: string,
    resource: string,
    context?: Record<string, string>,
  ): void => {
    const roleArn = manifest.roles[key];
    if (roleArn) calls.push({ principal: key, roleArn, action, resource, ...(context ? { context } : {}) });
  };
  add('CheckGuardRails', 'ssm:GetParameter', killSwitchArn);
  if (manifest.changeCalendar !== undefined)
    add('CheckGuardRails', 'ssm:GetCalendarState', documentArn(manifest.changeCalendar));
  add('PollStopConditions', 'ssm:GetParameter', killSwitchArn);
  for (const { plan, instances, fisRoleArn } of experiments) {
    for (const { alarmName } of plan.stopConditions)
      add('PollStopConditions', 'cloudwatch:DescribeAlarms', alarmArn(alarmName));
    for (const probe of [...plan.steadyState, ...plan.recovery.expect]) {
      if (probe.kind === 'alarm')
        add('CheckSteadyState', 'cloudwatch:DescribeAlarms', alarmArn(probe.alarmName));
      if (probe.kind === 'metric') add('CheckSteadyState', 'cloudwatch:GetMetricData', '*');
      if (probe.kind === 'asgCapacity') add('CheckSteadyState', 'autoscaling:DescribeAutoScalingGroups', '*');
    }
    // Verifying the effect reads the metric (CPU of the targets, or an imported template's metric).
    if (plan.effect) add('PollStopConditions', 'cloudwatch:GetMetricData', '*');
    // The poll reads the capacity of the groups the probes watch.
    if (asgNamesInPlans([plan]).length > 0)
      add('PollStopConditions', 'autoscaling:DescribeAutoScalingGroups', '*');
    // Before starting, StartFault looks for a fault of this run already started (a retried start).
    add('StartFault', 'fis:ListExperiments', '*');
    add('StartFault', 'ssm:ListCommands', '*');
    const fault = plan.fault;
    const stress = fault.cpuStress;
    const sendCommand = (principal: string, roleArn: string, documentName: string): void => {
      calls.push({ principal, roleArn, action: 'ssm:SendCommand', resource: documentArn(documentName) });
      if (!stress) return;
      // One simulation per distinct set of target-tag values (normally one for the whole fleet).
      const seen = new Set<string>();
      for (const instance of instances) {
        const tags = Object.keys(stress.targets.tags).map((k) => [k, instance.tags[k] ?? ''] as const);
        const context: Record<string, string> = Object.fromEntries([
          ...tags.map(([k, v]): [string, string] => [`ssm:resourceTag/${k}`, v]),
          ...tags.map(([k, v]): [string, string] => [`aws:ResourceTag/${k}`, v]),
        ]);
        const key = JSON.stringify(context);
        if (seen.has(key)) continue;
        seen.add(key);
        calls.push({
          principal,
          roleArn,
          action: 'ssm:SendCommand',
          resource: arn('ec2', `instance/${instance.id}`),
          context,
        });
      }
    };
    if (fault.kind === 'fis') {
      const experimentArn = arn('fis', `experiment/${SIMULATED_EXPERIMENT_ID}`);
      const requestTag = { [`aws:RequestTag/${EXPERIMENT_TAG}`]: plan.name };
      const resourceTag = { [`aws:ResourceTag/${EXPERIMENT_TAG}`]: plan.name };
      add(
        'StartFault',
        'fis:StartExperiment',
        arn('fis', `experiment-template/${fault.templateId}`),
        requestTag,
      );
      add('StartFault', 'fis:StartExperiment', experimentArn, requestTag);
      add('StartFault', 'fis:TagResource', experimentArn, requestTag);
      add('PollStopConditions', 'fis:GetExperiment', experimentArn, resourceTag);
      if (plan.effect?.kind === 'cpu') {
        add('PollStopConditions', 'fis:ListExperimentResolvedTargets', experimentArn, resourceTag);
        add('PollStopConditions', 'ec2:DescribeInstances', '*');
      }
      add('StopFault', 'fis:StopExperiment', experimentArn, resourceTag);
      add('StopFault', 'fis:GetExperiment', experimentArn, resourceTag);
      add('StopFault', 'fis:ListExperiments', '*');
      if (fisRoleArn && stress)
        sendCommand(`FIS experiment role of ${plan.name}`, fisRoleArn, CPU_STRESS_DOCUMENT);
    } else {
      const startRole = manifest.roles.StartFault;
      add('StartFault', 'ec2:DescribeInstances', '*');
      if (startRole) sendCommand('StartFault', startRole, fault.documentName);
      add('PollStopConditions', 'ssm:ListCommands', '*');
      add('PollStopConditions', 'ssm:ListCommandInvocations', '*');
      if (plan.effect?.kind === 'cpu') add('PollStopConditions', 'ec2:DescribeInstances', '*');
      add('StopFault', 'ssm:CancelCommand', '*');
      add('StopFault', 'ssm:ListCommandInvocations', '*');
    }
  }
  // The same call for several experiments is simulated once.
  const unique = new Map(
    calls.map((c) => [JSON.stringify([c.roleArn, c.action, c.resource, c.context ?? {}]), c]),
  );
  return [...unique.values()];
}

/**
 * Simulates every call a run makes against the deployed roles (`iam:SimulatePrincipalPolicy`, one
 * request per role, resource and context, with `ResourceArns` and `ContextEntries`): a denied call fails
 * here, not in the unattended run. A denial names the role, the action, the resource and IAM's decision
 * (`implicitDeny`, `explicitDeny`); an allowed answer that IAM gave without a context value a policy asks
 * for is a warning, not a pass.
 */
export async function checkIam(calls: readonly RunCall[], deps: PreflightDeps): Promise<PreflightCheck> {
  const id = 'iam';
  const groups = new Map<string, RunCall[]>();
  for (const call of calls) {
    const key = JSON.stringify([call.roleArn, call.resource, call.context ?? {}]);
    groups.set(key, [...(groups.get(key) ?? []), call]);
  }
  const denied: string[] = [];
  const missingContext: string[] = [];
  try {
    for (const group of groups.values()) {
      const first = group[0] as RunCall;
      const answer = await deps.clients.iam.send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: first.roleArn,
          ActionNames: [...new Set(group.map((c) => c.action))],
          ResourceArns: [first.resource],
          ...(first.context
            ? {
                ContextEntries: Object.entries(first.context).map(([ContextKeyName, value]) => ({
                  ContextKeyName,
                  ContextKeyValues: [value],
                  ContextKeyType: 'string' as const,
                })),
              }
            : {}),
        }),
      );
      for (const result of answer.EvaluationResults ?? []) {
        const action = result.EvalActionName ?? '?';
        const perResource = result.ResourceSpecificResults?.length
          ? result.ResourceSpecificResults.map(
              (r) => [r.EvalResourceName ?? first.resource, r.EvalResourceDecision] as const,
            )
          : [[result.EvalResourceName ?? first.resource, result.EvalDecision] as const];
        for (const [resource, decision] of perResource) {
          if (decision !== 'allowed')
            denied.push(`${first.principal} may not ${action} on ${resource} (${decision ?? '?'})`);
        }
        if (result.EvalDecision === 'allowed' && result.MissingContextValues?.length) {
          missingContext.push(
            `${first.principal} ${action} on ${first.resource} (without ${result.MissingContextValues.join(', ')})`,
          );
        }
      }
    }
  } catch (error) {
    return readFailure(id, 'iam:SimulatePrincipalPolicy', error);
  }
  if (denied.length > 0) {
    return {
      id,
      status: 'fail',
      detail: `denied: ${denied.join('; ')}`,
      fix: 'redeploy with `npx cdk deploy` (a role or policy was changed outside CloudFormation, or a permissions boundary/SCP denies it)',
    };
  }
  if (missingContext.length > 0) {
    return {
      id,
      status: 'warn',
      detail: `allowed, but IAM lacked a context value a policy reads: ${missingContext.join('; ')}`,
      fix: 'check the condition keys of the role policies (or report the missing key to chaos-cadence)',
    };
  }
  return {
    id,
    status: 'ok',
    detail: `the deployed roles allow all ${calls.length} call(s) a run makes, on the resources it makes them on (the run lock table is not simulated)`,
  };
}

import { SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { CPU_STRESS_DOCUMENT } from '../shared/cpu-stress';
import { EXPERIMENT_TAG } from '../shared/faults';
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
 * (FIS) what the experiment role does on the instances.
 */
export function runCalls(manifest: PreflightManifest, experiments: readonly ExperimentFacts[]): RunCall[] {
  const { partition, region, account } = manifest;
  const arn = (service: string, resource: string, acct = account): string =>
    `arn:${partition}:${service}:${region}:${acct}:${resource}`;
  const killSwitchArn = arn(
    'ssm',
    `parameter${manifest.killSwitchParameter.startsWith('/') ? '' : '/'}${manifest.killSwitchParameter}`,
  );
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
  if (manifest.changeCalendar !== undefined) {
    const calendar = manifest.changeCalendar.startsWith('arn:')
      ? manifest.changeCalendar
      : arn('ssm', `document/${manifest.changeCalendar}`);
    add('CheckGuardRails', 'ssm:GetCalendarState', calendar);
  }
  add('PollStopConditions', 'ssm:GetParameter', killSwitchArn);
  add('PollStopConditions', 'cloudwatch:DescribeAlarms', '*');
  for (const { plan, instances, fisRoleArn } of experiments) {
    const kinds = new Set(plan.steadyState.map((p) => p.kind));
    if (kinds.has('alarm')) add('CheckSteadyState', 'cloudwatch:DescribeAlarms', '*');
    if (kinds.has('metric')) add('CheckSteadyState', 'cloudwatch:GetMetricData', '*');
    if (kinds.has('asgCapacity')) add('CheckSteadyState', 'autoscaling:DescribeAutoScalingGroups', '*');
    const fault = plan.fault;
    const stress = fault.cpuStress;
    const documentArn = `arn:${partition}:ssm:${region}::document/${fault.kind === 'ssm' ? fault.documentName : CPU_STRESS_DOCUMENT}`;
    const sendCommand = (principal: string, roleArn: string): void => {
      calls.push({ principal, roleArn, action: 'ssm:SendCommand', resource: documentArn });
      if (!stress) return;
      // One simulation per distinct set of target-tag values (normally one for the whole fleet).
      const seen = new Set<string>();
      for (const instance of instances) {
        const context = Object.fromEntries(
          Object.keys(stress.targets.tags).map((k) => [`ssm:resourceTag/${k}`, instance.tags[k] ?? '']),
        );
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
      add('StartFault', 'fis:StartExperiment', arn('fis', `experiment-template/${fault.templateId}`));
      add('StartFault', 'fis:StartExperiment', experimentArn, requestTag);
      add('StartFault', 'fis:TagResource', experimentArn, requestTag);
      add('PollStopConditions', 'fis:GetExperiment', experimentArn, resourceTag);
      add('StopFault', 'fis:StopExperiment', experimentArn, resourceTag);
      add('StopFault', 'fis:ListExperiments', '*');
      if (fisRoleArn && fault.source === 'cpuStress')
        sendCommand(`FIS experiment role of ${plan.name}`, fisRoleArn);
    } else {
      const startRole = manifest.roles.StartFault;
      if (startRole) sendCommand('StartFault', startRole);
      add('PollStopConditions', 'ssm:ListCommands', '*');
      add('PollStopConditions', 'ssm:ListCommandInvocations', '*');
      add('StopFault', 'ssm:CancelCommand', '*');
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
 * request per role, resource and context): a denied call fails here, not in the unattended run.
 */
export async function checkIam(calls: readonly RunCall[], deps: PreflightDeps): Promise<PreflightCheck> {
  const id = 'iam';
  const groups = new Map<string, RunCall[]>();
  for (const call of calls) {
    const key = JSON.stringify([call.roleArn, call.resource, call.context ?? {}]);
    groups.set(key, [...(groups.get(key) ?? []), call]);
  }
  const denied: string[] = [];
  try {
    for (const group of groups.values()) {
      const first = group[0] as RunCall;
      const answer = await deps.clients.iam.send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: first.roleArn,
          ActionNames: group.map((c) => c.action),
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
        if (result.EvalDecision !== 'allowed') {
          denied.push(
            `${first.principal} may not ${result.EvalActionName ?? '?'} on ${first.resource} (${result.EvalDecision ?? '?'})`,
          );
        }
      }
    }
  } catch (error) {
    return readFailure(id, 'iam:SimulatePrincipalPolicy', error);
  }
  if (denied.length === 0) {
    return { id, status: 'ok', detail: `the deployed roles allow all ${calls.length} call(s) a run makes` };
  }
  return {
    id,
    status: 'fail',
    detail: `denied: ${denied.join('; ')}`,
    fix: 'redeploy with `npx cdk deploy` (a role or policy was changed outside CloudFormation, or a permissions boundary/SCP denies it)',
  };
}

import { DescribeAutoScalingGroupsCommand, type AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { paginateDescribeInstances } from '@aws-sdk/client-ec2';
import { GetExperimentTemplateCommand } from '@aws-sdk/client-fis';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { paginateListServiceQuotas, type ServiceQuota } from '@aws-sdk/client-service-quotas';
import {
  DescribeDocumentCommand,
  paginateDescribeInstanceInformation,
  type InstanceInformation,
} from '@aws-sdk/client-ssm';
import { runProbes } from '../check-steady-state/probes';
import { awsErrorName } from '../shared/errors';
import type { CpuStressSpec, ExperimentPlan } from '../shared/types';
import { selectTargets } from '../start-fault/start-fault';
import { readFailure } from './account-checks';
import type { PreflightCheck, PreflightDeps } from './report';

/** An EC2 instance a fault would target. */
export interface TargetInstance {
  readonly id: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** The targets of one experiment, resolved now. */
export interface ResolvedTargets {
  readonly instances: readonly TargetInstance[];
  /** How many the blast radius selects of them. */
  readonly selected: number;
}

/**
 * The Service Quotas quota (service code `fis`) that bounds how many instances one
 * `aws:ssm:send-command` action of a FIS experiment may target: code and name as Service Quotas lists
 * them (the CPU-stress template runs AWSFIS-Run-CPU-Stress through that action).
 */
export const FIS_SEND_COMMAND_TARGET_QUOTA = {
  code: 'L-D0A62255',
  name: 'Target Instances for aws:ssm:send-command',
} as const;
/** The CloudWatch metric the dashboard charts for in-service capacity (needs group metrics collection). */
export const IN_SERVICE_METRIC = 'GroupInServiceInstances';

/** Running instances with every target tag: the count against the blast radius. */
export async function checkTargets(
  plan: ExperimentPlan,
  stress: CpuStressSpec,
  deps: PreflightDeps,
): Promise<{ check: PreflightCheck; targets?: ResolvedTargets }> {
  const id = `targets:${plan.name}`;
  const instances: TargetInstance[] = [];
  try {
    const pages = paginateDescribeInstances(
      { client: deps.runtime.clients.ec2 },
      {
        Filters: [
          ...Object.entries(stress.targets.tags).map(([k, v]) => ({ Name: `tag:${k}`, Values: [v] })),
          { Name: 'instance-state-name', Values: ['running'] },
        ],
      },
    );
    for await (const page of pages) {
      for (const instance of (page.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
        if (!instance.InstanceId) continue;
        instances.push({
          id: instance.InstanceId,
          tags: Object.fromEntries((instance.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
        });
      }
    }
  } catch (error) {
    return { check: readFailure(id, 'ec2:DescribeInstances', error) };
  }
  const tags = Object.entries(stress.targets.tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const selection = stress.targets.selection;
  const selected = selectTargets(
    instances.map((i) => i.id),
    selection,
    () => 0,
  ).length;
  const wanted = /^COUNT\((\d+)\)$/.exec(selection);
  const targets = { instances, selected };
  if (instances.length === 0) {
    return {
      check: {
        id,
        status: 'fail',
        detail: `no running instance is tagged ${tags}: the fault has no target`,
        fix: 'tag the instances under test, or correct fault.cpuStress.targets.tags',
      },
      targets,
    };
  }
  if (wanted && Number(wanted[1]) > instances.length) {
    return {
      check: {
        id,
        status: 'warn',
        detail: `${instances.length} running instance(s) tagged ${tags}, fewer than ${selection}: all ${instances.length} would be stressed`,
        fix: 'check the fleet size, or lower the COUNT',
      },
      targets,
    };
  }
  return {
    check: {
      id,
      status: 'ok',
      detail: `${instances.length} running instance(s) tagged ${tags}; blast radius ${selection} selects ${selected}`,
    },
    targets,
  };
}

/** Every target is managed by SSM, Online and Linux (the stress document runs on Linux only). */
export async function checkAgents(
  plan: ExperimentPlan,
  targets: ResolvedTargets,
  deps: PreflightDeps,
): Promise<PreflightCheck> {
  const id = `agents:${plan.name}`;
  const ids = targets.instances.map((i) => i.id);
  const info = new Map<string, InstanceInformation>();
  try {
    for (let start = 0; start < ids.length; start += 50) {
      const pages = paginateDescribeInstanceInformation(
        { client: deps.runtime.clients.ssm },
        { Filters: [{ Key: 'InstanceIds', Values: ids.slice(start, start + 50) }] },
      );
      for await (const page of pages) {
        for (const item of page.InstanceInformationList ?? []) {
          if (item.InstanceId) info.set(item.InstanceId, item);
        }
      }
    }
  } catch (error) {
    return readFailure(id, 'ssm:DescribeInstanceInformation', error);
  }
  const problems = ids.flatMap((instanceId) => {
    const item = info.get(instanceId);
    if (!item) return [`${instanceId} is not managed by SSM`];
    const found: string[] = [];
    if (item.PingStatus !== 'Online')
      found.push(`${instanceId} agent is ${item.PingStatus ?? 'not reporting'}`);
    if (item.PlatformType !== 'Linux')
      found.push(`${instanceId} runs ${item.PlatformType ?? 'an unknown platform'}`);
    return found;
  });
  if (problems.length === 0) {
    return { id, status: 'ok', detail: `all ${ids.length} target(s) are SSM-managed, Online and Linux` };
  }
  return {
    id,
    status: 'fail',
    detail: `${problems.join('; ')}: the stress command would not run there`,
    fix: 'start the SSM Agent and attach an instance profile with AmazonSSMManagedInstanceCore; AWSFIS-Run-CPU-Stress runs on Linux only',
  };
}

/** The stress document exists in the region. */
export async function checkDocument(documentName: string, deps: PreflightDeps): Promise<PreflightCheck> {
  const id = 'document';
  try {
    const answer = await deps.runtime.clients.ssm.send(new DescribeDocumentCommand({ Name: documentName }));
    const status = answer.Document?.Status ?? 'Active';
    return status === 'Active'
      ? { id, status: 'ok', detail: `SSM document ${documentName} exists` }
      : {
          id,
          status: 'fail',
          detail: `SSM document ${documentName} is ${status}`,
          fix: 'wait for it to become Active, or check the region',
        };
  } catch (error) {
    if (awsErrorName(error) === 'InvalidDocument') {
      return {
        id,
        status: 'fail',
        detail: `SSM document ${documentName} does not exist in this region`,
        fix: 'use a region where AWS FIS publishes it, or via: fis',
      };
    }
    return readFailure(id, 'ssm:DescribeDocument', error);
  }
}

/** The FIS template and the role FIS assumes exist; returns the role ARN for the IAM check. */
export async function checkFisTemplate(
  plan: ExperimentPlan,
  templateId: string,
  deps: PreflightDeps,
): Promise<{ check: PreflightCheck; roleArn?: string }> {
  const id = `fisTemplate:${plan.name}`;
  let roleArn: string | undefined;
  try {
    const answer = await deps.runtime.clients.fis.send(new GetExperimentTemplateCommand({ id: templateId }));
    roleArn = answer.experimentTemplate?.roleArn;
  } catch (error) {
    if (awsErrorName(error) === 'ResourceNotFoundException') {
      return {
        check: {
          id,
          status: 'fail',
          detail: `FIS experiment template ${templateId} does not exist`,
          fix: 'deploy with `npx cdk deploy` (or correct fault.fisTemplateId)',
        },
      };
    }
    return { check: readFailure(id, 'fis:GetExperimentTemplate', error) };
  }
  if (!roleArn) {
    return {
      check: {
        id,
        status: 'fail',
        detail: `FIS experiment template ${templateId} has no role`,
        fix: 'redeploy',
      },
    };
  }
  const roleName = roleArn.split('/').pop() ?? roleArn;
  try {
    await deps.clients.iam.send(new GetRoleCommand({ RoleName: roleName }));
  } catch (error) {
    if (awsErrorName(error) === 'NoSuchEntityException' || awsErrorName(error) === 'NoSuchEntity') {
      return {
        check: {
          id,
          status: 'fail',
          detail: `FIS experiment template ${templateId} exists but its role ${roleName} does not: FIS cannot act`,
          fix: 'redeploy with `npx cdk deploy` (or recreate the role of fisTemplate.roleArn)',
        },
      };
    }
    return { check: readFailure(id, 'iam:GetRole', error) };
  }
  return {
    check: {
      id,
      status: 'ok',
      detail: `FIS experiment template ${templateId} and its role ${roleName} exist`,
    },
    roleArn,
  };
}

/** FIS's quota "Target Instances for aws:ssm:send-command" (L-D0A62255) allows the selected targets. */
export async function checkFisQuota(
  plan: ExperimentPlan,
  targets: ResolvedTargets,
  quotas: () => Promise<ServiceQuota[]>,
): Promise<PreflightCheck> {
  const id = `fisQuota:${plan.name}`;
  let all: ServiceQuota[];
  try {
    all = await quotas();
  } catch (error) {
    return readFailure(id, 'servicequotas:ListServiceQuotas', error);
  }
  const { code, name } = FIS_SEND_COMMAND_TARGET_QUOTA;
  const quota = all.find((q) => q.QuotaCode === code);
  if (!quota || quota.Value === undefined) {
    return {
      id,
      status: 'warn',
      detail: `Service Quotas listed no value of the FIS quota "${name}" (${code}); ${targets.selected} target(s) not checked against it`,
      fix: `read it with \`aws service-quotas get-service-quota --service-code fis --quota-code ${code}\` (or get-aws-default-service-quota)`,
    };
  }
  return targets.selected <= quota.Value
    ? {
        id,
        status: 'ok',
        detail: `${targets.selected} target(s) within the FIS quota "${quota.QuotaName}" (${quota.Value})`,
      }
    : {
        id,
        status: 'fail',
        detail: `${targets.selected} target(s) exceed the FIS quota "${quota.QuotaName}" (${quota.Value}): FIS refuses the experiment`,
        fix: `request an increase of ${code} in Service Quotas, or narrow the blast radius`,
      };
}

/** Reads FIS's quotas once per preflight. */
export function fisQuotaReader(deps: PreflightDeps): () => Promise<ServiceQuota[]> {
  let cached: Promise<ServiceQuota[]> | undefined;
  const read = async (): Promise<ServiceQuota[]> => {
    const quotas: ServiceQuota[] = [];
    const pages = paginateListServiceQuotas({ client: deps.clients.serviceQuotas }, { ServiceCode: 'fis' });
    for await (const page of pages) quotas.push(...(page.Quotas ?? []));
    return quotas;
  };
  return () => (cached ??= read());
}

/** Every stop-condition alarm exists and is not in ALARM. */
export async function checkStopConditions(
  plan: ExperimentPlan,
  deps: PreflightDeps,
): Promise<PreflightCheck> {
  const id = `stopConditions:${plan.name}`;
  const names = plan.stopConditions.map((s) => s.alarmName);
  let states: Map<string, string>;
  try {
    const answer = await deps.runtime.clients.cloudWatch.send(
      new DescribeAlarmsCommand({ AlarmNames: names, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }),
    );
    states = new Map(
      [...(answer.MetricAlarms ?? []), ...(answer.CompositeAlarms ?? [])].map((a) => [
        a.AlarmName ?? '',
        a.StateValue ?? 'UNKNOWN',
      ]),
    );
  } catch (error) {
    return readFailure(id, 'cloudwatch:DescribeAlarms', error);
  }
  const missing = names.filter((n) => !states.has(n));
  const firing = names.filter((n) => states.get(n) === 'ALARM');
  const noData = names.filter((n) => states.get(n) === 'INSUFFICIENT_DATA');
  if (missing.length > 0) {
    return {
      id,
      status: 'fail',
      detail: `stop-condition alarm(s) missing: ${missing.join(', ')}: nothing would abort the fault on them`,
      fix: 'create the alarms, or correct stopConditions',
    };
  }
  if (firing.length > 0) {
    return {
      id,
      status: 'fail',
      detail: `stop-condition alarm(s) in ALARM now: ${firing.join(', ')}: the fault would be stopped at once`,
      fix: 'fix what the alarm reports before the run',
    };
  }
  if (noData.length > 0) {
    return {
      id,
      status: 'warn',
      detail: `stop-condition alarm(s) with INSUFFICIENT_DATA: ${noData.join(', ')}: they may not fire when they should`,
      fix: 'check that the alarm metric is published',
    };
  }
  return {
    id,
    status: 'ok',
    detail: `stop-condition alarm(s) exist and are not in ALARM: ${names.join(', ')}`,
  };
}

/** Each steady-state probe answers now and holds. */
export async function checkProbes(plan: ExperimentPlan, deps: PreflightDeps): Promise<PreflightCheck> {
  const id = `probes:${plan.name}`;
  let results;
  try {
    results = await runProbes(plan.steadyState, deps.runtime);
  } catch (error) {
    return readFailure(id, 'steady-state probes', error);
  }
  const bad = results.filter((r) => !r.ok);
  if (bad.length === 0) {
    return { id, status: 'ok', detail: `${results.length} steady-state probe(s) answer and hold now` };
  }
  return {
    id,
    status: 'fail',
    detail: `not steady now: ${bad.map((r) => `${r.id}: expected ${r.expected}, observed ${r.observed}${r.error ? ` (${r.error})` : ''}`).join('; ')}; a run now would be skipped`,
    fix: 'restore the steady state (or correct the probe) before the run',
  };
}

/** Group metrics collection is on for the groups whose capacity the dashboard charts. */
export async function checkAsgMetrics(
  groupNames: readonly string[],
  deps: PreflightDeps,
): Promise<PreflightCheck[]> {
  if (groupNames.length === 0) return [];
  let groups: AutoScalingGroup[];
  try {
    ({ AutoScalingGroups: groups = [] } = await deps.runtime.clients.autoScaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [...groupNames] }),
    ));
  } catch (error) {
    return [readFailure('asgMetrics', 'autoscaling:DescribeAutoScalingGroups', error)];
  }
  return groupNames.map((name) => {
    const id = `asgMetrics:${name}`;
    const group = groups.find((g) => g.AutoScalingGroupName === name);
    if (!group) {
      return {
        id,
        status: 'fail',
        detail: `Auto Scaling group ${name} does not exist`,
        fix: 'correct the asgCapacity probe',
      };
    }
    const enabled = (group.EnabledMetrics ?? []).some((m) => m.Metric === IN_SERVICE_METRIC);
    return enabled
      ? { id, status: 'ok', detail: `${name} publishes ${IN_SERVICE_METRIC} (the dashboard charts it)` }
      : {
          id,
          status: 'warn',
          detail: `${name} does not publish group metrics: the dashboard's capacity chart and the card's capacity figures stay empty`,
          fix: `aws autoscaling enable-metrics-collection --auto-scaling-group-name ${name} --granularity 1Minute`,
        };
  });
}

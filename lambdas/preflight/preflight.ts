import { CPU_STRESS_DOCUMENT } from '../shared/cpu-stress';
import { asgNamesInPlans } from '../shared/plans';
import type { ExperimentPlan } from '../shared/types';
import {
  checkGroup,
  checkKillSwitch,
  checkSafetyLever,
  checkStack,
  checkSubscriptions,
  nextRunOf,
} from './account-checks';
import {
  checkAgents,
  checkAsgMetrics,
  checkDocument,
  checkFisQuota,
  checkFisTemplate,
  checkProbes,
  checkStopConditions,
  checkTargets,
  fisQuotaReader,
} from './experiment-checks';
import { checkIam, runCalls, type ExperimentFacts } from './iam-check';
import type { PreflightManifest } from './manifest';
import {
  summarize,
  type PreflightCheck,
  type PreflightDeps,
  type PreflightReport,
  type UpcomingRun,
} from './report';

/** Which part of the deployment to check. */
export interface PreflightScope {
  /** Experiment names; empty = every experiment of the checked groups. */
  readonly experiments?: readonly string[];
  /** Cadence groups; empty = every group. */
  readonly groups?: readonly string[];
}

/** An experiment was asked for that the manifest does not have. */
export class UnknownPreflightExperimentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownPreflightExperimentError';
  }
}

/**
 * Checks, with read-only calls, everything an unattended run depends on: the stack (CLI), each
 * schedule and its next run (allowed hours, change calendar at that time), the kill switch, FIS's
 * safety lever, each experiment's targets (count against the blast radius, SSM agents), the stress
 * document, FIS template, role and quota, stop-condition alarms, probes, Auto Scaling group metrics,
 * email subscriptions, and the deployed roles' permissions for the calls a run makes. Every check
 * reports ok, warn or fail; a read that fails is a failed check, never a pass.
 * @throws UnknownPreflightExperimentError when `scope.experiments` names an experiment not in the manifest
 */
export async function preflight(
  manifest: PreflightManifest,
  deps: PreflightDeps,
  scope: PreflightScope = {},
): Promise<PreflightReport> {
  const now = deps.runtime.now();
  const wanted = scope.experiments ?? [];
  const unknown = wanted.filter((n) => !manifest.plans.some((p) => p.name === n));
  if (unknown.length > 0) {
    throw new UnknownPreflightExperimentError(
      `unknown experiment(s) ${unknown.join(', ')}; deployed: ${manifest.plans.map((p) => p.name).join(', ')}`,
    );
  }
  const groups = manifest.groups.filter(
    (g) =>
      (!scope.groups?.length || scope.groups.includes(g.group)) &&
      (wanted.length === 0 || g.experiments.some((e) => wanted.includes(e))),
  );
  const plans: ExperimentPlan[] = manifest.plans.filter((p) =>
    wanted.length > 0 ? wanted.includes(p.name) : groups.some((g) => g.experiments.includes(p.name)),
  );
  const nextRuns: UpcomingRun[] = groups.flatMap((g) => {
    const at = nextRunOf(g, now);
    return at
      ? [
          {
            group: g.group,
            at: at.toISOString(),
            timeZone: g.timeZone,
            experiments: g.experiments.filter((e) => plans.some((p) => p.name === e)),
          },
        ]
      : [];
  });

  const scoped: PreflightManifest = { ...manifest, plans };
  const checks: PreflightCheck[] = [...(await checkStack(manifest, deps))];
  for (const group of groups) {
    const at = nextRuns.find((r) => r.group === group.group)?.at;
    checks.push(...(await checkGroup(group, manifest, deps, at ? new Date(at) : undefined)));
  }
  checks.push(await checkKillSwitch(manifest, deps));
  checks.push(...(await checkSafetyLever(scoped, deps)));

  if (plans.some((p) => p.fault.cpuStress)) {
    const document = plans.find((p) => p.fault.kind === 'ssm')?.fault;
    checks.push(
      await checkDocument(document?.kind === 'ssm' ? document.documentName : CPU_STRESS_DOCUMENT, deps),
    );
  }
  const quotas = fisQuotaReader(deps);
  const facts: ExperimentFacts[] = [];
  for (const plan of plans) {
    let instances: ExperimentFacts['instances'] = [];
    let fisRoleArn: string | undefined;
    const stress = plan.fault.cpuStress;
    if (plan.fault.kind === 'fis') {
      const template = await checkFisTemplate(plan, plan.fault.templateId, deps);
      checks.push(template.check);
      fisRoleArn = template.roleArn;
    }
    if (stress) {
      const { check, targets } = await checkTargets(plan, stress, deps);
      checks.push(check);
      if (targets && targets.instances.length > 0) {
        instances = targets.instances;
        checks.push(await checkAgents(plan, targets, deps));
        if (plan.fault.kind === 'fis') checks.push(await checkFisQuota(plan, targets, quotas));
      }
    }
    checks.push(await checkStopConditions(plan, deps));
    checks.push(await checkProbes(plan, deps));
    facts.push({ plan, instances, ...(fisRoleArn ? { fisRoleArn } : {}) });
  }
  checks.push(...(await checkAsgMetrics(asgNamesInPlans(plans), deps)));
  checks.push(await checkSubscriptions(manifest, deps));
  checks.push(await checkIam(runCalls(scoped, facts), deps));
  return summarize(deps.runtime.now(), checks, nextRuns);
}

import type { ExperimentPlan } from './types';

/**
 * Every Auto Scaling group named in the plans' asgCapacity probes (steady state and recovery): the
 * groups whose in-service capacity the dashboard charts (and the preflight checks metrics collection of).
 */
export function asgNamesInPlans(plans: readonly ExperimentPlan[]): string[] {
  const names = plans.flatMap((plan) =>
    [...plan.steadyState, ...plan.recovery.expect].flatMap((probe) =>
      probe.kind === 'asgCapacity' ? [probe.groupName] : [],
    ),
  );
  return [...new Set(names)];
}

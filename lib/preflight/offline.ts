import type { PreflightManifest } from '../../lambdas/preflight/manifest';
import { WORKFLOW_ROLE_KEYS } from '../../lambdas/preflight/manifest';
import { preflight, type PreflightScope } from '../../lambdas/preflight/preflight';
import type { PreflightDeps, PreflightReport } from '../../lambdas/preflight/report';
import { namedCadences } from '../cadence/config-rules';
import type { LoadedConfig } from '../config/load';
import { rehearsalSettings, rehearsalTemplateId } from '../rehearsal/engine';
import type { Scenario } from '../rehearsal/scenario';
import { createSimulatedAccount, type SimulatedAccount } from '../rehearsal/simulated-account';
import { buildPreflightManifest } from './manifest';

/** What an offline preflight produced. */
export interface OfflinePreflight {
  readonly report: PreflightReport;
  readonly manifest: PreflightManifest;
  /** The simulated account, with every call the preflight made. */
  readonly account: SimulatedAccount;
}

/** The names a rehearsal deployment has (the same placeholders `rehearse` uses). */
export function offlineManifest(loaded: LoadedConfig): PreflightManifest {
  const settings = rehearsalSettings(loaded);
  const { account, region, partition, stackName } = settings;
  return buildPreflightManifest(loaded, {
    stackName,
    region,
    account,
    partition,
    killSwitchParameter: settings.killSwitchParameter,
    topicArn: settings.topicArn,
    scheduleNames: Object.fromEntries(
      namedCadences(loaded.config).map(({ group }) => [group, `${stackName}-${group}`]),
    ),
    roles: Object.fromEntries(
      WORKFLOW_ROLE_KEYS.map((key) => [key, `arn:${partition}:iam::${account}:role/${stackName}-${key}`]),
    ),
    templateId: (experiment) => experiment.fault.fisTemplateId ?? rehearsalTemplateId(experiment.name),
  });
}

/**
 * The preflight's dependencies answered by a scenario's simulated account at the scenario's `now`
 * (call `account.restore()` when done).
 */
export function offlineDeps(
  loaded: LoadedConfig,
  scenario: Scenario,
  manifest: PreflightManifest = offlineManifest(loaded),
): { deps: PreflightDeps; account: SimulatedAccount } {
  const settings = rehearsalSettings(loaded);
  const nowMs = scenario.now.getTime();
  const account = createSimulatedAccount(
    scenario,
    { nowMs: () => nowMs, trackIo: (work) => work },
    {
      settings,
      fisTemplates: Object.fromEntries(
        manifest.plans.flatMap((plan) =>
          plan.fault.kind === 'fis'
            ? [
                [
                  plan.fault.templateId,
                  {
                    durationSeconds: plan.fault.durationSeconds,
                    ...(plan.fault.cpuStress ? { targetTags: plan.fault.cpuStress.targets.tags } : {}),
                    description: plan.fault.scope,
                  },
                ],
              ]
            : [],
        ),
      ),
      schedules: Object.fromEntries(
        manifest.groups.map((g) => [
          g.scheduleName,
          { group: g.group, expression: g.expression, timeZone: g.timeZone },
        ]),
      ),
    },
  );
  const deps: PreflightDeps = {
    runtime: { clients: account.clients, settings, now: () => new Date(nowMs), fetch: account.fetch },
    clients: account.preflightClients,
    deployedConfigHash: () => Promise.resolve(scenario.preflight.deployedConfigHash ?? loaded.hash),
  };
  return { deps, account };
}

/**
 * Runs the preflight against a scenario's simulated account, at the scenario's `now`: the same
 * checks and the same core as against AWS (`chaos-cadence preflight --scenario F`).
 */
export async function preflightOffline(
  loaded: LoadedConfig,
  scenario: Scenario,
  scope: PreflightScope = {},
): Promise<OfflinePreflight> {
  const manifest = offlineManifest(loaded);
  const { deps, account } = offlineDeps(loaded, scenario, manifest);
  try {
    return { report: await preflight(manifest, deps, scope), manifest, account };
  } finally {
    account.restore();
  }
}

import type { PreflightManifest, WorkflowRoleKey } from '../../lambdas/preflight/manifest';
import { namedCadences } from '../cadence/config-rules';
import type { LoadedConfig } from '../config/load';
import { buildRunConfig, experimentsInGroup, type BuildPlansOptions } from '../config/plan';

/** Where the deployment put things: CDK tokens at synth, stack outputs in the CLI, placeholders offline. */
export interface DeployedNames {
  readonly stackName: string;
  readonly region: string;
  readonly account: string;
  readonly partition: string;
  readonly killSwitchParameter: string;
  readonly topicArn: string;
  /** Schedule name by cadence group. */
  readonly scheduleNames: Readonly<Record<string, string>>;
  readonly roles: Readonly<Partial<Record<WorkflowRoleKey, string>>>;
  /** How each FIS-backed experiment's template id is found. */
  readonly templateId: NonNullable<BuildPlansOptions['templateId']>;
  /** Longest action of imported templates, by experiment (as the stack computed it). */
  readonly templateDurations?: BuildPlansOptions['templateDurations'];
}

/**
 * The preflight manifest of a config deployed under `names`: the one description of "what the next
 * runs depend on" that the heads-up function (baked into its schedule's input) and the CLI share.
 * Groups without enabled experiments are left out (they deploy no schedule).
 */
export function buildPreflightManifest(loaded: LoadedConfig, names: DeployedNames): PreflightManifest {
  const { config } = loaded;
  const runConfig = buildRunConfig(config, loaded.hash, {
    templateId: names.templateId,
    ...(names.templateDurations ? { templateDurations: names.templateDurations } : {}),
  });
  const groups = namedCadences(config).flatMap(({ group, cadence }) => {
    const experiments = experimentsInGroup(config, group);
    const scheduleName = names.scheduleNames[group];
    if (experiments.length === 0 || scheduleName === undefined) return [];
    return [
      {
        group,
        expression: cadence.expression,
        timeZone: cadence.timeZone,
        headsUp: cadence.headsUp,
        scheduleName,
        experiments,
      },
    ];
  });
  return {
    stackName: names.stackName,
    region: names.region,
    account: names.account,
    partition: names.partition,
    configHash: loaded.hash,
    killSwitchParameter: names.killSwitchParameter,
    ...(config.guardRails.changeCalendar !== undefined
      ? { changeCalendar: config.guardRails.changeCalendar }
      : {}),
    allowedHours: {
      days: [...config.guardRails.allowedHours.days],
      start: config.guardRails.allowedHours.start,
      end: config.guardRails.allowedHours.end,
    },
    timeZone: config.cadence.timeZone,
    topicArn: names.topicArn,
    emails: [...config.notifications.emails],
    groups,
    plans: groups
      .flatMap((g) => g.experiments)
      .flatMap((name) => {
        const plan = runConfig.plans[name];
        return plan ? [plan] : [];
      }),
    roles: names.roles,
  };
}

import type {
  CpuStressSpec,
  EffectSpec,
  FaultKind,
  ExperimentPlan,
  FaultPlan,
  ProbeSpec,
  RunConfig,
} from '../../lambdas/shared/types';
import { CPU_STRESS_DOCUMENT } from '../../lambdas/shared/cpu-stress';
import { durationSeconds } from './duration';
import {
  defaultMinCpuPercent,
  type Config,
  type CpuStressConfig,
  type ExperimentConfig,
  type ProbeConfig,
} from './schema';

export { CPU_STRESS_DOCUMENT } from '../../lambdas/shared/cpu-stress';

/**
 * Extra time a fault may take beyond its duration before the workflow calls it "time over":
 * FIS and SSM need a little to start the command on every instance.
 */
export const FAULT_START_MARGIN_SECONDS = 120;

/** How the FIS template id of each experiment is found at deploy time (a `${...}` substitution). */
export type TemplateIdResolver = (experiment: ExperimentConfig) => string;

/** The substitution key that carries an experiment's FIS template id into the ASL definition. */
export function templateIdSubstitutionKey(experimentName: string): string {
  return `FisTemplateId_${experimentName.replace(/[^A-Za-z0-9]/g, '_')}`;
}

/** The default resolver: a `${FisTemplateId_<name>}` placeholder, or the configured existing id. */
export const placeholderTemplateId: TemplateIdResolver = (experiment) =>
  experiment.fault.fisTemplateId ?? `\${${templateIdSubstitutionKey(experiment.name)}}`;

/** Seconds of an ISO duration that the schema has already validated. */
function seconds(text: string): number {
  const value = durationSeconds(text);
  if (value === undefined) throw new Error(`internal: unvalidated duration "${text}"`);
  return value;
}

/** The probe's `during` and `stopAfter`, in runtime form (absent when default). */
function probeOptions(options: { during?: boolean; stopAfter?: string }): {
  during?: boolean;
  stopAfterSeconds?: number;
} {
  return {
    ...(options.during === false ? { during: false } : {}),
    ...(options.stopAfter !== undefined ? { stopAfterSeconds: seconds(options.stopAfter) } : {}),
  };
}

/** Normalizes one probe from config into the runtime spec. */
export function toProbeSpec(probe: ProbeConfig): ProbeSpec {
  return { ...probeKind(probe), ...probeOptions(probeOptionsOf(probe)) };
}

function probeOptionsOf(probe: ProbeConfig): { during?: boolean; stopAfter?: string } {
  if ('alarm' in probe) return probe.alarm;
  if ('http' in probe) return probe.http;
  if ('asgCapacity' in probe) return probe.asgCapacity;
  return probe.metric;
}

/** The effect verification of an experiment: configured, or derived from `loadPercent`. */
export function toEffectSpec(experiment: ExperimentConfig): EffectSpec | undefined {
  const { effect, fault } = experiment;
  if (fault.cpuStress) {
    return effect?.minCpuPercent !== undefined
      ? { kind: 'cpu', minCpuPercent: effect.minCpuPercent, derived: false }
      : { kind: 'cpu', minCpuPercent: defaultMinCpuPercent(fault.cpuStress.loadPercent), derived: true };
  }
  if (!effect?.metric) return undefined;
  const m = effect.metric;
  return {
    kind: 'metric',
    namespace: m.namespace,
    metricName: m.name,
    dimensions: m.dimensions,
    statistic: m.statistic,
    periodSeconds: seconds(m.period),
    ...(effect.min !== undefined ? { min: effect.min } : {}),
    ...(effect.max !== undefined ? { max: effect.max } : {}),
  };
}

function probeKind(probe: ProbeConfig): ProbeSpec {
  if ('alarm' in probe) {
    return {
      kind: 'alarm',
      id: `alarm:${probe.alarm.name}`,
      alarmName: probe.alarm.name,
      allowInsufficientData: probe.alarm.allowInsufficientData,
    };
  }
  if ('http' in probe) {
    const h = probe.http;
    return {
      kind: 'http',
      id: `http:${h.method} ${h.url}`,
      url: h.url,
      method: h.method,
      expectedStatus: h.status,
      timeoutSeconds: seconds(h.timeout),
      ...(h.bodyMatch !== undefined ? { bodyMatch: h.bodyMatch } : {}),
    };
  }
  if ('asgCapacity' in probe) {
    return {
      kind: 'asgCapacity',
      id: `asgCapacity:${probe.asgCapacity.name}`,
      groupName: probe.asgCapacity.name,
      minInService: probe.asgCapacity.minInService,
    };
  }
  const m = probe.metric;
  return {
    kind: 'metric',
    id: `metric:${m.namespace}/${m.name}`,
    namespace: m.namespace,
    metricName: m.name,
    dimensions: m.dimensions,
    statistic: m.statistic,
    periodSeconds: seconds(m.period),
    windowSeconds: seconds(m.window),
    ...(m.min !== undefined ? { min: m.min } : {}),
    ...(m.max !== undefined ? { max: m.max } : {}),
  };
}

/** The stress parameters in runtime form. */
export function toCpuStressSpec(stress: CpuStressConfig): CpuStressSpec {
  return {
    loadPercent: stress.loadPercent,
    cores: stress.cores,
    durationSeconds: seconds(stress.duration),
    installDependencies: stress.installDependencies,
    targets: { tags: stress.targets.tags, selection: stress.targets.selection },
  };
}

/** Describes the blast radius for people: `ALL instances tagged app=sock-shop, chaos-ready=true`. */
export function describeTargets(spec: CpuStressSpec): string {
  const tags = Object.entries(spec.targets.tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const selection = spec.targets.selection;
  const count = selection === 'ALL' ? 'all running instances' : `${selection} of the running instances`;
  return `${count} tagged ${tags}`;
}

/** One line for the card's "scope of failure". */
export function describeCpuStress(spec: CpuStressSpec, via: FaultKind): string {
  const cores = spec.cores === 0 ? 'all cores' : `${spec.cores} core${spec.cores === 1 ? '' : 's'}`;
  return `CPU stress at ${spec.loadPercent} % on ${cores} of ${describeTargets(spec)}, for ${spec.durationSeconds} s (via ${via === 'fis' ? 'AWS FIS' : 'SSM Run Command'})`;
}

function faultPlan(
  experiment: ExperimentConfig,
  config: Config,
  templateId: TemplateIdResolver,
  templateDurationSeconds?: number,
): FaultPlan {
  const { fault } = experiment;
  if (fault.cpuStress) {
    const spec = toCpuStressSpec(fault.cpuStress);
    const common = {
      durationSeconds: spec.durationSeconds,
      maxRunSeconds: spec.durationSeconds + FAULT_START_MARGIN_SECONDS,
      scope: describeCpuStress(spec, fault.cpuStress.via),
      cpuStress: spec,
    };
    if (fault.cpuStress.via === 'ssm') {
      return { kind: 'ssm', source: 'cpuStress', documentName: CPU_STRESS_DOCUMENT, ...common };
    }
    return { kind: 'fis', source: 'cpuStress', templateId: templateId(experiment), ...common };
  }
  const duration =
    fault.duration !== undefined
      ? seconds(fault.duration)
      : (templateDurationSeconds ?? seconds(config.maxFaultDuration));
  const source = fault.fisTemplate ? 'fisTemplate' : 'fisTemplateId';
  return {
    kind: 'fis',
    source,
    templateId: templateId(experiment),
    durationSeconds: duration,
    maxRunSeconds: duration + FAULT_START_MARGIN_SECONDS,
    scope: fault.fisTemplate
      ? `FIS experiment template imported from ${fault.fisTemplate.file}`
      : `existing FIS experiment template ${fault.fisTemplateId}`,
  };
}

/** Options for {@link buildPlans}. */
export interface BuildPlansOptions {
  /** Resolves each FIS-backed experiment's template id. @default `${FisTemplateId_<name>}` placeholders */
  readonly templateId?: TemplateIdResolver;
  /** Longest action duration of an imported template, by experiment name (seconds). */
  readonly templateDurations?: Readonly<Record<string, number>>;
}

/** Turns one experiment of a validated config into the plan the workflow runs. */
export function buildPlan(
  experiment: ExperimentConfig,
  config: Config,
  options: BuildPlansOptions = {},
): ExperimentPlan {
  const effect = toEffectSpec(experiment);
  return {
    name: experiment.name,
    application: experiment.application,
    ...(experiment.description !== undefined ? { description: experiment.description } : {}),
    hypothesis: experiment.hypothesis,
    expectedImpact: experiment.expectedImpact,
    steadyState: experiment.steadyState.map(toProbeSpec),
    fault: faultPlan(
      experiment,
      config,
      options.templateId ?? placeholderTemplateId,
      options.templateDurations?.[experiment.name],
    ),
    ...(effect !== undefined ? { effect } : {}),
    stopConditions: experiment.stopConditions.map((s) => ({ alarmName: s.alarm })),
    recovery: {
      windowSeconds: seconds(experiment.recovery.window),
      intervalSeconds: seconds(experiment.recovery.interval),
      expect: experiment.recovery.expect.map((probe) => {
        const spec = toProbeSpec(probe);
        // Distinct from a steady-state probe on the same resource (e.g. the ASG with a higher minimum).
        return { ...spec, id: `recovery:${spec.id}` };
      }),
    },
    pollIntervalSeconds: seconds(config.pollInterval),
  };
}

/** Builds the `RunConfig` baked into the state machine: every experiment's plan, by name. */
export function buildRunConfig(
  config: Config,
  configHash: string,
  options: BuildPlansOptions = {},
): RunConfig {
  const plans: Record<string, ExperimentPlan> = {};
  for (const experiment of config.experiments)
    plans[experiment.name] = buildPlan(experiment, config, options);
  return { configHash, plans };
}

/** Names of the experiments a cadence group runs (enabled ones only). */
export function experimentsInGroup(config: Config, group: string): string[] {
  return config.experiments.filter((e) => e.enabled && (e.cadence ?? 'default') === group).map((e) => e.name);
}

import { cadenceWarnings, namedCadences } from '../../cadence/config-rules';
import { formatRun, nextRuns } from '../../cadence/next-runs';
import { loadConfig } from '../../config/load';
import { buildPlan, experimentsInGroup } from '../../config/plan';
import type { CliContext } from '../context';
import { ExitCode, type ExitCodeValue } from '../errors';
import { formatSeconds, paint, println } from '../io';

/** Options of `chaos-cadence validate`. */
export interface ValidateOptions {
  /** The config file. @default CHAOS_CADENCE_CONFIG, then chaos-cadence.config.yaml|yml|json in the cwd */
  readonly config?: string;
  /** How many upcoming runs to list per cadence group. @default 6 */
  readonly runs?: number;
}

/**
 * `chaos-cadence validate`: checks the config offline. On problems it throws the ConfigError (printed as
 * its problem list, exit 2); otherwise prints each experiment (application, fault scope, stop conditions,
 * steady-state probes), the next runs of each cadence group in its time zone, and warnings.
 * @returns 0 when the config is valid (warnings do not fail it)
 */
export function validateCommand(options: ValidateOptions, context: CliContext): ExitCodeValue {
  const { io } = context;
  const loaded = loadConfig({
    ...(options.config !== undefined ? { path: options.config } : {}),
    env: context.env,
    cwd: context.cwd,
  });
  const { config } = loaded;
  const count = config.experiments.length;
  println(
    io,
    `${paint(io, 'green', 'Config OK')}: ${loaded.file} (${count} experiment${count === 1 ? '' : 's'})`,
  );

  for (const experiment of config.experiments) {
    const plan = buildPlan(experiment, config);
    println(io);
    const flags = [
      `application ${plan.application}`,
      `cadence ${experiment.cadence ?? 'default'}`,
      ...(experiment.enabled ? [] : ['DISABLED: deployed, never scheduled']),
    ];
    println(io, `${paint(io, 'bold', plan.name)} (${flags.join(', ')})`);
    println(io, `  hypothesis:      ${plan.hypothesis} (expected impact: ${plan.expectedImpact})`);
    println(io, `  fault:           ${plan.fault.scope}`);
    println(io, `  stop conditions: ${plan.stopConditions.map((s) => s.alarmName).join(', ')}`);
    println(io, `  steady state:    ${plan.steadyState.map((p) => p.id).join(', ')}`);
    const expect =
      plan.recovery.expect.length > 0 ? `; then ${plan.recovery.expect.map((p) => p.id).join(', ')}` : '';
    println(
      io,
      `  recovery:        steady again within ${formatSeconds(plan.recovery.windowSeconds)}${expect}`,
    );
  }

  const from = context.now();
  for (const { group, cadence } of namedCadences(config)) {
    const members = experimentsInGroup(config, group);
    println(io);
    println(
      io,
      `${paint(io, 'bold', `Cadence ${group}`)}: ${cadence.expression} in ${cadence.timeZone} (${members.length > 0 ? members.join(', ') : 'no enabled experiment'})`,
    );
    if (!cadence.enabled) {
      println(io, '  schedule deployed disabled: no runs');
      continue;
    }
    const runs = nextRuns(cadence.expression, cadence.timeZone, options.runs ?? 6, from);
    if (runs.length === 0) println(io, '  no upcoming runs');
    else println(io, `  next ${runs.length} runs:`);
    for (const run of runs) println(io, `    ${formatRun(run, cadence.timeZone)}`);
  }

  const warnings = cadenceWarnings(config, from);
  if (warnings.length > 0) {
    println(io);
    println(io, paint(io, 'yellow', `Warnings (${warnings.length}):`));
    for (const warning of warnings) println(io, `  - ${warning}`);
  }
  return ExitCode.Ok;
}

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadConfig, parseYamlOrJson, validateConfig, type LoadedConfig } from '../lib/config/load';
import { buildRunConfig } from '../lib/config/plan';
import { runRehearsal } from '../lib/rehearsal/engine';
import { parseScenario, type Scenario, type ScenarioInput } from '../lib/rehearsal/scenario';
import { MAX_KEPT_CHECKS } from '../lambdas/check-steady-state/check-steady-state';
import { PAYLOAD_BUDGET_BYTES, worstCaseBytes } from '../lib/workflow/payload-budget';

/** The largest state payload of a rehearsed run, measured, and the synth-time bound of its config. */
export interface PayloadFigures {
  readonly label: string;
  readonly experiments: number;
  readonly probesPerExperiment: number;
  readonly outcomes: string;
  readonly largestBytes: number;
  readonly largestAt: string;
  readonly boundBytes: number;
}

type ConfigData = { experiments: Record<string, unknown>[] } & Record<string, unknown>;

/**
 * `count` copies of the config's first experiment, each with `probes` steady-state probes (the first
 * experiment's, cycled) and as many `recovery.expect` probes, and a recovery window long enough for
 * more checks than a result keeps.
 */
export function wideConfig(file: string, count: number, probes: number): LoadedConfig {
  const base = loadConfig({ path: file });
  const data = parseYamlOrJson(readFileSync(base.file, 'utf8'), base.file) as ConfigData;
  const first = data.experiments[0] as { steadyState: unknown[] };
  const steady = first.steadyState;
  data.experiments = Array.from({ length: count }, (_, i) => ({
    ...structuredClone(first),
    name: `web-cpu-${String(i + 1).padStart(2, '0')}`,
    steadyState: Array.from({ length: probes }, (_, j) => steady[j % steady.length]),
    recovery: {
      window: `PT${(MAX_KEPT_CHECKS + 2) * 30}S`,
      interval: 'PT30S',
      expect: Array.from({ length: probes }, () => ({
        asgCapacity: { name: 'sock-shop-asg', minInService: 4 },
      })),
    },
  }));
  const config = validateConfig(data, `${base.file} (${count} experiments, ${probes}+${probes} probes)`);
  return {
    config,
    file: base.file,
    baseDir: base.baseDir,
    hash: createHash('sha256').update(JSON.stringify(data)).digest('hex'),
  };
}

/** The most probes per experiment (steady state and recovery each) that `count` experiments may have within the budget. */
export function maxProbes(file: string, count: number): number {
  let probes = 1;
  while (probes < 50) {
    const next = wideConfig(file, count, probes + 1);
    if (worstCaseBytes(buildRunConfig(next.config, next.hash)).total > PAYLOAD_BUDGET_BYTES) break;
    probes += 1;
  }
  return probes;
}

/** The healthy scenario, but autoscaling never adds capacity: every `recovery.expect` fails, every experiment deviates. */
export function neverRecovers(healthyFile: string): Scenario {
  const input = parseYamlOrJson(readFileSync(healthyFile, 'utf8'), healthyFile) as ScenarioInput & {
    asgs?: unknown;
  };
  return parseScenario({
    ...input,
    asgs: { 'sock-shop-asg': [{ at: '0s', inService: 3 }] },
  });
}

/** Rehearses a config and reports its largest state payload next to the synth-time bound. */
export async function measurePayload(
  label: string,
  loaded: LoadedConfig,
  scenario: Scenario,
): Promise<PayloadFigures> {
  const run = await runRehearsal({ loaded, scenario, trigger: 'schedule', stallMs: 20_000 });
  const results = (run.output as { results?: { outcome: string }[] } | undefined)?.results ?? [];
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
  const first = loaded.config.experiments[0];
  return {
    label,
    experiments: loaded.config.experiments.length,
    probesPerExperiment: (first?.steadyState.length ?? 0) + (first?.recovery.expect.length ?? 0),
    outcomes: [...counts].map(([o, n]) => `${n} ${o}`).join(', ') || run.status,
    largestBytes: run.payloads.largestBytes,
    largestAt: run.payloads.largestAt,
    boundBytes: worstCaseBytes(buildRunConfig(loaded.config, loaded.hash)).total,
  };
}

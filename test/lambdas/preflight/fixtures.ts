import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, parseYamlOrJson, type LoadedConfig } from '../../../lib/config/load';
import { parseScenario, type Scenario, type ScenarioInput } from '../../../lib/rehearsal/scenario';

export const ROOT = join(__dirname, '..', '..', '..');

/** The shipped example config. */
export function exampleConfig(): LoadedConfig {
  return loadConfig({ cwd: ROOT, env: {} });
}

/** The example config with a change made to it after validation (e.g. a change calendar). */
export function configWith(change: (config: LoadedConfig['config']) => void): LoadedConfig {
  const loaded = exampleConfig();
  const config = structuredClone(loaded.config);
  change(config);
  return { ...loaded, config };
}

/** scenarios/preflight/ready.yaml with top-level keys and `preflight` keys replaced. */
export function readyScenario(
  extra: Partial<ScenarioInput> = {},
  preflight: Partial<NonNullable<ScenarioInput['preflight']>> = {},
): Scenario {
  const base = parseYamlOrJson(
    readFileSync(join(ROOT, 'scenarios', 'preflight', 'ready.yaml'), 'utf8'),
    'ready.yaml',
  ) as ScenarioInput;
  return parseScenario({ ...base, ...extra, preflight: { ...base.preflight, ...preflight } });
}

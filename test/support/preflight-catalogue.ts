import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, parseYamlOrJson, type LoadedConfig } from '../../lib/config/load';
import { preflightOffline } from '../../lib/preflight/offline';
import { parseScenario, type Scenario, type ScenarioInput } from '../../lib/rehearsal/scenario';
import type { CheckedCallInput } from './aws-service-models';

/**
 * Offline preflights whose every AWS call (Scheduler, IAM, Service Quotas, SNS, SSM, FIS, EC2,
 * CloudWatch, Auto Scaling) is checked against AWS's service models beside the rehearsed runs: the
 * shipped config through FIS and through SSM, a change calendar, an imported FIS template, an account
 * that is not ready, and the answers that are errors (missing schedule, role, document).
 */

const ROOT = join(__dirname, '..', '..');

function scenario(file: string, preflight: Partial<NonNullable<ScenarioInput['preflight']>> = {}): Scenario {
  const base = parseYamlOrJson(
    readFileSync(join(ROOT, 'scenarios', 'preflight', file), 'utf8'),
    file,
  ) as ScenarioInput;
  return parseScenario({ ...base, preflight: { ...base.preflight, ...preflight } });
}

function changed(change: (config: LoadedConfig['config']) => void): LoadedConfig {
  const loaded = loadConfig({ cwd: ROOT, env: {} });
  const config = structuredClone(loaded.config);
  change(config);
  return { ...loaded, config };
}

/** One offline preflight: a name, the deployment and the account. */
export interface PreflightCase {
  readonly name: string;
  readonly loaded: () => LoadedConfig;
  readonly scenario: () => Scenario;
}

const shipped = (): LoadedConfig => loadConfig({ cwd: ROOT, env: {} });

/** The offline preflights of the service-model check. */
export const PREFLIGHT_CASES: readonly PreflightCase[] = [
  { name: 'preflight, FIS, ready', loaded: shipped, scenario: () => scenario('ready.yaml') },
  { name: 'preflight, FIS, not ready', loaded: shipped, scenario: () => scenario('not-ready.yaml') },
  {
    name: 'preflight, SSM, ready',
    loaded: () =>
      changed((c) => {
        for (const e of c.experiments) if (e.fault.cpuStress) e.fault.cpuStress.via = 'ssm';
      }),
    scenario: () => scenario('ready.yaml'),
  },
  {
    name: 'preflight, change calendar at the next run',
    loaded: () => changed((c) => void (c.guardRails.changeCalendar = 'prod-change-freeze')),
    scenario: () => scenario('ready.yaml'),
  },
  {
    name: 'preflight, imported FIS template',
    loaded: () =>
      changed((c) => {
        const first = c.experiments[0];
        if (first) first.fault = { fisTemplateId: 'EXTabcdef1234567', duration: 'PT6M' };
      }),
    scenario: () => scenario('ready.yaml'),
  },
  {
    name: 'preflight, errors: schedule, FIS role and document missing, no quota listed, a role denied',
    loaded: shipped,
    scenario: () =>
      scenario('ready.yaml', {
        schedules: { default: 'missing' },
        missingRoles: ['ChaosCadence-fis-EXTa162bfddc89a48'],
        missingDocuments: ['AWSFIS-Run-CPU-Stress'],
        fisSendCommandTargetQuota: undefined,
        iamDenied: ['ChaosCadence-StartFault fis:StartExperiment'],
      }),
  },
];

/** Runs one offline preflight and returns the calls it made. */
export async function preflightCalls(entry: PreflightCase): Promise<readonly CheckedCallInput[]> {
  const { account } = await preflightOffline(entry.loaded(), entry.scenario());
  return account.calls;
}

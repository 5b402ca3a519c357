import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, parseYamlOrJson, type LoadedConfig } from '../../lib/config/load';
import { runRehearsal, type RehearsalOptions } from '../../lib/rehearsal/engine';
import { parseScenario, type Scenario, type ScenarioInput } from '../../lib/rehearsal/scenario';
import { buildJournal } from '../../lambdas/shared/render/journal';
import { passedResult, run as fixtureRun } from '../fixtures/results';
import {
  denials,
  deployedSettings,
  evaluateRun,
  stateMachineName,
  synthesize,
  type EvaluatedRequest,
  type SynthesizedStack,
} from '../iam/stack';

/**
 * Least privilege must still be enough, checked by a real IAM evaluator (@cloud-copilot/iam-simulate):
 * every AWS call a rehearsed run makes (real cores, real ASL, the backstop sweep) is turned into the
 * IAM requests AWS authorizes (action, resource ARN, tags and other request context) and evaluated
 * against the synthesized identity policies of the role of the function that made it and the resource
 * policy of the resource (bucket, topic, key, queue, table). Set IAM_REPORT=<file> to write the figures.
 */

// Synthesizing and rehearsing on a shared, loaded machine: allow minutes, not the default minute.
jest.setTimeout(300_000);

const ROOT = join(__dirname, '..', '..');

const scenario = (name: string, extra: Partial<ScenarioInput> = {}): Scenario =>
  parseScenario({
    ...(parseYamlOrJson(
      readFileSync(join(ROOT, 'scenarios', `${name}.yaml`), 'utf8'),
      name,
    ) as ScenarioInput),
    ...extra,
  });

/** The shipped config with every experiment's CPU stress sent through `via`. */
function via(loaded: LoadedConfig, mode: 'fis' | 'ssm'): LoadedConfig {
  const config = structuredClone(loaded.config);
  for (const experiment of config.experiments) {
    if (experiment.fault.cpuStress) experiment.fault.cpuStress.via = mode;
  }
  return { ...loaded, config };
}

/** Two experiments in one run: the shipped one through FIS, a copy through SSM. */
function mixed(loaded: LoadedConfig): LoadedConfig {
  const config = structuredClone(loaded.config);
  const first = config.experiments[0];
  if (!first?.fault.cpuStress) throw new Error('the shipped config has no CPU stress experiment');
  const second = structuredClone(first);
  second.name = `${first.name}-ssm`;
  if (second.fault.cpuStress) second.fault.cpuStress.via = 'ssm';
  config.experiments.push(second);
  return { ...loaded, config };
}

/** A change calendar shared from another account, named by its ARN. */
function sharedCalendar(loaded: LoadedConfig): LoadedConfig {
  const config = structuredClone(loaded.config);
  config.guardRails.changeCalendar = 'arn:aws:ssm:eu-central-1:210987654321:document/release-freeze';
  return { ...loaded, config };
}

/** A journal an earlier run left in the results bucket (PublishResults lists and reads them for the trend). */
const earlierJournal = buildJournal(
  {
    run: { ...fixtureRun, startedAt: '2026-11-03T09:00:02.000Z' },
    results: [{ ...passedResult, startedAt: '2026-11-03T09:00:03.000Z' }],
  },
  '2026-11-03T09:10:00.000Z',
);

interface Case {
  readonly title: string;
  readonly deployment: 'fis' | 'ssm' | 'mixed' | 'calendar';
  readonly scenarioName: string;
  readonly options?: Partial<Omit<RehearsalOptions, 'loaded' | 'scenario'>>;
}

const CASES: readonly Case[] = [
  { title: 'FIS, healthy', deployment: 'fis', scenarioName: 'healthy' },
  { title: 'FIS, stop condition fires', deployment: 'fis', scenarioName: 'alarm-fires' },
  { title: 'FIS, kill switch mid-fault', deployment: 'fis', scenarioName: 'kill-switch-mid-fault' },
  { title: 'FIS, the experiment fails', deployment: 'fis', scenarioName: 'fis-experiment-fails' },
  { title: 'FIS, no recovery', deployment: 'fis', scenarioName: 'no-recovery' },
  { title: 'FIS, not steady before', deployment: 'fis', scenarioName: 'not-steady-before' },
  { title: 'FIS, throttled start', deployment: 'fis', scenarioName: 'throttled-start' },
  { title: 'FIS, dry run', deployment: 'fis', scenarioName: 'healthy', options: { dryRun: true } },
  {
    title: 'FIS, earlier journals in the bucket (the trend lists and reads them)',
    deployment: 'fis',
    scenarioName: 'alarm-fires',
    options: { history: [earlierJournal] },
  },
  {
    title: 'FIS, StartFault lost its answer (find by run id and stop)',
    deployment: 'fis',
    scenarioName: 'healthy',
    options: { taskFaults: { StartFault: { mode: 'hang-after' } } },
  },
  {
    title: 'FIS, guard rails cannot be checked',
    deployment: 'fis',
    scenarioName: 'healthy',
    options: { taskFaults: { CheckGuardRails: { mode: 'throw' } } },
  },
  {
    title: 'FIS, the verdict fails (stop from the verdict error path)',
    deployment: 'fis',
    scenarioName: 'healthy',
    options: { taskFaults: { Verdict: { mode: 'throw' } } },
  },
  {
    title: 'FIS, execution aborted mid-fault: the sweep stops the fault and publishes',
    deployment: 'fis',
    scenarioName: 'healthy',
    options: { abortAtSeconds: 120, sweep: true },
  },
  { title: 'SSM, healthy', deployment: 'ssm', scenarioName: 'healthy' },
  { title: 'SSM, stop condition fires', deployment: 'ssm', scenarioName: 'alarm-fires' },
  { title: 'SSM, kill switch mid-fault', deployment: 'ssm', scenarioName: 'kill-switch-mid-fault' },
  { title: 'SSM, dry run', deployment: 'ssm', scenarioName: 'healthy', options: { dryRun: true } },
  {
    title: 'SSM, PollStopConditions throws (stop from the error path)',
    deployment: 'ssm',
    scenarioName: 'healthy',
    options: { taskFaults: { PollStopConditions: { mode: 'throw' } } },
  },
  {
    title: 'SSM, execution aborted mid-fault: the sweep cancels the command and publishes',
    deployment: 'ssm',
    scenarioName: 'healthy',
    options: { abortAtSeconds: 120, sweep: true },
  },
  { title: 'FIS + SSM experiments in one run', deployment: 'mixed', scenarioName: 'healthy' },
  {
    title: 'FIS + SSM experiments, the second start fails after injecting',
    deployment: 'mixed',
    scenarioName: 'healthy',
    options: { taskFaults: { StartFault: { mode: 'throw-after', skip: 1, times: 1 } } },
  },
  {
    title: 'FIS + SSM experiments, execution aborted during the second: the sweep stops both kinds',
    deployment: 'mixed',
    scenarioName: 'healthy',
    options: { abortAtSeconds: 900, sweep: true },
  },
  { title: 'a change calendar given as an ARN', deployment: 'calendar', scenarioName: 'healthy' },
];

describe('IAM allows every call of a rehearsed run (iam-simulate, identity and resource policies)', () => {
  const shipped = loadConfig({ cwd: ROOT, env: {} });
  const configs: Record<Case['deployment'], LoadedConfig> = {
    fis: via(shipped, 'fis'),
    ssm: via(shipped, 'ssm'),
    mixed: mixed(shipped),
    calendar: sharedCalendar(shipped),
  };
  const stacks = new Map<Case['deployment'], SynthesizedStack>();
  const stackOf = (deployment: Case['deployment']): SynthesizedStack => {
    let synthesized = stacks.get(deployment);
    if (!synthesized) {
      synthesized = synthesize(configs[deployment]);
      stacks.set(deployment, synthesized);
    }
    return synthesized;
  };
  const everything: EvaluatedRequest[] = [];

  afterAll(() => {
    const file = process.env.IAM_REPORT;
    if (!file) return;
    const byFunction: Record<string, { evaluated: number; allowed: number }> = {};
    for (const e of everything) {
      const entry = (byFunction[e.function.replace(/[0-9A-F]{8}$/, '')] ??= { evaluated: 0, allowed: 0 });
      entry.evaluated += 1;
      if (e.allowed) entry.allowed += 1;
    }
    writeFileSync(
      file,
      `${JSON.stringify({ cases: CASES.length, requests: everything.length, byFunction }, null, 2)}\n`,
    );
  });

  it.each(CASES.map((c) => [c.title, c] as const))(
    '%s',
    async (_title, { deployment, scenarioName, options }) => {
      const { model } = stackOf(deployment);
      const chosen = scenario(scenarioName);
      const run = await runRehearsal({
        loaded: configs[deployment],
        scenario: chosen,
        settings: deployedSettings(model),
        stateMachineName: stateMachineName(model),
        ...options,
      });

      const evaluated = await evaluateRun(run, model, chosen);
      everything.push(...evaluated);

      expect(evaluated.length).toBeGreaterThan(0);
      if (options?.history) expect(evaluated.map((e) => e.request.action)).toContain('s3:GetObject');
      expect(denials(evaluated)).toEqual([]);
    },
  );

  it('evaluates the during-fault series: the poll writes it under probe-series/, PublishResults reads it back', () => {
    const series = everything.filter(
      (e) => e.request.resource.includes(':::') && e.request.resource.includes('/probe-series/'),
    );

    expect(
      series.filter((e) => e.caller === 'PollStopConditions' && e.request.action === 's3:PutObject').length,
    ).toBeGreaterThan(0);
    expect(
      series.filter((e) => e.caller === 'PublishResults' && e.request.action === 's3:GetObject').length,
    ).toBeGreaterThan(0);
    expect(series.filter((e) => !e.allowed)).toEqual([]);
  });

  it('rehearses the sweep when asked: the aborted run ends with its fault stopped by the sweep', async () => {
    const { model } = stackOf('ssm');

    const run = await runRehearsal({
      loaded: configs.ssm,
      scenario: scenario('healthy'),
      settings: deployedSettings(model),
      stateMachineName: stateMachineName(model),
      abortAtSeconds: 120,
      sweep: true,
    });

    expect(run.status).toBe('ABORTED');
    expect(run.sweep?.stopped).toHaveLength(1);
    expect(run.callStates).toContain('Sweep');
    expect(run.journal?.experiments.map((e) => e.outcome)).toEqual(['failed']);
  });
});

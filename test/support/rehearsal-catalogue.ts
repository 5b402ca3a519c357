import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type LoadedConfig } from '../../lib/config/load';
import type { Config } from '../../lib/config/schema';
import type { Runtime } from '../../lambdas/shared/aws';
import type { RunContext } from '../../lambdas/shared/types';
import { startFault } from '../../lambdas/start-fault/start-fault';
import { stopFault } from '../../lambdas/stop-fault/stop-fault';
import { buildRunConfig } from '../../lib/config/plan';
import { VirtualClock } from '../../lib/rehearsal/clock';
import {
  rehearsalSettings,
  runRehearsal,
  type RehearsalOptions,
  type RehearsalResult,
} from '../../lib/rehearsal/engine';
import { createSimulatedAccount } from '../../lib/rehearsal/simulated-account';
import { loadScenario, type Scenario } from '../../lib/rehearsal/scenario';
import type { CheckedCallInput } from './aws-service-models';

/**
 * The rehearsed runs whose every AWS call is checked against AWS's service models (and that other
 * checks may reuse): each shipped scenario in FIS and SSM mode, dry runs, several experiments in one
 * run, large fleets, the error paths, and the sweep after an aborted execution. One row a case: a
 * function that adds calls (an abort-on-event or preflight function, say) adds a row that runs it
 * against a simulated account and returns the calls it recorded.
 */

const ROOT = join(__dirname, '..', '..');
const SCENARIOS = join(ROOT, 'scenarios');

/** One case: a name and how to get its recorded calls. */
export interface CatalogueCase {
  readonly name: string;
  /** Runs the case (memoized by {@link rehearseCase}) and returns its recorded calls. */
  readonly run: () => Promise<{
    readonly calls: readonly CheckedCallInput[];
    readonly rehearsal?: RehearsalResult;
  }>;
}

/** The example config (`chaos-cadence.config.yaml`), loaded once. */
let exampleConfig: LoadedConfig | undefined;
export function loadedExample(): LoadedConfig {
  exampleConfig ??= loadConfig({ cwd: ROOT, env: {} });
  return exampleConfig;
}

/** The example config changed by `change` (on a copy). */
export function withConfig(change: (config: Config) => void): LoadedConfig {
  const loaded = loadedExample();
  const config = structuredClone(loaded.config);
  change(config);
  return { ...loaded, config };
}

/** The example config with its experiment's CPU stress sent by SSM Run Command. */
export function ssmExample(): LoadedConfig {
  return withConfig((c) => {
    const stress = c.experiments[0]?.fault.cpuStress;
    if (stress) stress.via = 'ssm';
  });
}

/** The names of the shipped scenarios (`scenarios/*.yaml`). */
export function shippedScenarios(): string[] {
  return readdirSync(SCENARIOS)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.replace(/\.yaml$/, ''))
    .sort();
}

/** A shipped scenario, optionally changed. */
export function scenario(name: string, change: Partial<Scenario> = {}): Scenario {
  return { ...loadScenario(join(SCENARIOS, `${name}.yaml`)), ...change };
}

/** A shipped scenario whose fleet is `size` running instances with the example's target tags. */
export function largeFleet(name: string, size: number): Scenario {
  const base = scenario(name);
  const tags = base.instances[0]?.tags ?? {};
  const instances = Array.from({ length: size }, (_, i) => ({
    id: `i-0a1b2c3d4e5f6${String(i + 1).padStart(4, '0')}`,
    tags: { ...tags },
    state: 'running' as const,
  }));
  return {
    ...base,
    instances,
    asgs: { 'sock-shop-asg': [{ at: { base: 'run', offsetSeconds: 0 }, inService: size }] },
  };
}

const rehearsal = (name: string, options: () => RehearsalOptions): CatalogueCase => ({
  name,
  run: async () => {
    const result = await runRehearsal(options());
    return { calls: result.calls, rehearsal: result };
  },
});

/**
 * A function core called directly (not through the workflow), against a simulated account on a virtual
 * clock: for functions outside the state machine (an abort-on-event or preflight core, say). `invoke`
 * gets the runtime and the run context a rehearsal of `loaded` would have.
 */
export function coreCase(
  name: string,
  loaded: () => LoadedConfig,
  scene: () => Scenario,
  invoke: (runtime: Runtime, run: RunContext, loaded: LoadedConfig) => Promise<unknown>,
): CatalogueCase {
  return {
    name,
    run: async () => {
      const config = loaded();
      const current = scene();
      const settings = rehearsalSettings(config);
      const clock = new VirtualClock(current.now);
      const account = createSimulatedAccount(current, clock, { settings });
      const runtime: Runtime = {
        clients: account.clients,
        settings,
        now: () => clock.now(),
        fetch: account.fetch,
      };
      const run: RunContext = {
        runId: `direct-${name.replace(/[^A-Za-z0-9]+/g, '-')}`.slice(0, 80),
        executionArn: `arn:aws:states:${settings.region}:${settings.account}:execution:ChaosCadence-RunExperiments:direct`,
        stateMachineArn: `arn:aws:states:${settings.region}:${settings.account}:stateMachine:ChaosCadence-RunExperiments`,
        startedAt: current.now.toISOString(),
        trigger: 'manual',
        dryRun: false,
        configHash: config.hash,
      };
      clock.install();
      try {
        await clock.drive(invoke(runtime, run, config));
      } finally {
        clock.uninstall();
        account.restore();
      }
      return { calls: account.calls };
    },
  };
}

/** Several experiments in one run: the example's, a second FIS one and an SSM one. */
function severalExperiments(): LoadedConfig {
  return withConfig((c) => {
    const first = c.experiments[0];
    if (!first) return;
    c.experiments.push({ ...structuredClone(first), name: 'web-cpu-80-again' });
    const viaSsm = structuredClone(first);
    if (viaSsm.fault.cpuStress) viaSsm.fault.cpuStress.via = 'ssm';
    c.experiments.push({ ...viaSsm, name: 'web-cpu-80-ssm' });
  });
}

/** Every case, in a stable order. */
export function catalogue(): CatalogueCase[] {
  const fis = loadedExample;
  return [
    ...shippedScenarios().flatMap((name) => [
      rehearsal(`FIS, ${name}`, () => ({ loaded: fis(), scenario: scenario(name) })),
      rehearsal(`SSM, ${name}`, () => ({ loaded: ssmExample(), scenario: scenario(name) })),
    ]),
    rehearsal('FIS, dry run', () => ({ loaded: fis(), scenario: scenario('healthy'), dryRun: true })),
    rehearsal('SSM, dry run', () => ({ loaded: ssmExample(), scenario: scenario('healthy'), dryRun: true })),
    rehearsal('three experiments (FIS, FIS, SSM) in one run', () => ({
      loaded: severalExperiments(),
      scenario: scenario('healthy'),
    })),
    rehearsal('FIS, 120 targets', () => ({ loaded: fis(), scenario: largeFleet('healthy', 120) })),
    rehearsal('SSM, 120 targets', () => ({ loaded: ssmExample(), scenario: largeFleet('healthy', 120) })),
    rehearsal('SSM, 120 targets, stop condition fires', () => ({
      loaded: ssmExample(),
      scenario: largeFleet('alarm-fires', 120),
    })),
    rehearsal('SSM, 120 targets, PollStopConditions fails (error path stops by run id)', () => ({
      loaded: ssmExample(),
      scenario: largeFleet('healthy', 120),
      taskFaults: { PollStopConditions: { mode: 'throw' } },
    })),
    rehearsal('FIS, StartFault lost its answer (found by run id and stopped)', () => ({
      loaded: fis(),
      scenario: scenario('healthy'),
      taskFaults: { StartFault: { mode: 'hang-after' } },
    })),
    rehearsal('SSM, StartFault lost its answer (found by run id and stopped)', () => ({
      loaded: ssmExample(),
      scenario: scenario('healthy'),
      taskFaults: { StartFault: { mode: 'hang-after' } },
    })),
    rehearsal('guard rails cannot be checked', () => ({
      loaded: fis(),
      scenario: scenario('healthy'),
      taskFaults: { CheckGuardRails: { mode: 'throw' } },
    })),
    rehearsal('another run holds the run lock', () => ({
      loaded: fis(),
      scenario: scenario('healthy', { runningExecutions: 1 }),
    })),
    coreCase(
      'StartFault then StopFault called directly, SSM, 120 targets',
      ssmExample,
      () => largeFleet('healthy', 120),
      async (runtime, run, config) => {
        const plan = buildRunConfig(config.config, config.hash).plans['web-cpu-80'];
        if (!plan) throw new Error('the example config has no web-cpu-80');
        const fault = await startFault({ run, plan }, runtime);
        return stopFault({ run, plan, fault, reason: 'kill-switch' }, runtime);
      },
    ),
    rehearsal('FIS, execution stopped mid-fault, then the sweep', () => ({
      loaded: fis(),
      scenario: scenario('healthy'),
      abortAfterState: 'StartFault',
      sweep: true,
    })),
    rehearsal('SSM, 120 targets, execution stopped mid-fault, then the sweep', () => ({
      loaded: ssmExample(),
      scenario: largeFleet('healthy', 120),
      abortAfterState: 'StartFault',
      sweep: true,
    })),
  ];
}

const memo = new Map<string, ReturnType<CatalogueCase['run']>>();

/** Runs a case once per process (later callers get the same result). */
export function rehearseCase(entry: CatalogueCase): ReturnType<CatalogueCase['run']> {
  let pending = memo.get(entry.name);
  if (!pending) {
    pending = entry.run();
    memo.set(entry.name, pending);
  }
  return pending;
}

import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type LoadedConfig } from '../../lib/config/load';
import { runRehearsal, writeRehearsalFiles, type RehearsalResult } from '../../lib/rehearsal/engine';
import { loadScenario } from '../../lib/rehearsal/scenario';
import type { Config } from '../../lib/config/schema';

const ROOT = join(__dirname, '..', '..');
const SCENARIOS = join(ROOT, 'scenarios');

/** Every shipped scenario and the outcome its name promises for the example config's web-cpu-80. */
const PROMISES: Record<string, string> = {
  healthy: 'passed',
  'not-steady-before': 'skipped',
  'alarm-fires': 'aborted',
  'no-recovery': 'deviated',
  'kill-switch-mid-fault': 'aborted',
  'throttled-start': 'passed',
  'fis-experiment-fails': 'failed',
  'impact-during-fault': 'deviated',
  'impact-within-expectation': 'passed',
  'probe-stop-condition': 'aborted',
  'no-cpu-effect': 'inconclusive',
  'basic-monitoring': 'passed',
};

/** Scenarios whose promise needs the example config changed as their header says. */
const VARIANTS: Record<string, (config: Config) => void> = {
  'impact-within-expectation': (config) => {
    const experiment = config.experiments[0];
    if (experiment) experiment.expectedImpact = 'degraded';
  },
  'probe-stop-condition': (config) => {
    for (const probe of config.experiments[0]?.steadyState ?? []) {
      if ('http' in probe) probe.http.stopAfter = 'PT1M';
    }
  },
};

describe('the shipped scenarios', () => {
  let loaded: LoadedConfig;
  const results = new Map<string, RehearsalResult>();
  const rehearse = async (name: string): Promise<RehearsalResult> => {
    const cached = results.get(name);
    if (cached) return cached;
    const variant = VARIANTS[name];
    const config = structuredClone(loaded.config);
    variant?.(config);
    const result = await runRehearsal({
      loaded: variant ? { ...loaded, config } : loaded,
      scenario: loadScenario(join(SCENARIOS, `${name}.yaml`)),
    });
    results.set(name, result);
    return result;
  };
  const successes = (result: RehearsalResult, command: string): number =>
    result.calls.filter((c) => c.command === command && c.error === undefined).length;

  beforeAll(() => {
    loaded = loadConfig({ path: 'chaos-cadence.config.yaml', cwd: ROOT });
  });

  it('has a promise for every scenario file', () => {
    const files = readdirSync(SCENARIOS)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.replace(/\.yaml$/, ''));

    expect(files.sort()).toEqual(Object.keys(PROMISES).sort());
  });

  it.each(Object.entries(PROMISES))('%s gives the outcome %s', async (name, outcome) => {
    const result = await rehearse(name);

    expect(result.status).toBe('SUCCEEDED');
    expect(result.journal?.experiments.map((e) => e.outcome)).toEqual([outcome]);
  });

  it('rehearses the default 6-minute experiment in under 10 s of wall time', async () => {
    const started = performance.now();

    const result = await runRehearsal({ loaded, scenario: loadScenario(join(SCENARIOS, 'healthy.yaml')) });

    expect(result.virtualSeconds).toBeGreaterThan(360);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('healthy: publishes the journal, report, email and metrics', async () => {
    const result = await rehearse('healthy');

    expect(result.reportHtml).toMatch(/<html/i);
    expect(result.emailSubject).toMatch(/^\[chaos-cadence\] web-cpu-80: PASSED/);
    expect(result.metrics?.length).toBeGreaterThan(0);
  });

  it('healthy: records the recovery time in the journal', async () => {
    const result = await rehearse('healthy');

    expect(result.journal?.experiments[0]?.recoverySeconds).toEqual(expect.any(Number));
  });

  it('healthy: progress names the branch each Choice took and how long each Wait lasts', async () => {
    const result = await rehearse('healthy');

    expect(result.progress).toContainEqual({
      atSeconds: 0,
      state: 'SteadyBefore',
      detail: '→ RecheckGuardRails',
    });
    expect(result.progress).toContainEqual({ atSeconds: 0, state: 'StillAllowed', detail: '→ StartFault' });
    expect(result.progress).toContainEqual(
      expect.objectContaining({ state: 'WaitBeforeNextPoll', detail: 'wait 15 s' }),
    );
  });

  it('not-steady-before: injects nothing', async () => {
    const result = await rehearse('not-steady-before');

    expect(result.account.fisExperiments).toEqual([]);
  });

  it('alarm-fires: stops the FIS experiment', async () => {
    const result = await rehearse('alarm-fires');

    expect(successes(result, 'StopExperiment')).toBe(1);
    expect(result.journal?.experiments[0]?.timeToStopSeconds).toEqual(expect.any(Number));
  });

  it('kill-switch-mid-fault: stops the fault within one poll interval of the switch', async () => {
    const result = await rehearse('kill-switch-mid-fault');
    const faultStart = result.account.faultStartedAt()?.getTime() ?? 0;
    const stop = result.calls.find((c) => c.command === 'StopExperiment' && c.error === undefined);

    expect(Date.parse(stop?.at ?? '') - faultStart).toBeLessThanOrEqual((120 + 15) * 1000);
  });

  it('throttled-start: starts exactly one experiment after two throttled attempts', async () => {
    const result = await rehearse('throttled-start');
    const starts = result.calls.filter((c) => c.command === 'StartExperiment');

    expect(starts.map((c) => c.error?.split(':')[0] ?? 'ok')).toEqual([
      'ThrottlingException',
      'ThrottlingException',
      'ok',
    ]);
    expect(result.account.fisExperiments).toHaveLength(1);
  });

  it('is deterministic: the same scenario makes the same calls at the same virtual times', async () => {
    const first = await rehearse('throttled-start');

    const second = await runRehearsal({
      loaded,
      scenario: loadScenario(join(SCENARIOS, 'throttled-start.yaml')),
    });

    const summary = (r: RehearsalResult): string[] =>
      r.calls.map((c) => `${c.at} ${c.command} ${c.error ?? ''}`);
    expect(summary(second)).toEqual(summary(first));
    expect(JSON.stringify(second.calls) === JSON.stringify(first.calls)).toBe(true);
  });

  it('writes the rehearsal files of a run', async () => {
    const result = await rehearse('healthy');
    const out = mkdtempSync(join(tmpdir(), 'rehearsal-'));

    const { dir } = writeRehearsalFiles(result, out);

    const names = ['journal.json', 'report.html', 'email.txt', 'metrics.json', 'calls.json'];
    expect(names.filter((n) => existsSync(join(dir, n)))).toEqual(names);
  });

  it('a dry run starts a skip-all experiment that injects nothing', async () => {
    const result = await runRehearsal({
      loaded,
      scenario: loadScenario(join(SCENARIOS, 'healthy.yaml')),
      dryRun: true,
    });

    expect(result.account.fisExperiments.map((e) => e.dryRun)).toEqual([true]);
    expect(result.account.faultStartedAt()).toBeUndefined();
  });

  describe('orchestration failures on the real workflow', () => {
    const healthy = (): ReturnType<typeof loadScenario> => loadScenario(join(SCENARIOS, 'healthy.yaml'));

    it('a failing PollStopConditions ends failed with the fault stopped', async () => {
      const result = await runRehearsal({
        loaded,
        scenario: healthy(),
        taskFaults: { PollStopConditions: { mode: 'throw' } },
      });

      expect(result.journal?.experiments.map((e) => e.outcome)).toEqual(['failed']);
      expect(result.statesVisited).toContain('StopFaultAfterError');
      expect(successes(result, 'StopExperiment')).toBe(1);
    });

    it('a StartFault that started the experiment but timed out still ends with it stopped', async () => {
      const result = await runRehearsal({
        loaded,
        scenario: healthy(),
        taskFaults: { StartFault: { mode: 'hang-after' } },
      });

      expect(result.journal?.experiments.map((e) => e.outcome)).toEqual(['failed']);
      expect(result.account.fisExperiments).toHaveLength(1);
      expect(successes(result, 'StopExperiment')).toBe(1);
    });
  });

  describe('variants of the example config', () => {
    const withConfig = (change: (config: Config) => void): LoadedConfig => {
      const config = structuredClone(loaded.config);
      change(config);
      return { ...loaded, config };
    };

    it('SSM mode: healthy passes with exactly one command sent', async () => {
      const ssm = withConfig((c) => {
        const stress = c.experiments[0]?.fault.cpuStress;
        if (stress) stress.via = 'ssm';
      });

      const result = await runRehearsal({
        loaded: ssm,
        scenario: loadScenario(join(SCENARIOS, 'healthy.yaml')),
      });

      expect(result.journal?.experiments.map((e) => e.outcome)).toEqual(['passed']);
      expect(result.account.ssmCommands).toHaveLength(1);
    });

    it('a health endpoint slower than the probe timeout is not steady', async () => {
      const scenario = loadScenario(join(SCENARIOS, 'healthy.yaml'));
      const slow = {
        ...scenario,
        http: {
          'https://shop.example.com/health': [
            { at: { base: 'run' as const, offsetSeconds: 0 }, status: 200, delaySeconds: 10 },
          ],
        },
      };

      const result = await runRehearsal({ loaded, scenario: slow });

      const probe = result.journal?.experiments[0]?.steadyStateBefore?.probes.find((p) => p.kind === 'http');
      expect([result.journal?.experiments[0]?.outcome, probe?.observed]).toEqual([
        'skipped',
        'no answer within 3 s',
      ]);
    });

    it('runs several experiments one after the other, each with its own fault', async () => {
      const two = withConfig((c) => {
        const first = c.experiments[0];
        if (first) c.experiments.push({ ...structuredClone(first), name: 'web-cpu-80-again' });
      });

      const result = await runRehearsal({
        loaded: two,
        scenario: loadScenario(join(SCENARIOS, 'healthy.yaml')),
      });

      expect(result.journal?.experiments.map((e) => `${e.name} ${e.outcome}`)).toEqual([
        'web-cpu-80 passed',
        'web-cpu-80-again passed',
      ]);
      expect(result.account.fisExperiments).toHaveLength(2);
    });

    it('SSM mode: a throttled SendCommand is retried and sends exactly one command', async () => {
      const ssm = withConfig((c) => {
        const stress = c.experiments[0]?.fault.cpuStress;
        if (stress) stress.via = 'ssm';
      });
      const scenario = loadScenario(join(SCENARIOS, 'healthy.yaml'));
      const throttled = {
        ...scenario,
        apiFailures: [{ call: 'ssm:SendCommand', error: 'ThrottlingException', times: 1 }],
      };

      const result = await runRehearsal({ loaded: ssm, scenario: throttled });

      expect(successes(result, 'SendCommand')).toBe(1);
      expect(result.journal?.experiments.map((e) => e.outcome)).toEqual(['passed']);
    });

    describe('with a real local HTTP endpoint', () => {
      let server: Server;
      let url: string;
      beforeAll(async () => {
        server = createServer((_req, res) => res.end('{"status":"ok"}'));
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
      });
      afterAll(async () => {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      });

      it('probes URLs the scenario does not list for real', async () => {
        const local = withConfig((c) => {
          for (const probe of c.experiments[0]?.steadyState ?? []) if ('http' in probe) probe.http.url = url;
        });
        const scenario = { ...loadScenario(join(SCENARIOS, 'healthy.yaml')), http: {} };

        const result = await runRehearsal({ loaded: local, scenario });

        const probes = result.calls.filter((c) => c.service === 'http');
        expect(probes.length).toBeGreaterThan(0);
        expect(probes.every((c) => (c.output as { status?: number }).status === 200)).toBe(true);
        expect(result.journal?.experiments.map((e) => e.outcome)).toEqual(['passed']);
      });
    });
  });
});

// Observing the fault on the real workflow (state-machines/run-experiments.asl.json on the rehearsal
// engine): probes during the fault, a probe stop condition, effect verification, and the conclusions
// the card draws from them. Each case is a shipped scenario (scenarios/<name>.yaml) with the config
// change its header names.
import { join } from 'node:path';
import { loadConfig, type LoadedConfig } from '../../lib/config/load';
import type { Config } from '../../lib/config/schema';
import { runRehearsal, type RehearsalResult } from '../../lib/rehearsal/engine';
import { loadScenario } from '../../lib/rehearsal/scenario';
import type { ExperimentResult } from '../../lambdas/shared/types';

const ROOT = join(__dirname, '..', '..');
const HEALTH = 'http:GET https://shop.example.com/health';

describe('observing the fault (rehearsal engine)', () => {
  let loaded: LoadedConfig;
  beforeAll(() => {
    loaded = loadConfig({ path: 'chaos-cadence.config.yaml', cwd: ROOT });
  });

  const rehearse = (scenario: string, change?: (config: Config) => void): Promise<RehearsalResult> => {
    const config = structuredClone(loaded.config);
    change?.(config);
    return runRehearsal({
      loaded: { ...loaded, config },
      scenario: loadScenario(join(ROOT, 'scenarios', `${scenario}.yaml`)),
      runId: 'run-0001',
    });
  };
  const resultOf = (run: RehearsalResult): ExperimentResult => {
    const result = run.journal?.experiments[0];
    if (!result) throw new Error('no result in the journal');
    return result;
  };
  const duringOf = (result: ExperimentResult, id: string) => result.during?.probes.find((p) => p.id === id);

  describe('impact during the fault, all well after it (impact-during-fault)', () => {
    let result: ExperimentResult;
    let run: RehearsalResult;
    beforeAll(async () => {
      run = await rehearse('impact-during-fault');
      result = resultOf(run);
    });

    it('is deviated: the hypothesis did not hold while the fault ran', () => {
      expect(result.outcome).toBe('deviated');
      expect(result.reason).toMatch(/^the hypothesis did not hold while the fault ran: impact "outage"/);
      expect(result.reason).toContain('the system recovered afterwards');
    });

    it('observes an outage: the HTTP probe failed during the fault', () => {
      expect(result.observedImpact).toBe('outage');
      expect(duringOf(result, HEALTH)).toMatchObject({ failures: 13, longestFailureSeconds: 180 });
    });

    it('concludes Expected no, with the evidence', () => {
      expect(result.conclusions.expected.answer).toBe('no');
      expect(result.conclusions.expected.text).toContain(
        'GET https://shop.example.com/health failed 13 of 26 checks during the fault over 3 min, worst HTTP 503',
      );
    });

    it('concludes Detected no: monitoring missed 3 min of HTTP 503', () => {
      expect(result.conclusions.detected).toEqual({
        answer: 'no',
        text: 'monitoring missed 3 min of HTTP 503 on GET https://shop.example.com/health: no stop-condition alarm or alarm probe reached ALARM',
      });
      expect(result.timeToDetectSeconds).toBeUndefined();
    });

    it('concludes Handled yes, with the capacity before, peak and after', () => {
      expect(result.conclusions.handled.answer).toBe('yes');
      expect(result.capacity).toEqual([{ group: 'sock-shop-asg', before: 3, peak: 4, after: 4 }]);
      expect(result.conclusions.handled.text).toContain(
        '3 before, peak 4, 4 after (autoscaling added capacity)',
      );
    });

    it('derives Automate and Dig deeper from the findings', () => {
      expect(result.conclusions.automate).toEqual([
        'alarms sock-shop-5xx, sock-shop-instance-count-low did not fire although GET https://shop.example.com/health failed for 3 min: lower a threshold or add a detection alarm on that signal',
      ]);
      expect(result.conclusions.digDeeper[0]).toMatch(
        /^Observed impact "outage" exceeded the expected "none"/,
      );
    });

    it('lets the fault run its course: no stop requested', () => {
      expect(run.calls.filter((c) => c.command === 'StopExperiment')).toEqual([]);
    });

    it('publishes the deviated outcome in the subject', () => {
      expect(run.emailSubject).toMatch(
        /^\[chaos-cadence\] web-cpu-80: DEVIATED - the hypothesis did not hold while/,
      );
    });
  });

  describe('impact within the expectation (impact-within-expectation, expectedImpact degraded)', () => {
    let result: ExperimentResult;
    beforeAll(async () => {
      result = resultOf(
        await rehearse('impact-within-expectation', (c) => {
          if (c.experiments[0]) c.experiments[0].expectedImpact = 'degraded';
        }),
      );
    });

    it('passes with a degraded impact', () => {
      expect([result.outcome, result.observedImpact]).toEqual(['passed', 'degraded']);
    });

    it('concludes Expected yes, Detected no, Handled yes', () => {
      expect(
        [result.conclusions.expected, result.conclusions.detected, result.conclusions.handled].map(
          (f) => f.answer,
        ),
      ).toEqual(['yes', 'no', 'yes']);
      expect(result.conclusions.detected.text).toBe(
        'monitoring missed 5 min of p99 = 0.8 on metric AWS/ApplicationELB/TargetResponseTime: no stop-condition alarm or alarm probe reached ALARM',
      );
    });

    it('notes nothing to dig into beyond the missed detection', () => {
      expect(result.conclusions.digDeeper).toEqual([]);
      expect(result.conclusions.automate).toHaveLength(1);
    });
  });

  describe('a probe stop condition (probe-stop-condition, http stopAfter PT1M)', () => {
    let run: RehearsalResult;
    let result: ExperimentResult;
    beforeAll(async () => {
      run = await rehearse('probe-stop-condition', (c) => {
        for (const probe of c.experiments[0]?.steadyState ?? [])
          if ('http' in probe) probe.http.stopAfter = 'PT1M';
      });
      result = resultOf(run);
    });

    it('is aborted, the reason naming the probe and what it saw', () => {
      expect(result.outcome).toBe('aborted');
      expect(result.reason).toMatch(
        /^probe stop condition: probe http:GET https:\/\/shop\.example\.com\/health failed continuously for 60 s \(stopAfter 60 s\): saw HTTP 503/,
      );
    });

    it('requests the stop one stopAfter after the probe began failing, and says it was confirmed', () => {
      expect(run.calls.filter((c) => c.command === 'StopExperiment' && !c.error)).toHaveLength(1);
      expect(result.timeToStopSeconds).toBe(60);
      expect(result.reason).toContain('the fault was stopped (confirmed stopped)');
    });

    it('observes an outage and concludes Expected no, Detected no', () => {
      expect(result.observedImpact).toBe('outage');
      expect([result.conclusions.expected.answer, result.conclusions.detected.answer]).toEqual(['no', 'no']);
    });

    it('lists the probe stop condition among the abort conditions of the card', () => {
      expect(run.emailText?.replace(/\s+/g, ' ')).toContain(
        `- probe ${HEALTH} fails continuously for 1 min during the fault`,
      );
    });
  });

  describe('no CPU effect (no-cpu-effect)', () => {
    let run: RehearsalResult;
    let result: ExperimentResult;
    beforeAll(async () => {
      run = await rehearse('no-cpu-effect');
      result = resultOf(run);
    });

    it('is inconclusive: nothing was proven', () => {
      expect(result.outcome).toBe('inconclusive');
      expect(result.reason).toMatch(
        /^the fault had no observable effect; nothing was proven: CPU never reached 60 %/,
      );
    });

    it('records each target highest CPU at its published period', () => {
      expect(result.effect?.status).toBe('not-seen');
      expect(result.effect?.targets?.map((t) => [t.id, t.periodSeconds, t.maxCpu])).toEqual([
        ['i-0a1b2c3d4e5f60001', 60, 18],
        ['i-0a1b2c3d4e5f60002', 60, 18],
        ['i-0a1b2c3d4e5f60003', 60, 18],
      ]);
      expect(result.effect?.command).toBe('FIS action cpu-stress completed');
    });

    it('concludes Expected unknown and says what to check', () => {
      expect(result.observedImpact).toBe('none');
      expect(result.conclusions.expected.answer).toBe('unknown');
      expect([result.conclusions.detected.answer, result.conclusions.handled.answer]).toEqual([
        'not applicable',
        'not applicable',
      ]);
      expect(result.conclusions.digDeeper[0]).toContain('SSM agent is online');
    });

    it('publishes Inconclusive, and no HypothesisHeld, as metrics', () => {
      const data = run.metrics?.flatMap((m) => m.metricData) ?? [];
      expect(data.find((d) => d.MetricName === 'Inconclusive')?.Value).toBe(1);
      expect(data.some((d) => d.MetricName === 'HypothesisHeld')).toBe(false);
    });

    it('says INCONCLUSIVE in the subject', () => {
      expect(run.emailSubject).toMatch(
        /^\[chaos-cadence\] web-cpu-80: INCONCLUSIVE - the fault had no observable effect/,
      );
    });
  });

  describe('basic monitoring (basic-monitoring)', () => {
    let result: ExperimentResult;
    beforeAll(async () => {
      result = resultOf(await rehearse('basic-monitoring'));
    });

    it('passes, saying the effect could not be verified instead of guessing', () => {
      expect(result.outcome).toBe('passed');
      expect(result.effect?.status).toBe('no-data');
      expect(result.effect?.detail).toMatch(
        // The fault starts on a period boundary: its one whole 5-minute period is not readable yet at its end.
        /^no CPUUtilization datapoint of the fault's 300 s \(basic monitoring\) periods was published yet at 09:06:15 UTC/,
      );
      expect(result.reason).toContain('effect not verified');
    });

    it('reads each target at 300 s, the period basic monitoring publishes', () => {
      expect(result.effect?.targets?.map((t) => t.periodSeconds)).toEqual([300, 300, 300]);
    });

    it('concludes Expected yes, Detected not applicable, Handled yes', () => {
      expect(
        [result.conclusions.expected, result.conclusions.detected, result.conclusions.handled].map(
          (f) => f.answer,
        ),
      ).toEqual(['yes', 'not applicable', 'yes']);
    });
  });

  describe('the healthy run', () => {
    let result: ExperimentResult;
    beforeAll(async () => {
      result = resultOf(await rehearse('healthy'));
    });

    it('sees the CPU effect on every target during the fault', () => {
      expect(result.effect?.status).toBe('seen');
      expect(result.effect?.targets?.every((t) => (t.maxCpu ?? 0) >= 60)).toBe(true);
    });

    it('checks every probe at every poll during the fault', () => {
      expect(result.during?.probes.map((p) => [p.id, p.checks, p.failures])).toEqual([
        ['alarm:sock-shop-5xx', 26, 0],
        [HEALTH, 26, 0],
        ['asgCapacity:sock-shop-asg', 26, 0],
        ['metric:AWS/ApplicationELB/TargetResponseTime', 26, 0],
      ]);
    });

    it('skips the probes marked during: false while the fault runs', async () => {
      const run = await rehearse('healthy', (c) => {
        for (const probe of c.experiments[0]?.steadyState ?? [])
          if ('asgCapacity' in probe) probe.asgCapacity.during = false;
      });

      expect(resultOf(run).during?.probes.map((p) => p.id)).not.toContain('asgCapacity:sock-shop-asg');
    });

    it('verifies an SSM fault from the command status per target', async () => {
      const run = await rehearse('healthy', (c) => {
        const stress = c.experiments[0]?.fault.cpuStress;
        if (stress) stress.via = 'ssm';
      });

      expect(resultOf(run).effect).toMatchObject({
        status: 'seen',
        command: 'SSM invocations: 3 of 3 Success',
      });
      expect(resultOf(run).effect?.targets?.map((t) => t.command)).toEqual(['Success', 'Success', 'Success']);
    });
  });

  it('reports an imported template without an effect check as unverified', async () => {
    const run = await runRehearsal({
      loaded: {
        ...loaded,
        config: {
          ...loaded.config,
          experiments: loaded.config.experiments.map((e) => ({
            ...e,
            fault: { fisTemplateId: 'EXTabcdef123456' },
          })),
        },
      },
      scenario: loadScenario(join(ROOT, 'scenarios', 'healthy.yaml')),
      runId: 'run-0001',
    });

    const result = resultOf(run);
    expect([result.outcome, result.effect?.status]).toEqual(['passed', 'unverified']);
    expect(run.emailText).toContain('Effect              unverified: no effect check is configured');
  });
});

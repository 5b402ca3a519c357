// An imported FIS template (fault.fisTemplateId) on the real workflow (state-machines/run-experiments.asl.json
// on the rehearsal engine, scenarios/healthy.yaml): its experiment-level `effect: { metric, min | max }` decides
// whether anything was proven. The healthy scenario's AWS/EC2 CPUUtilization rises to 81 during the fault.
import { join } from 'node:path';
import { loadConfig, type LoadedConfig } from '../../lib/config/load';
import type { Config } from '../../lib/config/schema';
import { runRehearsal, type RehearsalResult } from '../../lib/rehearsal/engine';
import { loadScenario } from '../../lib/rehearsal/scenario';
import type { ExperimentResult } from '../../lambdas/shared/types';

const ROOT = join(__dirname, '..', '..');
const TEMPLATE_ID = 'EXTabcdef123456';

type Experiment = Config['experiments'][number];
type Effect = NonNullable<Experiment['effect']>;

/** The CPU of the web tier's Auto Scaling group: what an imported CPU template should move. */
const CPU_METRIC: NonNullable<Effect['metric']> = {
  namespace: 'AWS/EC2',
  name: 'CPUUtilization',
  dimensions: { AutoScalingGroupName: 'sock-shop-asg' },
  statistic: 'Average',
  period: 'PT1M',
};

describe('an imported FIS template and its effect check (rehearsal engine)', () => {
  let loaded: LoadedConfig;
  beforeAll(() => {
    loaded = loadConfig({ path: 'chaos-cadence.config.yaml', cwd: ROOT });
  });

  /** Rehearses the example experiment with its fault replaced by the imported template and `effect`. */
  const rehearse = (effect: Effect | undefined): Promise<RehearsalResult> => {
    const config = structuredClone(loaded.config);
    config.experiments = config.experiments.slice(0, 1).map((experiment): Experiment => {
      const { effect: _derived, ...rest } = experiment;
      return { ...rest, fault: { fisTemplateId: TEMPLATE_ID }, ...(effect ? { effect } : {}) };
    });
    return runRehearsal({
      loaded: { ...loaded, config },
      scenario: loadScenario(join(ROOT, 'scenarios', 'healthy.yaml')),
      runId: 'run-0001',
    });
  };
  const resultOf = (run: RehearsalResult): ExperimentResult => {
    const result = run.journal?.experiments[0];
    if (!result) throw new Error('no result in the journal');
    return result;
  };

  describe('effect seen: the metric reaches min during the fault', () => {
    let run: RehearsalResult;
    let result: ExperimentResult;
    beforeAll(async () => {
      run = await rehearse({ metric: CPU_METRIC, min: 60 });
      result = resultOf(run);
    });

    it('starts the imported template itself', () => {
      expect(run.calls.filter((c) => c.command === 'StartExperiment').map((c) => c.input)).toEqual([
        expect.objectContaining({ experimentTemplateId: TEMPLATE_ID }),
      ]);
    });

    it('passes, with the effect seen at the metric peak', () => {
      expect(result.outcome).toBe('passed');
      expect(result.effect).toMatchObject({ status: 'seen', value: 81 });
      expect(result.effect?.detail).toBe(
        'CPUUtilization reached 81 during the fault (AWS/EC2 CPUUtilization Average >= 60)',
      );
    });

    it('says on the card that the effect was seen', () => {
      expect(run.emailText).toMatch(/^Effect {14}seen: CPUUtilization reached 81 during the fault/m);
    });
  });

  describe('effect not seen: the metric never reaches min', () => {
    let run: RehearsalResult;
    let result: ExperimentResult;
    beforeAll(async () => {
      run = await rehearse({ metric: CPU_METRIC, min: 95 });
      result = resultOf(run);
    });

    it('is inconclusive: nothing was proven', () => {
      expect(result.outcome).toBe('inconclusive');
      expect(result.effect).toMatchObject({ status: 'not-seen', value: 81 });
      expect(result.effect?.detail).toMatch(
        /^CPUUtilization stayed at most 81 during the fault \(\d+ datapoints\), never >= 95$/,
      );
    });

    it('publishes INCONCLUSIVE in the subject and the effect on the card', () => {
      expect(run.emailSubject).toMatch(/^\[chaos-cadence\] web-cpu-80: INCONCLUSIVE - /);
      expect(run.emailText).toMatch(/^Effect {14}NOT seen: CPUUtilization stayed at most 81/m);
    });

    it('advises checks about the template and its metric, not the CPU stress document it may not use', () => {
      const advice =
        "Check that the template's actions act on what AWS/EC2 CPUUtilization (AutoScalingGroupName=sock-shop-asg) measures, that its targets resolved (the FIS experiment's action states), and that AWS/EC2 CPUUtilization Average >= 95 is reachable under the fault";
      expect(result.advice).toBe(`${advice}; then run it again.`);
      expect(result.conclusions.digDeeper[0]).toContain(advice);
      expect(JSON.stringify(result.conclusions)).not.toContain('SSM agent');
    });
  });

  describe('no effect configured', () => {
    let run: RehearsalResult;
    let result: ExperimentResult;
    beforeAll(async () => {
      run = await rehearse(undefined);
      result = resultOf(run);
    });

    it('judges the run without an effect check and reads no metric for one', () => {
      expect([result.outcome, result.effect?.status]).toEqual(['passed', 'unverified']);
      const effectQueries = run.calls.filter(
        (c) => c.command === 'GetMetricData' && JSON.stringify(c.input).includes('"Id":"effect"'),
      );
      expect(effectQueries).toEqual([]);
    });

    it('says "unverified" on the card and in the report', () => {
      expect(run.emailText).toMatch(/^Effect {14}unverified: no effect check is configured/m);
      expect(run.reportHtml).toContain('<dt>Effect</dt><dd>unverified: no effect check is configured');
    });
  });
});

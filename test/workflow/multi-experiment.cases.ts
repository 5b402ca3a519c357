// A run of two experiments on the real workflow (state-machines/run-experiments.asl.json) and the
// rehearsal engine: the second experiment must never inject while the first one's fault may still be
// running (its stop kept failing, so the Map moved on with the fault unconfirmed).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, parseYamlOrJson, type LoadedConfig } from '../../lib/config/load';
import { runRehearsal, type RehearsalOptions, type RehearsalResult } from '../../lib/rehearsal/engine';
import { parseScenario, type ScenarioInput } from '../../lib/rehearsal/scenario';
import type { RecordedCall } from '../../lib/rehearsal/simulated-account';
import type { ExperimentResult } from '../../lambdas/shared/types';

const ROOT = join(__dirname, '..', '..');
const RUN_ID = 'run-multi-0001';
const FIRST = 'web-cpu-80';
const SECOND = 'web-cpu-80-again';
const HEALTHY = parseYamlOrJson(
  readFileSync(join(ROOT, 'scenarios', 'healthy.yaml'), 'utf8'),
  'scenarios/healthy.yaml',
) as ScenarioInput;

const startsOf = (run: RehearsalResult, experiment: string): RecordedCall[] =>
  run.calls.filter(
    (c) =>
      c.command === 'StartExperiment' &&
      (c.input as { tags?: Record<string, string> }).tags?.['chaos-cadence:experiment'] === experiment,
  );
const resultsOf = (run: RehearsalResult): readonly ExperimentResult[] =>
  (run.output as { results: readonly ExperimentResult[] }).results;
const resultOf = (run: RehearsalResult, name: string): ExperimentResult | undefined =>
  resultsOf(run).find((r) => r.name === name);

describe('run-experiments workflow with two experiments (rehearsal engine)', () => {
  let twoExperiments: LoadedConfig;
  beforeAll(() => {
    const loaded = loadConfig({ path: 'chaos-cadence.config.yaml', cwd: ROOT });
    const config = structuredClone(loaded.config);
    const first = config.experiments[0];
    if (!first || first.name !== FIRST)
      throw new Error(`the example config's first experiment is not ${FIRST}`);
    config.experiments.push({ ...structuredClone(first), name: SECOND });
    twoExperiments = { ...loaded, config };
  });

  const rehearse = (options: Partial<Omit<RehearsalOptions, 'loaded' | 'scenario'>> = {}) =>
    runRehearsal({ loaded: twoExperiments, scenario: parseScenario(HEALTHY), runId: RUN_ID, ...options });

  describe('when the first experiment fault could not be stopped', () => {
    let run: RehearsalResult;
    beforeAll(async () => {
      run = await rehearse({
        taskFaults: { PollStopConditions: { mode: 'throw' }, StopFaultAfterError: { mode: 'throw' } },
      });
    });

    it('leaves the first fault unconfirmed (the premise)', () => {
      expect([resultOf(run, FIRST)?.outcome, resultOf(run, FIRST)?.reason]).toEqual([
        'failed',
        expect.stringContaining('AND STOPPING THE FAULT FAILED'),
      ]);
    });

    it('does not start the second experiment fault', () => {
      expect([startsOf(run, FIRST).length, startsOf(run, SECOND)]).toEqual([1, []]);
    });

    it('records the second experiment as failed by PreviousFaultRunningError at StartFault', () => {
      const second = resultOf(run, SECOND);

      expect([second?.outcome, second?.error?.error, second?.error?.state]).toEqual([
        'failed',
        'PreviousFaultRunningError',
        'StartFault',
      ]);
      expect(second?.error?.error).toBe('PreviousFaultRunningError');
      expect(second?.reason).toMatch(
        /^not injected: an earlier fault of this run is still running \(.*EXP\w+ of web-cpu-80/,
      );
    });

    it('names the first experiment unfinished fault in the second experiment error', () => {
      const [firstFault] = run.account.fisExperiments;

      expect(firstFault?.tags['chaos-cadence:experiment']).toBe(FIRST);
      expect(resultOf(run, SECOND)?.error?.cause).toContain(`fis ${firstFault?.id} of ${FIRST} (running)`);
    });

    it('publishes both results', () => {
      expect(run.journal?.experiments.map((e) => `${e.name} ${e.outcome}`)).toEqual([
        `${FIRST} failed`,
        `${SECOND} failed`,
      ]);
    });
  });

  it('does not send the second SSM command while the first one could not be cancelled', async () => {
    const viaSsm = structuredClone(twoExperiments.config);
    for (const experiment of viaSsm.experiments) {
      if (experiment.fault.cpuStress) experiment.fault.cpuStress.via = 'ssm';
    }

    const run = await runRehearsal({
      loaded: { ...twoExperiments, config: viaSsm },
      scenario: parseScenario(HEALTHY),
      runId: RUN_ID,
      taskFaults: { PollStopConditions: { mode: 'throw' }, StopFaultAfterError: { mode: 'throw' } },
    });

    const comments = run.calls
      .filter((c) => c.command === 'SendCommand')
      .map((c) => (c.input as { Comment?: string }).Comment);
    expect(comments).toEqual([`chaos-cadence:${RUN_ID}:${FIRST}`]);
    expect(resultOf(run, SECOND)?.error?.error).toBe('PreviousFaultRunningError');
  });

  it('injects both experiments, one after the other, when both pass', async () => {
    const run = await rehearse();

    expect(resultsOf(run).map((r) => `${r.name} ${r.outcome}`)).toEqual([
      `${FIRST} passed`,
      `${SECOND} passed`,
    ]);
    expect([startsOf(run, FIRST).length, startsOf(run, SECOND).length]).toEqual([1, 1]);
  });

  describe('when the first fault could not be stopped until the second experiment refused to inject', () => {
    let run: RehearsalResult;
    beforeAll(async () => {
      // StopFaultAfterError fails for every attempt of the first experiment (1 + 5 retries), then works.
      run = await rehearse({
        taskFaults: {
          PollStopConditions: { mode: 'throw', times: 1 },
          StopFaultAfterError: { mode: 'throw', times: 6 },
        },
      });
    });

    it('stops the first experiment fault from the second experiment error path', () => {
      const firstId = startsOf(run, FIRST)
        .map((c) => (c.output as { experiment?: { id?: string } } | undefined)?.experiment?.id)
        .find(Boolean);
      const stops = run.calls.filter((c) => c.command === 'StopExperiment' && !c.error);

      expect(resultOf(run, SECOND)?.error?.error).toBe('PreviousFaultRunningError');
      expect(stops.map((c) => (c.input as { id: string }).id)).toContain(firstId);
      expect(resultOf(run, SECOND)?.stop?.earlierFaults?.[0]).toMatch(
        new RegExp(`^fis ${firstId} of ${FIRST}: (stopping|stopped)`),
      );
    });
  });
});

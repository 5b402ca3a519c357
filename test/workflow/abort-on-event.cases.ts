// The event path of an abort on the real workflow: the simulated EventBridge delivers the alarm's
// transition to ALARM (or the kill switch's change) to the abort-on-event function after its delivery
// delay; the function stops the fault at once, and the workflow's next poll records who stopped it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, parseYamlOrJson, type LoadedConfig } from '../../lib/config/load';
import { ABORT_ON_EVENT_STATE, runRehearsal, type RehearsalResult } from '../../lib/rehearsal/engine';
import { parseScenario, type ScenarioInput } from '../../lib/rehearsal/scenario';
import type { ExperimentResult } from '../../lambdas/shared/types';

const ROOT = join(__dirname, '..', '..');
const HEALTHY = parseYamlOrJson(
  readFileSync(join(ROOT, 'scenarios', 'healthy.yaml'), 'utf8'),
  'scenarios/healthy.yaml',
) as ScenarioInput;
const ALARM_AT = 100;
const alarms: ScenarioInput['alarms'] = {
  'sock-shop-5xx': [
    { at: '0s', state: 'OK' },
    { at: `fault+${ALARM_AT}s`, state: 'ALARM' },
  ],
  'sock-shop-instance-count-low': [{ at: '0s', state: 'OK' }],
};

const resultOf = (run: RehearsalResult): ExperimentResult | undefined =>
  (run.output as { results: ExperimentResult[] }).results[0];
const firstStop = (run: RehearsalResult) =>
  run.calls.find(
    (c) => (c.command === 'StopExperiment' || c.command === 'CancelCommand') && c.error === undefined,
  );
const faultStartMs = (run: RehearsalResult): number => run.account.faultStartedAt()?.getTime() ?? Number.NaN;

describe('abort on the alarm event (workflow)', () => {
  let loaded: LoadedConfig;
  let viaSsm: LoadedConfig;
  beforeAll(() => {
    loaded = loadConfig({ path: 'chaos-cadence.config.yaml', cwd: ROOT });
    const config = structuredClone(loaded.config);
    const stress = config.experiments[0]?.fault.cpuStress;
    if (stress) stress.via = 'ssm';
    viaSsm = { ...loaded, config };
  });
  const rehearse = (scenario: Partial<ScenarioInput>, config: LoadedConfig = loaded) =>
    runRehearsal({
      loaded: config,
      scenario: parseScenario({ ...HEALTHY, ...scenario }),
      runId: 'run-event',
    });

  it.each([
    ['FIS', () => loaded],
    ['SSM', () => viaSsm],
  ] as const)(
    '%s: stops the fault 1 s after the alarm enters ALARM, and records stoppedBy event',
    async (_mode, config) => {
      const run = await rehearse({ alarms }, config());

      const stop = firstStop(run);
      const result = resultOf(run);
      expect(Date.parse(stop?.at ?? '') - (faultStartMs(run) + ALARM_AT * 1000)).toBe(1000);
      expect(run.callStates[run.calls.indexOf(stop as never)]).toBe(ABORT_ON_EVENT_STATE);
      expect(result?.outcome).toBe('aborted');
      expect(result?.stoppedBy).toBe('event');
      expect(result?.timeToStopSeconds).toBe(1);
      expect(run.emailText).toContain('abort-on-event');
    },
  );

  it('stops the fault when the kill switch turns on, measuring the time to stop from its LastModifiedDate', async () => {
    const run = await rehearse({
      killSwitch: [
        { at: '0s', value: 'off' },
        { at: 'fault+62s', value: 'on' },
      ],
    });

    const stop = firstStop(run);
    expect(Date.parse(stop?.at ?? '') - (faultStartMs(run) + 62_000)).toBe(1000);
    expect(resultOf(run)).toMatchObject({ outcome: 'aborted', stoppedBy: 'event', timeToStopSeconds: 1 });
  });

  it('honours the scenario delivery delay', async () => {
    const run = await rehearse({ alarms, events: { deliveryDelaySeconds: 4 } });

    expect(Date.parse(firstStop(run)?.at ?? '') - (faultStartMs(run) + ALARM_AT * 1000)).toBe(4000);
  });

  it('falls back to the poll when the events are dropped: stopped within one poll interval, stoppedBy poll', async () => {
    const run = await rehearse({ alarms, events: { drop: true } });

    const delay = Date.parse(firstStop(run)?.at ?? '') - (faultStartMs(run) + ALARM_AT * 1000);
    expect(delay).toBeLessThanOrEqual(15_000);
    expect(resultOf(run)).toMatchObject({ outcome: 'aborted', stoppedBy: 'poll' });
    expect(run.account.eventBus?.delivered.every((e) => e.dropped)).toBe(true);
  });

  it('records a FIS native stop (the experiment stopped itself on its stop condition) as fis-native', async () => {
    const run = await rehearse({
      alarms,
      events: { drop: true },
      fis: {
        end: 'stopped',
        at: `fault+${ALARM_AT + 2}s`,
        reason: 'Experiment stopped by a stop condition.',
      },
    });

    expect(resultOf(run)).toMatchObject({ outcome: 'aborted', stoppedBy: 'fis-native' });
  });
});

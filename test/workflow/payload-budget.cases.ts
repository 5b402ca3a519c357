import { join } from 'node:path';
import { buildRunConfig } from '../../lib/config/plan';
import {
  PAYLOAD_BUDGET_BYTES,
  PayloadBudgetError,
  checkPayloadBudget,
} from '../../lib/workflow/payload-budget';
import { maxProbes, measurePayload, neverRecovers, wideConfig } from '../../bench/payloads';

const ROOT = join(__dirname, '..', '..');
const CONFIG = join(ROOT, 'chaos-cadence.config.yaml');

describe('state payload budget', () => {
  it('refuses a config whose worst case exceeds 128 KiB, naming the experiments and their probes', () => {
    const loaded = wideConfig(CONFIG, 10, 12);

    const check = () => checkPayloadBudget(buildRunConfig(loaded.config, loaded.hash));

    expect(check).toThrow(PayloadBudgetError);
    expect(check).toThrow(/web-cpu-\d\d \(\d+ KiB: 12 steadyState probes, 12 recovery\.expect probes\)/);
  });

  it('accepts the shipped config', () => {
    const loaded = wideConfig(CONFIG, 1, 4);

    expect(() => checkPayloadBudget(buildRunConfig(loaded.config, loaded.hash))).not.toThrow();
  });

  it('keeps a run of 10 experiments with the most probes the budget allows, none recovering, within 128 KiB and its synth-time bound', async () => {
    const probes = maxProbes(CONFIG, 10);

    const figures = await measurePayload(
      'worst case',
      wideConfig(CONFIG, 10, probes),
      neverRecovers(join(ROOT, 'scenarios', 'healthy.yaml')),
    );

    expect(figures.outcomes).toBe('10 deviated');
    expect(figures.largestBytes).toBeLessThanOrEqual(figures.boundBytes);
    expect(figures.boundBytes).toBeLessThanOrEqual(PAYLOAD_BUDGET_BYTES);
  });
});

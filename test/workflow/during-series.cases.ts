// The full during-fault series on the real workflow (state-machines/run-experiments.asl.json on the
// rehearsal engine): a 2-hour fault whose /health flaps every minute. The state carries the capped
// summary (24 stretches per probe); each PollStopConditions batch writes its checks to S3 under
// probe-series/<run id>/, and PublishResults joins every one into the journal and the report's lanes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, parseYamlOrJson } from '../../lib/config/load';
import { runRehearsal, type RehearsalResult } from '../../lib/rehearsal/engine';
import { parseScenario } from '../../lib/rehearsal/scenario';
import { MAX_SEGMENTS, type ExperimentResult } from '../../lambdas/shared/types';
import { journalValidator } from '../render/journal-schema';

const ROOT = join(__dirname, '..', '..');
const HEALTH = 'http:GET https://shop.example.com/health';
const URL = 'https://shop.example.com/health';
const FAULT_MINUTES = 120;

describe('the full during-fault series of a long fault (rehearsal engine)', () => {
  let run: RehearsalResult;
  let result: ExperimentResult;
  beforeAll(async () => {
    const loaded = loadConfig({ path: 'chaos-cadence.config.yaml', cwd: ROOT });
    const config = structuredClone(loaded.config);
    config.maxFaultDuration = 'PT12H';
    config.experiments = config.experiments.slice(0, 1);
    const experiment = config.experiments[0];
    if (!experiment?.fault.cpuStress) throw new Error('the example experiment has no cpuStress');
    experiment.fault.cpuStress.duration = `PT${FAULT_MINUTES}M`;
    // /health fails for 15 s every minute during the fault: a degraded impact, within the expectation.
    experiment.expectedImpact = 'outage';
    const file = join(ROOT, 'scenarios', 'healthy.yaml');
    const healthy = parseYamlOrJson(readFileSync(file, 'utf8'), file) as Record<string, unknown>;
    const flapping = Array.from({ length: FAULT_MINUTES }, (_, m) => [
      { at: `fault+${m * 60}s`, status: 200 },
      { at: `fault+${m * 60 + 30}s`, status: 503 },
      { at: `fault+${m * 60 + 40}s`, status: 200 },
    ]).flat();
    const scenario = parseScenario({ ...healthy, http: { [URL]: [{ at: '0s', status: 200 }, ...flapping] } });
    run = await runRehearsal({ loaded: { ...loaded, config }, scenario, runId: 'run-0001' });
    const first = run.journal?.experiments[0];
    if (!first) throw new Error('no result in the journal');
    result = first;
  }, 120_000);

  it('keeps the state summary capped: at most 24 stretches, the others counted as dropped', () => {
    const health = result.during?.probes.find((p) => p.id === HEALTH);
    expect(health?.segments).toHaveLength(MAX_SEGMENTS);
    expect(health?.droppedSegments).toBeGreaterThan(0);
  });

  it('writes one series object per poll batch under the run prefix, and nothing else travels in the state', () => {
    const puts = run.calls.filter(
      (c) =>
        c.command === 'PutObject' && String((c.input as { Key?: string }).Key).startsWith('probe-series/'),
    );
    expect(result.during?.series?.batches).toBe(puts.length);
    expect(puts.map((c) => (c.input as { Key?: string }).Key)[0]).toBe(
      'probe-series/run-0001/web-cpu-80/00001.json',
    );
    expect(result.during?.series?.unwritten).toBeUndefined();
  });

  it('keeps what travels in the state small while the journal carries the whole series', () => {
    const stateBytes = Buffer.byteLength(JSON.stringify(result.during));
    const seriesBytes = Buffer.byteLength(JSON.stringify(result.duringSeries));
    expect(stateBytes).toBeLessThan(16 * 1024);
    expect(seriesBytes).toBeGreaterThan(4 * stateBytes);
  });

  it('joins every check of every probe into the journal', () => {
    const series = result.duringSeries;
    expect(series?.missing).toBeUndefined();
    for (const probe of result.during?.probes ?? []) {
      expect(series?.probes[probe.id]).toHaveLength(probe.checks + probe.unevaluated);
    }
    expect(result.during?.checks).toBeGreaterThanOrEqual((FAULT_MINUTES * 60) / 15 - 1);
  });

  it('records each failure in the series: as many failing checks as the summary counts', () => {
    const failing = (result.duringSeries?.probes[HEALTH] ?? []).filter((o) => o.ok === false);
    const health = result.during?.probes.find((p) => p.id === HEALTH);
    expect(failing.length).toBe(health?.failures);
    expect(failing.length).toBeGreaterThan(FAULT_MINUTES / 2);
  });

  it('draws the report lanes from the full series: every failing stretch, none "not kept"', () => {
    const html = run.reportHtml ?? '';
    const lane =
      /<g class="lane" data-probe="http:GET https:\/\/shop.example.com\/health"[\s\S]*?<\/g>/.exec(
        html,
      )?.[0] ?? '';
    const failingStretches = (lane.match(/class="probe-fail"/g) ?? []).length;
    const health = result.during?.probes.find((p) => p.id === HEALTH);
    expect(failingStretches).toBeGreaterThan(MAX_SEGMENTS);
    expect(failingStretches).toBeLessThanOrEqual(health?.failures ?? 0);
    expect(lane).not.toContain('not kept');
  });

  it('writes a journal the JSON Schema accepts', () => {
    const validate = journalValidator();
    expect(validate(run.journal)).toBe(true);
  });
});

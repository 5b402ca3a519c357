import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type LoadedConfig } from '../../lib/config/load';
import {
  defaultRunId,
  rehearsalSettings,
  runRehearsal,
  writeRehearsalFiles,
  type ProgressLine,
  type RehearsalOptions,
} from '../../lib/rehearsal/engine';
import { parseScenario } from '../../lib/rehearsal/scenario';

const ROOT = join(__dirname, '..', '..');

/** A tiny workflow: one Task (30 s timeout, caught), a 6-minute Wait. */
const TINY_ASL = JSON.stringify({
  StartAt: 'Work',
  States: {
    Work: {
      Type: 'Task',
      Resource: 'arn:aws:lambda:eu-central-1:123456789012:function:work',
      TimeoutSeconds: 30,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Caught' }],
      ResultPath: '$.work',
      Next: 'Pause',
    },
    Pause: { Type: 'Wait', Seconds: 360, Next: 'Done' },
    Caught: { Type: 'Pass', End: true },
    Done: { Type: 'Succeed' },
  },
});

describe('runRehearsal (engine)', () => {
  let loaded: LoadedConfig;
  const scenario = parseScenario({ now: '2026-12-01T10:00:00+01:00' });
  beforeAll(() => {
    loaded = loadConfig({ path: 'chaos-cadence.config.yaml', cwd: ROOT });
  });

  const tiny = (extra: Partial<RehearsalOptions> = {}): Promise<Awaited<ReturnType<typeof runRehearsal>>> =>
    runRehearsal({
      loaded,
      scenario,
      definitionText: TINY_ASL,
      taskHandlers: { Work: () => Promise.resolve({ done: true, at: new Date().toISOString() }) },
      ...extra,
    });

  it('runs Wait states in virtual time', async () => {
    const result = await tiny();

    expect(result.statesVisited).toEqual(['Work', 'Pause', 'Done']);
    expect(result.virtualSeconds).toBe(360);
    expect(result.wallMs).toBeLessThan(3000);
  });

  it('gives the Task handlers the virtual time of the scenario', async () => {
    const result = await tiny();

    expect(result.output).toMatchObject({ work: { at: '2026-12-01T09:00:00.000Z' } });
  });

  it('makes a Task throw when a task fault says so', async () => {
    const result = await tiny({ taskFaults: { Work: { mode: 'throw', error: 'Lambda.ServiceException' } } });

    expect(result.statesVisited).toEqual(['Work', 'Caught']);
    expect(result.output).toMatchObject({ error: { Error: 'Lambda.ServiceException' } });
  });

  it('makes a Task hang past its TimeoutSeconds when a task fault says so', async () => {
    const result = await tiny({ taskFaults: { Work: { mode: 'hang' } } });

    expect(result.output).toMatchObject({ error: { Error: 'States.Timeout' } });
    expect(result.virtualSeconds).toBe(30);
  });

  it('emits a progress line per state with its time in the run', async () => {
    const lines: ProgressLine[] = [];

    await tiny({ onProgress: (line) => lines.push(line) });

    expect(lines.map((l) => [l.atSeconds, l.state])).toEqual([
      [0, 'Work'],
      [0, 'Pause'],
      [360, 'Done'],
    ]);
  });

  it('reports a failed execution with its error', async () => {
    const failing = JSON.stringify({
      StartAt: 'Boom',
      States: { Boom: { Type: 'Fail', Error: 'Nope', Cause: 'why' } },
    });

    const result = await runRehearsal({ loaded, scenario, definitionText: failing, taskHandlers: {} });

    expect([result.status, result.error?.error]).toEqual(['FAILED', 'Nope']);
  });

  it('rejects an invalid definition and puts the real clock back', async () => {
    const invalid = JSON.stringify({ StartAt: 'Missing', States: { Other: { Type: 'Succeed' } } });

    const run = runRehearsal({ loaded, scenario, definitionText: invalid, taskHandlers: {} });

    await expect(run).rejects.toThrow();
    expect(Math.abs(Date.now() - performance.timeOrigin - performance.now())).toBeLessThan(60_000);
  });
});

describe('defaultRunId', () => {
  it('names the run by its start time and experiments', () => {
    expect(defaultRunId(new Date('2026-12-01T09:00:00Z'), ['web-cpu-80'])).toBe(
      'rehearsal-20261201T090000Z-web-cpu-80',
    );
  });

  it('stays within the 80 characters of an execution name', () => {
    expect(defaultRunId(new Date(), ['x'.repeat(100)])).toHaveLength(80);
  });
});

describe('rehearsalSettings', () => {
  it('takes the guard rails and time zone from the config', () => {
    const loaded = loadConfig({ path: 'chaos-cadence.config.yaml', cwd: ROOT });

    const settings = rehearsalSettings(loaded, { region: 'us-east-1' });

    expect(settings).toMatchObject({
      region: 'us-east-1',
      killSwitchParameter: '/chaos-cadence/ChaosCadence/kill-switch',
      timeZone: 'Europe/Berlin',
      allowedHours: { start: '09:00', end: '16:00' },
    });
  });
});

describe('writeRehearsalFiles', () => {
  it('writes the calls and metrics of a run under its run id', async () => {
    const loaded = loadConfig({ path: 'chaos-cadence.config.yaml', cwd: ROOT });
    const result = await runRehearsal({
      loaded,
      scenario: parseScenario({ now: '2026-12-01T10:00:00+01:00' }),
      definitionText: TINY_ASL,
      taskHandlers: { Work: () => Promise.resolve({}) },
      runId: 'rehearsal-test',
    });
    const out = mkdtempSync(join(tmpdir(), 'rehearsal-'));

    const written = writeRehearsalFiles(result, out);

    expect(written.dir).toBe(join(out, 'rehearsal-test'));
    expect(JSON.parse(readFileSync(join(written.dir, 'calls.json'), 'utf8'))).toEqual([]);
    expect(existsSync(join(written.dir, 'metrics.json'))).toBe(true);
  });
});

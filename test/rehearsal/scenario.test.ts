import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../lib/config/errors';
import { loadScenario, parseScenario, parseTimeRef, valueAt } from '../../lib/rehearsal/scenario';

const minimal = { now: '2026-12-01T10:00:00+01:00' };

function problemsOf(action: () => unknown): { path: string; message: string }[] {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseTimeRef', () => {
  it('reads seconds from the run start', () => {
    expect(parseTimeRef('90s')).toEqual({ base: 'run', offsetSeconds: 90 });
  });

  it('reads seconds from the fault start', () => {
    expect(parseTimeRef('fault+240s')).toEqual({ base: 'fault', offsetSeconds: 240 });
  });

  it('reads minutes', () => {
    expect(parseTimeRef('fault+4m')).toEqual({ base: 'fault', offsetSeconds: 240 });
  });

  it('rejects text that is not a time', () => {
    expect(parseTimeRef('soon')).toBeUndefined();
  });
});

describe('parseScenario', () => {
  it('fills the defaults of a minimal scenario', () => {
    const scenario = parseScenario(minimal);

    expect(scenario).toMatchObject({
      changeCalendar: 'OPEN',
      runningExecutions: 0,
      fis: { end: 'completed' },
      ssm: { end: 'Success' },
      apiFailures: [],
    });
    expect(scenario.now.toISOString()).toBe('2026-12-01T09:00:00.000Z');
    expect(scenario.killSwitch).toBeUndefined();
  });

  it('rejects a bad timeline time naming its path', () => {
    const data = {
      ...minimal,
      alarms: {
        'sock-shop-5xx': [
          { at: '0s', state: 'OK' },
          { at: 'later', state: 'ALARM' },
        ],
      },
    };

    const problems = problemsOf(() => parseScenario(data, 'scenarios/x.yaml'));

    expect(problems).toEqual([expect.objectContaining({ path: 'alarms.sock-shop-5xx[1].at' })]);
    expect(problems[0]?.message).toMatch(/fault\+<n>s/);
  });

  it('rejects an unknown alarm state naming its path', () => {
    const data = { ...minimal, alarms: { 'sock-shop-5xx': [{ at: '0s', state: 'RED' }] } };

    expect(problemsOf(() => parseScenario(data))[0]?.path).toBe('alarms.sock-shop-5xx[0].state');
  });

  it('rejects a timeline without a value from the run start', () => {
    const data = { ...minimal, asgs: { asg: [{ at: 'fault+60s', inService: 4 }] } };

    const problems = problemsOf(() => parseScenario(data));

    expect(problems).toEqual([
      { path: 'asgs.asg', message: expect.stringMatching(/entry at 0s/) as unknown },
    ]);
  });

  it('rejects an API failure on a service the account does not simulate', () => {
    const data = { ...minimal, apiFailures: [{ call: 'lambda:Invoke', error: 'ThrottlingException' }] };

    expect(problemsOf(() => parseScenario(data))[0]?.path).toBe('apiFailures[0].call');
  });

  it('rejects an unknown top-level key', () => {
    expect(problemsOf(() => parseScenario({ ...minimal, alarm: {} }))[0]?.message).toMatch(/alarm/);
  });

  it('rejects a now that is not a date naming the file', () => {
    const error = (() => {
      try {
        parseScenario({ now: 'tuesday' }, 'scenarios/bad.yaml');
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();

    expect(error?.message).toMatch(/scenarios\/bad\.yaml: now: now must be an ISO 8601 date-time/);
  });
});

describe('loadScenario', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scenario-'));

  it('loads a YAML file', () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, 'now: 2026-12-01T10:00:00Z\nkillSwitch: [{ at: 0s, value: "off" }]\n');

    expect(loadScenario(file).killSwitch).toEqual([{ at: { base: 'run', offsetSeconds: 0 }, value: 'off' }]);
  });

  it('rejects a YAML syntax error naming the file and line', () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'now: 2026-12-01T10:00:00Z\nalarms: [\n');

    expect(() => loadScenario(file)).toThrow(new RegExp(`${file}: line \\d`));
  });

  it('rejects a missing file naming it', () => {
    expect(() => loadScenario(join(dir, 'missing.yaml'))).toThrow(/missing\.yaml.*not found/);
  });
});

describe('valueAt', () => {
  const start = Date.parse('2026-12-01T09:00:00Z');
  const entries =
    parseScenario({
      ...minimal,
      asgs: {
        asg: [
          { at: '0s', inService: 3 },
          { at: 'fault+240s', inService: 4 },
        ],
      },
    }).asgs.asg ?? [];

  it('holds the last value reached', () => {
    expect(valueAt(entries, start + 3_600_000, start, undefined)?.entry.inService).toBe(3);
  });

  it('reaches fault-relative entries only once the fault started', () => {
    const fault = start + 60_000;

    const found = valueAt(entries, fault + 240_000, start, fault);

    expect([found?.entry.inService, found?.sinceMs]).toEqual([4, fault + 240_000]);
  });

  it('keeps the earlier value just before a fault-relative entry', () => {
    const fault = start + 60_000;

    expect(valueAt(entries, fault + 239_000, start, fault)?.entry.inService).toBe(3);
  });
});

import { parseConfigText } from '../../lib/config/load';
import { nextRuns } from '../../lib/cadence/next-runs';
import {
  HeadsUpScheduleError,
  headsUpSchedule,
  runsDueForHeadsUp,
  type HeadsUpCadence,
} from '../../lib/cadence/heads-up';

const FROM = new Date('2026-11-21T12:00:00Z');
const FIRST_TUESDAY = 'cron(0 10 ? * TUE#1 *)';

/** Every firing of the heads-up schedule until `until`, paired with the runs each one announces. */
function announcements(cadence: HeadsUpCadence, until: Date): { firedAt: Date; run: Date }[] {
  const schedule = headsUpSchedule(cadence, FROM);
  const pairs: { firedAt: Date; run: Date }[] = [];
  let from = FROM;
  for (;;) {
    const batch = nextRuns(schedule.expression, schedule.timeZone, 1000, from).filter((t) => t < until);
    for (const firedAt of batch) {
      for (const run of runsDueForHeadsUp(cadence, firedAt)) pairs.push({ firedAt, run });
    }
    const last = batch[batch.length - 1];
    if (batch.length < 1000 || !last) return pairs;
    from = last;
  }
}

describe('headsUpSchedule and runsDueForHeadsUp', () => {
  it.each(['Europe/Berlin', 'America/New_York'])(
    'announces each of the next 24 first-Tuesday 10:00 runs in %s exactly 24 h before it, across DST',
    (timeZone) => {
      const cadence: HeadsUpCadence = { expression: FIRST_TUESDAY, timeZone, headsUp: 'PT24H' };
      const runs = nextRuns(FIRST_TUESDAY, timeZone, 24, FROM);
      const until = new Date((runs[23] as Date).getTime() + 1);

      const pairs = announcements(cadence, until);

      expect(pairs.map((p) => p.run.toISOString())).toEqual(runs.map((r) => r.toISOString()));
      expect(pairs.map((p) => p.run.getTime() - p.firedAt.getTime())).toEqual(
        runs.map(() => 24 * 3600 * 1000),
      );
      // The window spans both DST changes of two years: runs are at 10:00 local in winter and summer.
      expect(new Set(runs.map((r) => r.getUTCHours())).size).toBe(2);
    },
  );

  it('fires daily at the run time of day in the cadence time zone for first-Tuesday 10:00 with PT24H', () => {
    const schedule = headsUpSchedule(
      { expression: FIRST_TUESDAY, timeZone: 'Europe/Berlin', headsUp: 'PT24H' },
      FROM,
    );

    expect(schedule).toMatchObject({ expression: 'cron(0 10 * * ? *)', timeZone: 'Europe/Berlin' });
  });

  it('falls back to an hourly schedule when DST changes between a heads-up and its run, and stays exact', () => {
    // Sunday 10:00 Berlin: the Saturday before the spring change is 23 h of wall clock away.
    const cadence: HeadsUpCadence = {
      expression: 'cron(0 10 ? * SUN *)',
      timeZone: 'Europe/Berlin',
      headsUp: 'PT24H',
    };
    // Runs whose heads-up is still ahead of FROM, through the spring change of 2027.
    const runs = nextRuns(
      cadence.expression,
      cadence.timeZone,
      20,
      new Date(FROM.getTime() + 24 * 3600 * 1000),
    );

    const schedule = headsUpSchedule(cadence, FROM);
    const pairs = announcements(cadence, new Date((runs[19] as Date).getTime() + 1));

    expect(schedule.expression).toBe('cron(0 * * * ? *)');
    expect(pairs.map((p) => p.run.toISOString())).toEqual(runs.map((r) => r.toISOString()));
    expect(pairs.every((p) => p.run.getTime() - p.firedAt.getTime() === 24 * 3600 * 1000)).toBe(true);
  });

  it('announces a run exactly PT72H ahead even when that falls in the previous month', () => {
    const cadence: HeadsUpCadence = { expression: FIRST_TUESDAY, timeZone: 'UTC', headsUp: 'PT72H' };
    const run = new Date('2026-12-01T10:00:00Z');

    expect(runsDueForHeadsUp(cadence, new Date('2026-11-28T10:00:00Z'))).toEqual([run]);
    expect(runsDueForHeadsUp(cadence, new Date('2026-11-29T10:00:00Z'))).toEqual([]);
  });

  it('rejects a rate() cadence: its runs are not known ahead', () => {
    const cadence: HeadsUpCadence = { expression: 'rate(30 days)', timeZone: 'UTC', headsUp: 'PT24H' };

    expect(() => headsUpSchedule(cadence, FROM)).toThrow(HeadsUpScheduleError);
    expect(() => headsUpSchedule(cadence, FROM)).toThrow(/rate\(\) schedule is anchored/);
  });

  it('rejects a cadence with headsUp false', () => {
    expect(() =>
      headsUpSchedule({ expression: FIRST_TUESDAY, timeZone: 'UTC', headsUp: false }, FROM),
    ).toThrow(/headsUp: false/);
  });
});

describe('cadence.headsUp in the config', () => {
  const experiment = `
experiments:
  - name: web-cpu-80
    application: sock-shop
    hypothesis: If CPU on all web hosts rises to 80 %, availability is not impacted
    steadyState: [ { alarm: { name: sock-shop-5xx } } ]
    fault: { cpuStress: { targets: { tags: { app: sock-shop } } } }
    stopConditions: [ { alarm: sock-shop-5xx } ]
`;

  it('defaults to PT24H', () => {
    const config = parseConfigText(experiment, 'c.yaml');

    expect(config.cadence.headsUp).toBe('PT24H');
  });

  it('accepts false: no heads-up', () => {
    const config = parseConfigText(`cadence: { headsUp: false }\n${experiment}`, 'c.yaml');

    expect(config.cadence.headsUp).toBe(false);
  });

  it('rejects a heads-up shorter than an hour, naming the field', () => {
    expect(() => parseConfigText(`cadence: { headsUp: PT10M }\n${experiment}`, 'c.yaml')).toThrow(
      /cadence\.headsUp.*cadence\.headsUp must be at least 3600 s \(got "PT10M"\)/s,
    );
  });
});

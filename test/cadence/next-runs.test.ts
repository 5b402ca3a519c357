import { ScheduleExpressionError } from '../../lib/cadence/expression';
import { atInstant, formatRun, nextRuns, TimeZoneError } from '../../lib/cadence/next-runs';

const DAY_MS = 86_400_000;
const DEFAULT_CADENCE = 'cron(0 10 ? * TUE#1 *)';
const FROM = new Date('2026-01-01T00:00:00Z');

/** Wall-clock fields of an instant in a time zone, read with Intl (independent of croner). */
function local(date: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    weekday: get('weekday'),
    date: `${get('year')}-${get('month')}-${get('day')}`,
    day: Number(get('day')),
    time: `${get('hour')}:${get('minute')}`,
  };
}

/** Whole calendar days between two local dates (DST-proof: compares dates, not instants). */
function calendarDays(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

describe('nextRuns of the default cadence cron(0 10 ? * TUE#1 *)', () => {
  describe.each(['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney', 'UTC'])(
    'in %s',
    (timeZone) => {
      const runs = nextRuns(DEFAULT_CADENCE, timeZone, 24, FROM);
      const locals = runs.map((run) => local(run, timeZone));

      it('computes 24 runs', () => {
        expect(runs).toHaveLength(24);
      });

      it('runs on a Tuesday at 10:00 local time, every time', () => {
        expect(locals.every((l) => l.weekday === 'Tue' && l.time === '10:00')).toBe(true);
      });

      it('runs on the first Tuesday of the month (day 1-7)', () => {
        expect(locals.every((l) => l.day >= 1 && l.day <= 7)).toBe(true);
      });

      it('spaces runs 28 or 35 calendar days apart', () => {
        const gaps = locals.slice(1).map((l, i) => calendarDays(locals[i]?.date ?? '', l.date));

        expect(gaps.every((gap) => gap === 28 || gap === 35)).toBe(true);
      });

      it('starts with the first Tuesday of January 2026', () => {
        expect(locals[0]?.date).toBe('2026-01-06');
      });
    },
  );

  it('moves with DST in Europe/Berlin: 09:00 UTC in winter, 08:00 UTC in summer', () => {
    const runs = nextRuns(DEFAULT_CADENCE, 'Europe/Berlin', 4, FROM).map((d) => d.toISOString());

    expect(runs).toEqual([
      '2026-01-06T09:00:00.000Z',
      '2026-02-03T09:00:00.000Z',
      '2026-03-03T09:00:00.000Z',
      '2026-04-07T08:00:00.000Z',
    ]);
  });

  it('moves with DST in Australia/Sydney: summer is UTC+11, winter UTC+10', () => {
    const [january, july] = [
      nextRuns(DEFAULT_CADENCE, 'Australia/Sydney', 1, FROM)[0],
      nextRuns(DEFAULT_CADENCE, 'Australia/Sydney', 1, new Date('2026-07-01T00:00:00Z'))[0],
    ];

    expect([january?.toISOString(), july?.toISOString()]).toEqual([
      '2026-01-05T23:00:00.000Z',
      '2026-07-07T00:00:00.000Z',
    ]);
  });

  it('gives the same wall-clock time in New York across the March DST change', () => {
    const runs = nextRuns(DEFAULT_CADENCE, 'America/New_York', 2, new Date('2026-02-15T00:00:00Z'));

    expect(runs.map((d) => d.toISOString())).toEqual([
      '2026-03-03T15:00:00.000Z',
      '2026-04-07T14:00:00.000Z',
    ]);
  });

  it('runs a cron time that falls in the spring DST gap at the first valid time after it', () => {
    const runs = nextRuns('cron(30 2 ? * SUN *)', 'Europe/Berlin', 1, new Date('2026-03-22T12:00:00Z'));

    expect(runs[0]?.toISOString()).toBe('2026-03-29T01:00:00.000Z'); // 03:00 CEST
  });

  it('runs a cron time that occurs twice in the autumn DST change once', () => {
    const runs = nextRuns('cron(30 2 ? * SUN *)', 'Europe/Berlin', 2, new Date('2026-10-20T12:00:00Z'));

    expect(runs.map((d) => d.toISOString())).toEqual([
      '2026-10-25T00:30:00.000Z',
      '2026-11-01T01:30:00.000Z',
    ]);
  });

  it('does not count a run exactly at `from`', () => {
    const runs = nextRuns(DEFAULT_CADENCE, 'UTC', 1, new Date('2026-01-06T10:00:00Z'));

    expect(runs[0]?.toISOString()).toBe('2026-02-03T10:00:00.000Z');
  });
});

describe('nextRuns (EventBridge dialect)', () => {
  const iso = (expression: string, n: number, timeZone = 'UTC', from = FROM) =>
    nextRuns(expression, timeZone, n, from).map((d) => d.toISOString());

  it('reads day-of-week numbers as 1 = SUN ... 7 = SAT', () => {
    expect(iso('cron(0 10 ? * 1 *)', 1)).toEqual(['2026-01-04T10:00:00.000Z']); // a Sunday
    expect(iso('cron(0 10 ? * 7 *)', 1)).toEqual(['2026-01-03T10:00:00.000Z']); // a Saturday
  });

  it('reads 3#2 as the second Tuesday', () => {
    expect(iso('cron(0 10 ? * 3#2 *)', 2)).toEqual(['2026-01-13T10:00:00.000Z', '2026-02-10T10:00:00.000Z']);
  });

  it('reads L in day-of-month as the last day of the month', () => {
    expect(iso('cron(0 10 L * ? *)', 3)).toEqual([
      '2026-01-31T10:00:00.000Z',
      '2026-02-28T10:00:00.000Z',
      '2026-03-31T10:00:00.000Z',
    ]);
  });

  it('reads 6L in day-of-week as the last Friday of the month', () => {
    expect(iso('cron(0 10 ? * 6L *)', 2)).toEqual(['2026-01-30T10:00:00.000Z', '2026-02-27T10:00:00.000Z']);
  });

  it('reads a lone L in day-of-week as Saturday (the last day of the week)', () => {
    expect(iso('cron(0 10 ? * L *)', 2)).toEqual(['2026-01-03T10:00:00.000Z', '2026-01-10T10:00:00.000Z']);
  });

  it('reads 15W as the weekday nearest the 15th', () => {
    // 2026-02-15 is a Sunday -> Monday 16th; 2026-03-15 is a Sunday -> Monday 16th; 2026-08-15 is a Saturday -> Friday 14th.
    expect(iso('cron(0 10 15W * ? *)', 3, 'UTC', new Date('2026-02-01T00:00:00Z'))).toEqual([
      '2026-02-16T10:00:00.000Z',
      '2026-03-16T10:00:00.000Z',
      '2026-04-15T10:00:00.000Z',
    ]);
    expect(iso('cron(0 10 15W * ? *)', 1, 'UTC', new Date('2026-08-01T00:00:00Z'))).toEqual([
      '2026-08-14T10:00:00.000Z',
    ]);
  });

  it('reads LW as the last weekday of the month', () => {
    expect(iso('cron(0 10 LW * ? *)', 1)).toEqual(['2026-01-30T10:00:00.000Z']); // Jan 31 is a Saturday
  });

  it('honours the year field, returning fewer runs when the years end', () => {
    expect(iso('cron(0 10 1 1 ? 2027-2028)', 5)).toEqual([
      '2027-01-01T10:00:00.000Z',
      '2028-01-01T10:00:00.000Z',
    ]);
  });

  it('honours 0/15 style increments in minutes', () => {
    expect(iso('cron(0/15 9 * * ? *)', 3)).toEqual([
      '2026-01-01T09:00:00.000Z',
      '2026-01-01T09:15:00.000Z',
      '2026-01-01T09:30:00.000Z',
    ]);
  });

  it('spaces rate() runs by the rate, starting after `from`', () => {
    expect(iso('rate(2 hours)', 2)).toEqual(['2026-01-01T02:00:00.000Z', '2026-01-01T04:00:00.000Z']);
  });

  it('places at() in the time zone and returns it once', () => {
    expect(iso('at(2026-12-01T10:00:00)', 5, 'Europe/Berlin')).toEqual(['2026-12-01T09:00:00.000Z']);
  });

  it('returns nothing for an at() in the past', () => {
    expect(iso('at(2025-12-01T10:00:00)', 5, 'Europe/Berlin')).toEqual([]);
  });

  it('rejects an invalid expression with a ScheduleExpressionError', () => {
    expect(() => nextRuns('cron(0 10 * * TUE#1 *)', 'UTC', 1)).toThrow(ScheduleExpressionError);
  });

  it('rejects an unknown time zone with a TimeZoneError', () => {
    expect(() => nextRuns(DEFAULT_CADENCE, 'Europe/Atlantis', 1)).toThrow(TimeZoneError);
  });
});

describe('atInstant', () => {
  it('moves a wall-clock time in the spring DST gap forward by the length of the gap', () => {
    expect(atInstant('2026-03-29T02:30:00', 'Europe/Berlin').toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });
});

describe('formatRun', () => {
  it('writes a winter run in Berlin with CET', () => {
    expect(formatRun(new Date('2026-12-01T09:00:00Z'), 'Europe/Berlin')).toBe('Tue 2026-12-01 10:00 CET');
  });

  it('writes a summer run in Berlin with CEST', () => {
    expect(formatRun(new Date('2026-07-07T08:00:00Z'), 'Europe/Berlin')).toBe('Tue 2026-07-07 10:00 CEST');
  });

  it('writes New York with EST', () => {
    expect(formatRun(new Date('2026-12-01T15:00:00Z'), 'America/New_York')).toBe('Tue 2026-12-01 10:00 EST');
  });

  it('falls back to the UTC offset where there is no short name', () => {
    expect(formatRun(new Date('2026-12-01T04:30:00Z'), 'Asia/Kolkata')).toBe('Tue 2026-12-01 10:00 GMT+5:30');
  });
});

import type { AllowedHours } from '../../lambdas/shared/aws';
import {
  AllowedHoursError,
  describeAllowedHours,
  isWithinAllowedHours,
  localTime,
} from '../../lambdas/shared/allowed-hours';

const WEEKDAYS_9_TO_4: AllowedHours = {
  days: ['MON', 'TUE', 'WED', 'THU', 'FRI'],
  start: '09:00',
  end: '16:00',
};
const EVERY_DAY_9_TO_4: AllowedHours = {
  ...WEEKDAYS_9_TO_4,
  days: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'],
};

describe('isWithinAllowedHours', () => {
  it('allows a weekday time between start and end in the given time zone', () => {
    const tuesday10Berlin = new Date('2026-12-01T09:00:00Z'); // CET = UTC+1

    expect(isWithinAllowedHours(tuesday10Berlin, WEEKDAYS_9_TO_4, 'Europe/Berlin')).toBe(true);
  });

  it('treats start as inclusive', () => {
    const at = new Date('2026-12-01T08:00:00Z'); // 09:00 CET

    expect(isWithinAllowedHours(at, WEEKDAYS_9_TO_4, 'Europe/Berlin')).toBe(true);
  });

  it('treats end as exclusive', () => {
    const at = new Date('2026-12-01T15:00:00Z'); // 16:00 CET

    expect(isWithinAllowedHours(at, WEEKDAYS_9_TO_4, 'Europe/Berlin')).toBe(false);
  });

  it('allows the last minute before end', () => {
    const at = new Date('2026-12-01T14:59:59Z'); // 15:59:59 CET

    expect(isWithinAllowedHours(at, WEEKDAYS_9_TO_4, 'Europe/Berlin')).toBe(true);
  });

  it('refuses a day that is not listed', () => {
    const saturdayNoonBerlin = new Date('2026-12-05T11:00:00Z');

    expect(isWithinAllowedHours(saturdayNoonBerlin, WEEKDAYS_9_TO_4, 'Europe/Berlin')).toBe(false);
  });

  it('uses the local day, not the UTC day', () => {
    const mondayUtcTuesdayTokyo = new Date('2026-12-07T23:30:00Z'); // Tuesday 08:30 JST (UTC+9)
    const tuesdayOnly: AllowedHours = { days: ['TUE'], start: '08:00', end: '16:00' };

    expect(isWithinAllowedHours(mondayUtcTuesdayTokyo, tuesdayOnly, 'Asia/Tokyo')).toBe(true);
  });

  it('follows the spring DST change in Europe/Berlin (same UTC time, one hour later locally)', () => {
    const saturdayBefore = new Date('2026-03-28T07:30:00Z'); // 08:30 CET
    const sundayAfter = new Date('2026-03-29T07:30:00Z'); // 09:30 CEST

    expect(isWithinAllowedHours(saturdayBefore, EVERY_DAY_9_TO_4, 'Europe/Berlin')).toBe(false);
    expect(isWithinAllowedHours(sundayAfter, EVERY_DAY_9_TO_4, 'Europe/Berlin')).toBe(true);
  });

  it('follows the autumn DST change in Europe/Berlin (same UTC time, one hour earlier locally)', () => {
    const saturdayBefore = new Date('2026-10-24T14:30:00Z'); // 16:30 CEST
    const sundayAfter = new Date('2026-10-25T14:30:00Z'); // 15:30 CET

    expect(isWithinAllowedHours(saturdayBefore, EVERY_DAY_9_TO_4, 'Europe/Berlin')).toBe(false);
    expect(isWithinAllowedHours(sundayAfter, EVERY_DAY_9_TO_4, 'Europe/Berlin')).toBe(true);
  });

  it('follows the DST change in America/New_York', () => {
    const fridayBefore = new Date('2026-03-06T13:30:00Z'); // 08:30 EST
    const mondayAfter = new Date('2026-03-09T13:30:00Z'); // 09:30 EDT

    expect(isWithinAllowedHours(fridayBefore, WEEKDAYS_9_TO_4, 'America/New_York')).toBe(false);
    expect(isWithinAllowedHours(mondayAfter, WEEKDAYS_9_TO_4, 'America/New_York')).toBe(true);
  });

  it('rejects an unknown time zone with an AllowedHoursError', () => {
    const act = () => isWithinAllowedHours(new Date(), WEEKDAYS_9_TO_4, 'Mars/Olympus');

    expect(act).toThrow(AllowedHoursError);
    expect(act).toThrow(/Mars\/Olympus/);
  });

  it('rejects a malformed HH:MM', () => {
    const act = () => isWithinAllowedHours(new Date(), { ...WEEKDAYS_9_TO_4, start: '9am' }, 'UTC');

    expect(act).toThrow(/allowedHours.start must be HH:MM/);
  });
});

describe('localTime', () => {
  it('reads midnight as 00:00, not 24:00', () => {
    const local = localTime(new Date('2026-12-01T23:00:00Z'), 'Europe/Berlin');

    expect(local).toEqual({ day: 'WED', minutes: 0, hhmm: '00:00' });
  });
});

describe('describeAllowedHours', () => {
  it('writes consecutive weekdays as a range', () => {
    expect(describeAllowedHours(WEEKDAYS_9_TO_4, 'Europe/Berlin')).toBe('MON-FRI 09:00-16:00 Europe/Berlin');
  });

  it('lists separate days with commas in week order', () => {
    const hours: AllowedHours = { days: ['FRI', 'MON', 'WED'], start: '10:00', end: '12:30' };

    expect(describeAllowedHours(hours, 'UTC')).toBe('MON,WED,FRI 10:00-12:30 UTC');
  });

  it('writes runs of three or more days as ranges and pairs with a comma', () => {
    const hours: AllowedHours = { days: ['MON', 'TUE', 'WED', 'SAT', 'SUN'], start: '09:00', end: '16:00' };

    expect(describeAllowedHours(hours, 'UTC')).toBe('MON-WED,SAT,SUN 09:00-16:00 UTC');
  });
});

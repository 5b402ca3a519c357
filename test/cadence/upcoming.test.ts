import { upcomingRuns } from '../../lib/cadence/upcoming';
import { validateConfig } from '../../lib/config/load';

const experiment = (name: string, cadence?: string) => ({
  name,
  application: 'sock-shop',
  hypothesis: 'If CPU on all web hosts rises to 80 %, availability is not impacted',
  steadyState: [{ alarm: { name: 'sock-shop-5xx' } }],
  fault: { cpuStress: { targets: { tags: { app: 'sock-shop' } } } },
  stopConditions: [{ alarm: 'sock-shop-5xx' }],
  ...(cadence ? { cadence } : {}),
});

describe('upcomingRuns', () => {
  const config = validateConfig({
    cadence: { expression: 'cron(0 10 ? * TUE#1 *)', timeZone: 'Europe/Berlin' },
    cadences: { quarterly: { expression: 'cron(0 11 ? 1,4,7,10 WED#2 *)', timeZone: 'America/New_York' } },
    experiments: [experiment('web-cpu-80'), experiment('db-cpu-50', 'quarterly')],
  });

  it('lists the next runs of every cadence group in its own time zone', () => {
    const upcoming = upcomingRuns(config, 2, new Date('2026-11-21T00:00:00Z'));

    expect(upcoming.map(({ group, experiments, formatted }) => ({ group, experiments, formatted }))).toEqual([
      {
        group: 'default',
        experiments: ['web-cpu-80'],
        formatted: ['Tue 2026-12-01 10:00 CET', 'Tue 2027-01-05 10:00 CET'],
      },
      {
        group: 'quarterly',
        experiments: ['db-cpu-50'],
        formatted: ['Wed 2027-01-13 11:00 EST', 'Wed 2027-04-14 11:00 EDT'],
      },
    ]);
  });
});

import { cadenceProblems, cadenceWarnings } from '../../lib/cadence/config-rules';
import { ConfigError } from '../../lib/config/errors';
import { parseConfigText, validateConfig } from '../../lib/config/load';
import type { Config, ConfigInput } from '../../lib/config/schema';

const FROM = new Date('2026-01-01T00:00:00Z');

/** A valid config with the given top-level overrides. */
function configInput(overrides: Partial<ConfigInput> = {}): ConfigInput {
  return {
    cadence: { expression: 'cron(0 10 ? * TUE#1 *)', timeZone: 'Europe/Berlin' },
    experiments: [
      {
        name: 'web-cpu-80',
        application: 'sock-shop',
        hypothesis: 'If CPU on all web hosts rises to 80 %, availability is not impacted',
        steadyState: [{ alarm: { name: 'sock-shop-5xx' } }],
        fault: { cpuStress: { targets: { tags: { app: 'sock-shop' } } } },
        stopConditions: [{ alarm: 'sock-shop-5xx' }],
      },
    ],
    ...overrides,
  };
}

/** The problems validateConfig reports, as `path: message` lines. */
function problemsOf(input: ConfigInput): string[] {
  try {
    validateConfig(input, 'chaos-cadence.config.yaml');
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((p) => `${p.path}: ${p.message}`);
  }
}

/** A validated config (valid by construction) for the pure rule functions. */
function validConfig(overrides: Partial<ConfigInput> = {}): Config {
  return validateConfig(configInput({ allowFrequentRuns: true, ...overrides }));
}

describe('config validation of cadences', () => {
  it('accepts the default cadence with the default allowed hours', () => {
    expect(problemsOf(configInput())).toEqual([]);
  });

  it('fails on an invalid cron expression, naming the path', () => {
    const problems = problemsOf(
      configInput({ cadence: { expression: 'cron(0 10 * * TUE#1 *)', timeZone: 'UTC' } }),
    );

    expect(problems).toEqual([expect.stringMatching(/^cadence\.expression: .*"\?" in exactly one/)]);
  });

  it('fails on an invalid time zone, naming the path', () => {
    const problems = problemsOf(
      configInput({ cadence: { expression: 'cron(0 10 ? * TUE#1 *)', timeZone: 'Europe/Atlantis' } }),
    );

    expect(problems).toEqual([
      expect.stringMatching(/^cadence\.timeZone: .*IANA time zone.*Europe\/Atlantis/),
    ]);
  });

  it('fails on a cadence that fires more often than weekly and names allowFrequentRuns', () => {
    const problems = problemsOf(
      configInput({ cadence: { expression: 'cron(0 10 ? * MON-FRI *)', timeZone: 'UTC' } }),
    );

    expect(problems).toEqual([
      expect.stringMatching(/^cadence\.expression: .*fires more often than weekly.*allowFrequentRuns: true/),
    ]);
  });

  it('fails on a frequent rate() in a cadence group, naming the group', () => {
    const problems = problemsOf(
      configInput({ cadences: { hourly: { expression: 'rate(1 hour)', timeZone: 'UTC' } } }),
    );

    expect(problems).toEqual([
      expect.stringMatching(/^cadences\.hourly\.expression: .*more often than weekly/),
    ]);
  });

  it('accepts a frequent cadence with allowFrequentRuns: true', () => {
    const problems = problemsOf(
      configInput({
        allowFrequentRuns: true,
        cadence: { expression: 'cron(0 10 ? * MON-FRI *)', timeZone: 'UTC' },
      }),
    );

    expect(problems).toEqual([]);
  });

  it('accepts a weekly cadence even across a DST change (a 6 day 23 hour gap)', () => {
    const problems = problemsOf(
      configInput({ cadence: { expression: 'cron(0 10 ? * MON *)', timeZone: 'Europe/Berlin' } }),
    );

    expect(problems).toEqual([]);
  });

  it('fails when the allowed hours contain none of the runs, naming both', () => {
    const problems = problemsOf(
      configInput({ cadence: { expression: 'cron(0 18 ? * TUE#1 *)', timeZone: 'Europe/Berlin' } }),
    );

    expect(problems).toEqual([
      expect.stringMatching(
        /^cadence\.expression: guardRails\.allowedHours \(MON-FRI 09:00-16:00 Europe\/Berlin\) contain none of the next 24 runs of cadence\.expression cron\(0 18 \? \* TUE#1 \*\)/,
      ),
    ]);
  });

  it('reads the allowed hours in the cadence time zone, not UTC', () => {
    // 10:00 in Kolkata is 04:30 UTC: inside 09:00-16:00 only when read in Asia/Kolkata.
    const problems = problemsOf(
      configInput({ cadence: { expression: 'cron(0 10 ? * TUE#1 *)', timeZone: 'Asia/Kolkata' } }),
    );

    expect(problems).toEqual([]);
  });

  it('fails when a weekend cadence meets weekday-only allowed hours', () => {
    const problems = problemsOf(
      configInput({ cadences: { weekend: { expression: 'cron(0 10 ? * SAT#1 *)', timeZone: 'UTC' } } }),
    );

    expect(problems).toEqual([
      expect.stringMatching(/^cadences\.weekend\.expression: guardRails\.allowedHours/),
    ]);
  });

  it('fails when an at() run lies outside the allowed hours', () => {
    const problems = problemsOf(
      configInput({ cadence: { expression: 'at(2030-01-05T10:00:00)', timeZone: 'UTC' } }),
    ); // a Saturday

    expect(problems).toEqual([expect.stringMatching(/^cadence\.expression: guardRails\.allowedHours/)]);
  });

  it('reports the errors through parseConfigText for a YAML file', () => {
    const yaml = `
cadence: { expression: 'cron(0 10 ? * * *)', timeZone: Europe/Berlin }
experiments:
  - name: web-cpu-80
    application: sock-shop
    hypothesis: If CPU on all web hosts rises to 80 %, availability is not impacted
    steadyState: [{ alarm: { name: sock-shop-5xx } }]
    fault: { cpuStress: { targets: { tags: { app: sock-shop } } } }
    stopConditions: [{ alarm: sock-shop-5xx }]
`;

    expect(() => parseConfigText(yaml, 'chaos-cadence.config.yaml')).toThrow(
      /chaos-cadence\.config\.yaml: cadence\.expression: cron\(0 10 \? \* \* \*\) fires more often than weekly \(runs 1 day apart\)/,
    );
  });
});

describe('cadenceProblems', () => {
  it('does not throw on a config whose cadence fields are malformed', () => {
    const weird = { cadence: { expression: 42 }, cadences: { x: null }, guardRails: {} } as unknown as Config;

    expect(cadenceProblems(weird, FROM)).toEqual([]);
  });

  it('skips a cadence whose expression is invalid (field validation reports it)', () => {
    const config = {
      ...validConfig(),
      cadence: { expression: 'cron(nope)', timeZone: 'UTC', enabled: true, headsUp: false as const },
    };

    expect(cadenceProblems(config, FROM)).toEqual([]);
  });
});

describe('cadenceWarnings', () => {
  it('has nothing to say about the default cadence', () => {
    expect(cadenceWarnings(validConfig(), FROM)).toEqual([]);
  });

  it('warns when runs are fewer than 4 weeks apart', () => {
    const config = validConfig({ cadence: { expression: 'cron(0 10 ? * TUE#1,TUE#3 *)', timeZone: 'UTC' } });

    expect(cadenceWarnings(config, FROM)).toEqual([
      expect.stringMatching(/runs 14 days apart, more often than every 4 weeks/),
    ]);
  });

  it('warns when runs are more than 5 weeks apart', () => {
    const config = validConfig({ cadence: { expression: 'cron(0 10 ? 1,4,7,10 TUE#1 *)', timeZone: 'UTC' } });

    expect(cadenceWarnings(config, FROM)).toEqual([
      expect.stringMatching(/runs up to 9\d days apart, less often than every 5 weeks/),
    ]);
  });

  it('warns when some runs fall outside the allowed hours', () => {
    // The 1st of the month at 10:00: some are weekends.
    const config = validConfig({ cadence: { expression: 'cron(0 10 1 * ? *)', timeZone: 'UTC' } });

    expect(cadenceWarnings(config, FROM)).toEqual([
      expect.stringMatching(
        /^\d+ of the next 24 runs of cadence\.expression cron\(0 10 1 \* \? \*\) fall outside guardRails\.allowedHours \(MON-FRI 09:00-16:00 UTC\) and will be skipped, first Sun 2026-02-01 10:00 UTC$/,
      ),
    ]);
  });

  it('warns that rate() cannot be checked against the allowed hours', () => {
    const config = validConfig({ cadence: { expression: 'rate(28 days)', timeZone: 'UTC' } });

    expect(cadenceWarnings(config, FROM)).toEqual([expect.stringMatching(/rate\(\) runs are anchored/)]);
  });

  it('warns when a cadence never fires again', () => {
    const config = validConfig({ cadence: { expression: 'cron(0 10 ? * TUE#1 2025)', timeZone: 'UTC' } });

    expect(cadenceWarnings(config, FROM)).toEqual([expect.stringMatching(/has no runs after .*never fire/)]);
  });
});

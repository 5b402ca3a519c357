/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- a table of deliberately malformed configs: each mutation reaches into an arbitrary shape */
import { ConfigError } from '../../lib/config/errors';
import { parseConfigText, validateConfig } from '../../lib/config/load';
import type { ConfigInput } from '../../lib/config/schema';

/** A valid config to break one field at a time. */
function validConfig(): ConfigInput {
  return {
    notifications: { emails: ['sre@example.com'] },
    cadence: { expression: 'cron(0 10 ? * TUE#1 *)', timeZone: 'Europe/Berlin' },
    pollInterval: 'PT15S',
    experiments: [
      {
        name: 'web-cpu-80',
        application: 'sock-shop',
        hypothesis: 'If CPU on all web hosts rises to 80 %, availability is not impacted',
        expectedImpact: 'none',
        steadyState: [
          { alarm: { name: 'sock-shop-5xx' } },
          { http: { url: 'https://shop.example.com/health', status: 200, timeout: 'PT3S' } },
        ],
        fault: {
          cpuStress: {
            loadPercent: 80,
            cores: 0,
            duration: 'PT6M',
            targets: { tags: { app: 'sock-shop' }, selection: 'ALL' },
            via: 'fis',
          },
        },
        stopConditions: [{ alarm: 'sock-shop-5xx' }],
        recovery: { window: 'PT5M' },
      },
    ],
  };
}

type Mutation = (config: Record<string, any>) => void;

const cases: [string, Mutation, string, RegExp][] = [
  [
    'a stopAfter that is not a duration',
    (c) => (c.experiments[0].steadyState[1].http.stopAfter = '1 minute'),
    'experiments[0].steadyState[1].http.stopAfter',
    /http.stopAfter must be an ISO 8601 duration/,
  ],
  [
    'a stopAfter on a probe that does not run during the fault',
    (c) => Object.assign(c.experiments[0].steadyState[1].http, { during: false, stopAfter: 'PT1M' }),
    'experiments[0].steadyState[1].http.stopAfter',
    /needs the probe to run during the fault; remove during: false or stopAfter/,
  ],
  [
    'during on a recovery.expect probe',
    (c) =>
      (c.experiments[0].recovery.expect = [{ asgCapacity: { name: 'g', minInService: 4, during: true } }]),
    'experiments[0].recovery.expect[0].asgCapacity',
    /recovery.expect probes run after the fault only/,
  ],
  [
    'a minCpuPercent above 100',
    (c) => (c.experiments[0].effect = { minCpuPercent: 120 }),
    'experiments[0].effect.minCpuPercent',
    /at most 100/,
  ],
  [
    'an effect metric on a cpuStress fault',
    (c) => (c.experiments[0].effect = { metric: { namespace: 'AWS/EC2', name: 'CPUUtilization' }, min: 50 }),
    'experiments[0].effect.metric',
    /effect.metric is for fisTemplate\/fisTemplateId; for cpuStress set effect.minCpuPercent/,
  ],
  [
    'a minCpuPercent on an imported template',
    (c) => {
      c.experiments[0].fault = { fisTemplateId: 'EXTabcdef123456' };
      c.experiments[0].effect = { minCpuPercent: 50 };
    },
    'experiments[0].effect.minCpuPercent',
    /effect.minCpuPercent is for cpuStress/,
  ],
  [
    'an effect metric without min or max',
    (c) => {
      c.experiments[0].fault = { fisTemplateId: 'EXTabcdef123456' };
      c.experiments[0].effect = { metric: { namespace: 'AWS/EC2', name: 'NetworkIn' } };
    },
    'experiments[0].effect',
    /effect.metric needs min or max/,
  ],
  [
    'stress on some cores without a CPU threshold',
    (c) => (c.experiments[0].fault.cpuStress.cores = 2),
    'experiments[0].effect.minCpuPercent',
    /cores is 2, so the instance's CPU depends on its core count: set effect.minCpuPercent/,
  ],
  [
    'loadPercent above 100',
    (c) => (c.experiments[0].fault.cpuStress.loadPercent = 150),
    'experiments[0].fault.cpuStress.loadPercent',
    /at most 100/,
  ],
  [
    'loadPercent of 0',
    (c) => (c.experiments[0].fault.cpuStress.loadPercent = 0),
    'experiments[0].fault.cpuStress.loadPercent',
    /at least 1/,
  ],
  [
    'negative cores',
    (c) => (c.experiments[0].fault.cpuStress.cores = -1),
    'experiments[0].fault.cpuStress.cores',
    /at least 0/,
  ],
  [
    'fractional cores',
    (c) => (c.experiments[0].fault.cpuStress.cores = 1.5),
    'experiments[0].fault.cpuStress.cores',
    /whole number/,
  ],
  [
    'a duration that is not ISO 8601',
    (c) => (c.experiments[0].fault.cpuStress.duration = '6 minutes'),
    'experiments[0].fault.cpuStress.duration',
    /ISO 8601/,
  ],
  [
    'a zero duration',
    (c) => (c.experiments[0].fault.cpuStress.duration = 'PT0S'),
    'experiments[0].fault.cpuStress.duration',
    /at least/,
  ],
  [
    'a duration above maxFaultDuration',
    (c) => (c.experiments[0].fault.cpuStress.duration = 'PT2H'),
    'experiments[0].fault.cpuStress.duration',
    /maxFaultDuration/,
  ],
  [
    'maxFaultDuration above FIS 12 hours',
    (c) => (c.maxFaultDuration = 'PT13H'),
    'maxFaultDuration',
    /at most 43200/,
  ],
  [
    'selection HALF',
    (c) => (c.experiments[0].fault.cpuStress.targets.selection = 'HALF'),
    'experiments[0].fault.cpuStress.targets.selection',
    /ALL, COUNT\(n\)/,
  ],
  [
    'selection COUNT(0)',
    (c) => (c.experiments[0].fault.cpuStress.targets.selection = 'COUNT(0)'),
    'experiments[0].fault.cpuStress.targets.selection',
    /COUNT\(n\) with n >= 1/,
  ],
  [
    'selection PERCENT(150)',
    (c) => (c.experiments[0].fault.cpuStress.targets.selection = 'PERCENT(150)'),
    'experiments[0].fault.cpuStress.targets.selection',
    /PERCENT\(p\) with p 1-100/,
  ],
  [
    'targets without tags',
    (c) => (c.experiments[0].fault.cpuStress.targets.tags = {}),
    'experiments[0].fault.cpuStress.targets.tags',
    /at least one tag/,
  ],
  [
    'via lambda',
    (c) => (c.experiments[0].fault.cpuStress.via = 'lambda'),
    'experiments[0].fault.cpuStress.via',
    /fis|ssm/,
  ],
  [
    'a fault with two kinds',
    (c) => (c.experiments[0].fault.fisTemplateId = 'EXTabcdef123456'),
    'experiments[0].fault',
    /exactly one of/,
  ],
  ['a fault with no kind', (c) => (c.experiments[0].fault = {}), 'experiments[0].fault', /exactly one of/],
  [
    'no stop condition',
    (c) => (c.experiments[0].stopConditions = []),
    'experiments[0].stopConditions',
    /at least one alarm/,
  ],
  [
    'no steady-state probe',
    (c) => (c.experiments[0].steadyState = []),
    'experiments[0].steadyState',
    /at least one probe/,
  ],
  [
    'an unknown probe kind',
    (c) => (c.experiments[0].steadyState = [{ ping: { host: 'x' } }]),
    'experiments[0].steadyState[0]',
    /alarm, http, asgCapacity, metric/,
  ],
  [
    'an http probe with an ftp URL',
    (c) => (c.experiments[0].steadyState[1].http.url = 'ftp://shop.example.com'),
    'experiments[0].steadyState[1].http.url',
    /http:\/\/ or https:\/\//,
  ],
  [
    'an http probe with a bad regex',
    (c) => (c.experiments[0].steadyState[1].http.bodyMatch = '(unclosed'),
    'experiments[0].steadyState[1].http.bodyMatch',
    /regular expression/,
  ],
  [
    'a metric probe without bounds',
    (c) =>
      c.experiments[0].steadyState.push({
        metric: { namespace: 'AWS/EC2', name: 'CPUUtilization', statistic: 'Average' },
      }),
    'experiments[0].steadyState[2].metric',
    /at least one bound/,
  ],
  [
    'a metric probe with a made-up statistic',
    (c) =>
      c.experiments[0].steadyState.push({
        metric: { namespace: 'AWS/EC2', name: 'CPUUtilization', statistic: 'Median', max: 1 },
      }),
    'experiments[0].steadyState[2].metric.statistic',
    /percentile/,
  ],
  [
    'an upper-case experiment name',
    (c) => (c.experiments[0].name = 'Web_CPU'),
    'experiments[0].name',
    /lower-case/,
  ],
  [
    'duplicate experiment names',
    (c) => c.experiments.push({ ...c.experiments[0] }),
    'experiments[1].name',
    /already used by experiments\[0\]/,
  ],
  [
    'an invalid email',
    (c) => (c.notifications.emails = ['not-an-email']),
    'notifications.emails[0]',
    /not a valid email/,
  ],
  [
    'an invalid time zone',
    (c) => (c.cadence.timeZone = 'Mars/Olympus'),
    'cadence.timeZone',
    /IANA time zone/,
  ],
  [
    'a cron with five fields',
    (c) => (c.cadence.expression = 'cron(0 10 * * 2)'),
    'cadence.expression',
    /6 fields/,
  ],
  [
    'a cron with two day fields',
    (c) => (c.cadence.expression = 'cron(0 10 1 * TUE *)'),
    'cadence.expression',
    /"\?" in exactly one/,
  ],
  [
    'something that is not a schedule expression',
    (c) => (c.cadence.expression = 'every tuesday'),
    'cadence.expression',
    /cron\(|rate\(/,
  ],
  ['a poll interval below 5 s', (c) => (c.pollInterval = 'PT1S'), 'pollInterval', /at least 5/],
  ['a poll interval above 5 min', (c) => (c.pollInterval = 'PT10M'), 'pollInterval', /at most 300/],
  ['an unknown top-level key', (c) => (c.experimentz = []), '', /experimentz/],
  ['an unknown experiment key', (c) => (c.experiments[0].hypotesis = 'typo'), 'experiments[0]', /hypotesis/],
  [
    'an expectedImpact outside the card',
    (c) => (c.experiments[0].expectedImpact = 'minor'),
    'experiments[0].expectedImpact',
    /none|degraded|outage/,
  ],
  [
    'a hypothesis that is not a sentence',
    (c) => (c.experiments[0].hypothesis = 'ok'),
    'experiments[0].hypothesis',
    /sentence/,
  ],
  [
    'a cadence group that does not exist',
    (c) => (c.experiments[0].cadence = 'weekly'),
    'experiments[0].cadence',
    /not defined/,
  ],
  ['no experiments', (c) => (c.experiments = []), 'experiments', /at least one experiment/],
  [
    'allowed hours ending before they start',
    (c) => (c.guardRails = { allowedHours: { start: '16:00', end: '09:00' } }),
    'guardRails.allowedHours',
    /before/,
  ],
  [
    'an fisTemplateId that is not one',
    (c) => (c.experiments[0].fault = { fisTemplateId: 'my-template' }),
    'experiments[0].fault.fisTemplateId',
    /EXT/,
  ],
];

describe('validateConfig', () => {
  it.each(cases)('rejects %s', (_title, mutate, path, message) => {
    const config = validConfig() as Record<string, any>;
    mutate(config);

    let caught: unknown;
    try {
      validateConfig(config, 'chaos-cadence.config.yaml');
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    const problem = problems.find((p) => p.path === path);
    expect({ path: problem?.path, all: problems }).toMatchObject({ path });
    expect(problem?.message).toMatch(message);
    expect((caught as ConfigError).message).toContain(`chaos-cadence.config.yaml: ${path || '(top level)'}`);
  });

  it('accepts the valid base config', () => {
    expect(() => validateConfig(validConfig())).not.toThrow();
  });

  it('reports what it found next to what is allowed', () => {
    const config = validConfig() as Record<string, any>;
    config.experiments[0].fault.cpuStress.loadPercent = 150;

    expect(() => validateConfig(config)).toThrow(/loadPercent: .*100.*\(found 150\)/);
  });
});

describe('parseConfigText', () => {
  it('rejects broken YAML with the line of the error', () => {
    expect(() => parseConfigText('experiments:\n  - name: [unclosed\n', 'bad.yaml')).toThrow(
      /bad\.yaml: line \d+/,
    );
  });

  it('rejects duplicate keys', () => {
    expect(() => parseConfigText('pollInterval: PT15S\npollInterval: PT20S\n', 'dup.yaml')).toThrow(
      ConfigError,
    );
  });

  it('accepts JSON', () => {
    const config = parseConfigText(JSON.stringify(validConfig()), 'config.json');

    expect(config.experiments[0]?.name).toBe('web-cpu-80');
  });
});

import type { LoadedConfig } from '../../../lib/config/load';
import { preflightOffline } from '../../../lib/preflight/offline';
import type { Scenario } from '../../../lib/rehearsal/scenario';
import { configWith, exampleConfig, readyScenario } from './fixtures';

async function checkOf(id: string, scenario: Scenario, loaded: LoadedConfig = exampleConfig()) {
  const { report } = await preflightOffline(loaded, scenario);
  const check = report.checks.find((c) => c.id === id);
  if (!check) throw new Error(`no check ${id} in ${report.checks.map((c) => c.id).join(', ')}`);
  return { check, report };
}

/** Check id, expected detail, scenario, config (default: the example). */
type Row = [string, string, () => Scenario, (() => LoadedConfig)?];

const withCalendar = () =>
  configWith((config) => {
    config.guardRails.changeCalendar = 'prod-change-freeze';
  });

describe('preflight against the simulated account', () => {
  it('passes every check when the account is ready', async () => {
    const { report } = await preflightOffline(exampleConfig(), readyScenario());

    expect(report.checks.filter((c) => c.status !== 'ok')).toEqual([]);
    expect(report.ready).toBe(true);
    expect(report.nextRuns).toEqual([
      {
        group: 'default',
        at: '2027-01-05T09:00:00.000Z',
        timeZone: 'Europe/Berlin',
        experiments: ['web-cpu-80'],
      },
    ]);
  });

  it('makes read-only calls only', async () => {
    const { account } = await preflightOffline(exampleConfig(), readyScenario());

    const commands = [...new Set(account.calls.map((c) => `${c.service}:${c.command}`))];
    expect(commands.filter((c) => !/:(Get|Describe|List|Simulate)|^http:GET$/.test(c))).toEqual([]);
  });

  it.each<Row>([
    [
      'stack',
      'drift: stack ChaosCadence runs config 000000000000',
      () => readyScenario({}, { deployedConfigHash: '0'.repeat(64) }),
    ],
    [
      'schedule:default',
      'is DISABLED: no run will start',
      () => readyScenario({}, { schedules: { default: 'DISABLED' } }),
    ],
    ['schedule:default', 'does not exist', () => readyScenario({}, { schedules: { default: 'missing' } })],
    [
      'nextRun:default',
      'is outside the allowed hours MON-FRI 11:00-16:00 Europe/Berlin: it will be skipped',
      () => readyScenario(),
      () => configWith((c) => void (c.guardRails.allowedHours.start = '11:00')),
    ],
    [
      'calendar:default',
      'change calendar prod-change-freeze is CLOSED at Tue 2027-01-05 10:00 CET',
      () => readyScenario({}, { changeCalendarAtNextRun: 'CLOSED' }),
      withCalendar,
    ],
    [
      'killSwitch',
      'is on: every run is skipped',
      () => readyScenario({ killSwitch: [{ at: '0s', value: 'on' }] }),
    ],
    ['killSwitch', 'does not exist (treated as on)', () => readyScenario({ killSwitch: undefined })],
    [
      'safetyLever',
      'the FIS safety lever is engaged (game day freeze)',
      () => readyScenario({}, { safetyLever: { status: 'engaged', reason: 'game day freeze' } }),
    ],
    [
      'targets:web-cpu-80',
      'no running instance is tagged chaos-ready=true, app=sock-shop',
      () => readyScenario({ instances: [{ id: 'i-0other', tags: { app: 'other' } }] }),
    ],
    [
      'agents:web-cpu-80',
      'i-0a1b2c3d4e5f60002 agent is ConnectionLost',
      () => readyScenario({}, { agents: { 'i-0a1b2c3d4e5f60002': { pingStatus: 'ConnectionLost' } } }),
    ],
    [
      'agents:web-cpu-80',
      'i-0a1b2c3d4e5f60003 is not managed by SSM',
      () => readyScenario({}, { agents: { 'i-0a1b2c3d4e5f60003': { pingStatus: 'unmanaged' } } }),
    ],
    [
      'agents:web-cpu-80',
      'i-0a1b2c3d4e5f60001 runs Windows',
      () => readyScenario({}, { agents: { 'i-0a1b2c3d4e5f60001': { platform: 'Windows' } } }),
    ],
    [
      'document',
      'AWSFIS-Run-CPU-Stress does not exist',
      () => readyScenario({}, { missingDocuments: ['AWSFIS-Run-CPU-Stress'] }),
    ],
    [
      'fisTemplate:web-cpu-80',
      'its role ChaosCadence-fis-EXTa162bfddc89a48 does not',
      () => readyScenario({}, { missingRoles: ['ChaosCadence-fis-EXTa162bfddc89a48'] }),
    ],
    [
      'fisQuota:web-cpu-80',
      '3 target(s) exceed the FIS quota',
      () => readyScenario({}, { fisSendCommandTargetQuota: 2 }),
    ],
    [
      'stopConditions:web-cpu-80',
      'missing: sock-shop-instance-count-low',
      () => readyScenario({ alarms: { 'sock-shop-5xx': [{ at: '0s', state: 'OK' }] } }),
    ],
    [
      'stopConditions:web-cpu-80',
      'in ALARM now: sock-shop-5xx',
      () =>
        readyScenario({
          alarms: {
            'sock-shop-5xx': [{ at: '0s', state: 'ALARM' }],
            'sock-shop-instance-count-low': [{ at: '0s', state: 'OK' }],
          },
        }),
    ],
    [
      'probes:web-cpu-80',
      'http:GET https://shop.example.com/health: expected HTTP 200',
      () => readyScenario({ http: { 'https://shop.example.com/health': [{ at: '0s', status: 503 }] } }),
    ],
    [
      'subscriptions',
      'nobody receives results: pending confirmation: sre@example.com',
      () => readyScenario({}, { subscriptions: [{ endpoint: 'sre@example.com', status: 'pending' }] }),
    ],
    ['subscriptions', 'not subscribed: sre@example.com', () => readyScenario({}, { subscriptions: [] })],
    [
      'iam',
      'StartFault may not fis:StartExperiment on arn:aws:fis:eu-central-1:123456789012:experiment-template/EXTa162bfddc89a48 (implicitDeny)',
      () => readyScenario({}, { iamDenied: ['ChaosCadence-StartFault fis:StartExperiment'] }),
    ],
    [
      'iam',
      'PollStopConditions may not cloudwatch:DescribeAlarms on arn:aws:cloudwatch:eu-central-1:123456789012:alarm:sock-shop-5xx (implicitDeny)',
      () => readyScenario({}, { iamDenied: ['ChaosCadence-PollStopConditions cloudwatch:DescribeAlarms'] }),
    ],
    [
      'iam',
      'CheckGuardRails may not ssm:GetParameter on arn:aws:ssm:eu-central-1:123456789012:parameter/chaos-cadence/ChaosCadence/kill-switch (implicitDeny)',
      () => readyScenario({}, { iamDenied: ['ChaosCadence-CheckGuardRails ssm:GetParameter'] }),
    ],
    [
      'iam',
      'FIS experiment role of web-cpu-80 may not ssm:SendCommand on arn:aws:ec2:eu-central-1:123456789012:instance/i-0a1b2c3d4e5f60001',
      () => readyScenario({}, { iamDenied: ['ChaosCadence-fis-EXTa162bfddc89a48 ssm:SendCommand'] }),
    ],
    [
      'killSwitch',
      'could not check: ssm:GetParameter failed: AccessDeniedException',
      () =>
        readyScenario({
          apiFailures: [{ call: 'ssm:GetParameter', error: 'AccessDeniedException', times: 1 }],
        }),
    ],
  ])('fails %s when: %s', async (...[id, detail, scenario, config]: Row) => {
    const { check, report } = await checkOf(id, scenario(), config?.());

    expect(check.status).toBe('fail');
    expect(check.detail).toContain(detail);
    expect(check.fix).toBeTruthy();
    expect(report.ready).toBe(false);
  });

  it.each<Row>([
    ['calendar:default', 'is OPEN at Tue 2027-01-05 10:00 CET', () => readyScenario(), withCalendar],
    [
      'fisQuota:web-cpu-80',
      'Service Quotas listed no value of the FIS quota "Target Instances for aws:ssm:send-command" (L-D0A62255)',
      () => readyScenario({}, { fisSendCommandTargetQuota: undefined }),
    ],
    [
      'asgMetrics:sock-shop-asg',
      'does not publish group metrics',
      () => readyScenario({}, { asgMetricsCollection: { 'sock-shop-asg': false } }),
    ],
    [
      'stopConditions:web-cpu-80',
      'INSUFFICIENT_DATA: sock-shop-5xx',
      () =>
        readyScenario({
          alarms: {
            'sock-shop-5xx': [{ at: '0s', state: 'INSUFFICIENT_DATA' }],
            'sock-shop-instance-count-low': [{ at: '0s', state: 'OK' }],
          },
        }),
    ],
  ])('reports %s (%s) without failing the run', async (...[id, detail, scenario, config]: Row) => {
    const { check } = await checkOf(id, scenario(), config?.());

    expect(['ok', 'warn']).toContain(check.status);
    expect(check.detail).toContain(detail);
  });

  it('checks the change calendar at the time of the next run, not now', async () => {
    const { account } = await preflightOffline(withCalendar(), readyScenario());

    expect(account.calls.find((c) => c.command === 'GetCalendarState')?.input).toEqual({
      CalendarNames: ['prod-change-freeze'],
      AtTime: '2027-01-05T09:00:00.000Z',
    });
  });

  it('simulates the deployed roles with the real ARNs and the targets tags', async () => {
    const { account } = await preflightOffline(exampleConfig(), readyScenario());

    expect(
      account.calls.filter((c) => c.command === 'SimulatePrincipalPolicy').map((c) => c.input),
    ).toContainEqual({
      PolicySourceArn: 'arn:aws:iam::123456789012:role/ChaosCadence-fis-EXTa162bfddc89a48',
      ActionNames: ['ssm:SendCommand'],
      ResourceArns: ['arn:aws:ec2:eu-central-1:123456789012:instance/i-0a1b2c3d4e5f60001'],
      ContextEntries: expect.arrayContaining([
        { ContextKeyName: 'ssm:resourceTag/app', ContextKeyValues: ['sock-shop'], ContextKeyType: 'string' },
        {
          ContextKeyName: 'ssm:resourceTag/chaos-ready',
          ContextKeyValues: ['true'],
          ContextKeyType: 'string',
        },
      ]) as unknown,
    });
  });

  it('asks IAM about every call with its resource ARN, never about an action alone', async () => {
    const { account } = await preflightOffline(exampleConfig(), readyScenario());

    const simulations = account.calls
      .filter((c) => c.command === 'SimulatePrincipalPolicy')
      .map((c) => c.input as { ResourceArns?: string[]; ActionNames?: string[] });

    expect(simulations.length).toBeGreaterThan(0);
    expect(simulations.filter((s) => s.ResourceArns?.length !== 1)).toEqual([]);
    // Where the action has resource types, the resource is the one the run touches, not `*`.
    expect(
      simulations
        .filter((s) => s.ResourceArns?.[0] === '*')
        .flatMap((s) => s.ActionNames ?? [])
        .filter((a) =>
          /^(ssm:GetParameter|ssm:SendCommand|cloudwatch:DescribeAlarms|fis:(Start|Stop|Get)Experiment)$/.test(
            a,
          ),
        ),
    ).toEqual([]);
  });

  it('simulates starting the experiment on the template with the request tag the run sends', async () => {
    const { account } = await preflightOffline(exampleConfig(), readyScenario());

    expect(
      account.calls.filter((c) => c.command === 'SimulatePrincipalPolicy').map((c) => c.input),
    ).toContainEqual({
      PolicySourceArn: 'arn:aws:iam::123456789012:role/ChaosCadence-StartFault',
      ActionNames: ['fis:StartExperiment'],
      ResourceArns: ['arn:aws:fis:eu-central-1:123456789012:experiment-template/EXTa162bfddc89a48'],
      ContextEntries: [
        {
          ContextKeyName: 'aws:RequestTag/chaos-cadence:experiment',
          ContextKeyValues: ['web-cpu-80'],
          ContextKeyType: 'string',
        },
      ],
    });
  });

  it('rejects an experiment that is not deployed', async () => {
    await expect(
      preflightOffline(exampleConfig(), readyScenario(), { experiments: ['nope'] }),
    ).rejects.toThrow(/unknown experiment\(s\) nope; deployed: web-cpu-80/);
  });
});

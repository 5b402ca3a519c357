// The simulated account the service tests share: a scenario, a clock moved by hand, helpers.
import {
  GetExperimentCommand,
  StartExperimentCommand,
  type StartExperimentCommandInput,
} from '@aws-sdk/client-fis';
import type { WorkflowSettings } from '../../../lambdas/shared/aws';
import { parseScenario, type ScenarioInput } from '../../../lib/rehearsal/scenario';
import {
  createSimulatedAccount,
  type AccountClock,
  type SimulatedAccount,
} from '../../../lib/rehearsal/simulated-account';

export const START = Date.parse('2026-12-01T09:00:00Z');
export const TEMPLATE = 'EXTtemplate0001';
export const KILL_SWITCH = '/chaos-cadence/ChaosCadence/kill-switch';

export const settings: WorkflowSettings = {
  region: 'eu-central-1',
  account: '123456789012',
  partition: 'aws',
  killSwitchParameter: KILL_SWITCH,
  allowedHours: { days: ['TUE'], start: '09:00', end: '16:00' },
  timeZone: 'Europe/Berlin',
  resultsBucket: 'results',
  topicArn: 'arn:aws:sns:eu-central-1:123456789012:results',
  dashboardName: 'ChaosCadence',
  stackName: 'ChaosCadence',
};

/** A clock the test moves by hand. */
export class ManualClock implements AccountClock {
  ms = START;
  tracked = 0;
  nowMs(): number {
    return this.ms;
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
  trackIo<T>(work: Promise<T>): Promise<T> {
    this.tracked += 1;
    return work;
  }
}

export const base: ScenarioInput = {
  now: '2026-12-01T10:00:00+01:00',
  instances: [
    { id: 'i-0001', tags: { app: 'shop', 'chaos-ready': 'true' }, state: 'running' },
    { id: 'i-0002', tags: { app: 'shop' }, state: 'running' },
    { id: 'i-0003', tags: { app: 'shop', 'chaos-ready': 'true' }, state: 'stopped' },
  ],
  alarms: {
    'shop-5xx': [
      { at: '0s', state: 'OK' },
      { at: 'fault+90s', state: 'ALARM' },
    ],
  },
  http: {
    'https://shop.example.com/health': [
      { at: '0s', status: 200, body: 'ok' },
      { at: 'fault+60s', status: 503 },
    ],
  },
  asgs: {
    'shop-asg': [
      { at: '0s', inService: 3 },
      { at: 'fault+240s', inService: 4 },
    ],
  },
  metrics: {
    'AWS/ApplicationELB/TargetResponseTime': [
      { at: '0s', value: 0.2 },
      { at: '120s', value: 0.9 },
    ],
  },
  killSwitch: [
    { at: '0s', value: 'off' },
    { at: '600s', value: 'on' },
  ],
  runningExecutions: 1,
};

export function setUp(overrides: Partial<ScenarioInput> = {}): {
  account: SimulatedAccount;
  clock: ManualClock;
} {
  const clock = new ManualClock();
  const account = createSimulatedAccount(parseScenario({ ...base, ...overrides }), clock, {
    settings,
    fisTemplates: { [TEMPLATE]: { durationSeconds: 360, targetTags: { 'chaos-ready': 'true' } } },
    ownExecutionArn: 'arn:aws:states:eu-central-1:123456789012:execution:Machine:this-run',
  });
  return { account, clock };
}

export const start = (
  extra: Partial<StartExperimentCommandInput> & Record<string, unknown> = {},
): StartExperimentCommand =>
  new StartExperimentCommand({ experimentTemplateId: TEMPLATE, clientToken: 'run-1', ...extra });

export async function statusOf(account: SimulatedAccount, id: string): Promise<string | undefined> {
  const answer = await account.clients.fis.send(new GetExperimentCommand({ id }));
  return answer.experiment?.state?.status;
}

export async function errorOf(work: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await work;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

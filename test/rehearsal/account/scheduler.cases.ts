import { GetScheduleCommand } from '@aws-sdk/client-scheduler';
import { createSimulatedAccount } from '../../../lib/rehearsal/simulated-account';
import { parseScenario } from '../../../lib/rehearsal/scenario';
import { base, errorOf, ManualClock, settings } from './fixture';

const schedules = {
  'cadence-monthly': { group: 'monthly', expression: 'cron(0 10 ? * TUE#1 *)', timeZone: 'Europe/Berlin' },
};

function account(preflight: Record<string, unknown> = {}) {
  return createSimulatedAccount(parseScenario({ ...base, preflight }), new ManualClock(), {
    settings,
    schedules,
  });
}

describe('simulated Scheduler', () => {
  it('answers a deployed schedule ENABLED, with its expression and time zone', async () => {
    const answer = await account().preflightClients.scheduler.send(
      new GetScheduleCommand({ Name: 'cadence-monthly', GroupName: 'chaos' }),
    );

    expect(answer).toMatchObject({
      Arn: 'arn:aws:scheduler:eu-central-1:123456789012:schedule/chaos/cadence-monthly',
      State: 'ENABLED',
      ScheduleExpression: 'cron(0 10 ? * TUE#1 *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
    });
  });

  it('answers the state the scenario gives the cadence group', async () => {
    const answer = await account({ schedules: { monthly: 'DISABLED' } }).preflightClients.scheduler.send(
      new GetScheduleCommand({ Name: 'cadence-monthly' }),
    );

    expect(answer.State).toBe('DISABLED');
  });

  it('rejects a schedule the deployment does not have with ResourceNotFoundException', async () => {
    const error = await errorOf(
      account().preflightClients.scheduler.send(new GetScheduleCommand({ Name: 'other' })),
    );

    expect(error.name).toBe('ResourceNotFoundException');
  });
});

import { SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { UnsimulatedCallError } from '../../lib/rehearsal/simulated-account';
import { KILL_SWITCH, setUp, start, errorOf } from './account/fixture';

describe('createSimulatedAccount', () => {
  describe('failures and records', () => {
    it('fails loudly on a command it does not simulate', async () => {
      const { account } = setUp();

      const error = await errorOf(
        account.clients.cloudWatch.send(
          new SetAlarmStateCommand({ AlarmName: 'a', StateValue: 'OK', StateReason: 'x' }),
        ),
      );

      expect(error).toBeInstanceOf(UnsimulatedCallError);
      expect(error.message).toMatch(/cloudwatch:SetAlarmState/);
    });

    it('injects the scenario API failures in order, then answers normally', async () => {
      const { account } = setUp({
        apiFailures: [
          { call: 'fis:StartExperiment', error: 'ThrottlingException', message: 'Rate exceeded', times: 2 },
        ],
      });

      const first = await errorOf(account.clients.fis.send(start()));
      await errorOf(account.clients.fis.send(start()));
      const third = await account.clients.fis.send(start());

      expect(first).toMatchObject({
        name: 'ThrottlingException',
        message: 'Rate exceeded',
        $retryable: { throttling: true },
        $metadata: { httpStatusCode: 400, attempts: 1 },
      });
      expect(third.experiment?.id).toBeDefined();
    });

    it('records every call in order with its virtual time, input and output or error', async () => {
      const { account, clock } = setUp({
        apiFailures: [{ call: 'ssm:GetParameter', error: 'AccessDeniedException' }],
      });
      await errorOf(account.clients.ssm.send(new GetParameterCommand({ Name: KILL_SWITCH })));
      clock.advance(15);

      await account.clients.ssm.send(new GetParameterCommand({ Name: KILL_SWITCH }));

      const [failed, answered] = account.calls;
      expect(account.calls).toHaveLength(2);
      expect(failed).toMatchObject({
        at: '2026-12-01T09:00:00.000Z',
        service: 'ssm',
        command: 'GetParameter',
        input: { Name: KILL_SWITCH },
      });
      expect(failed?.error).toMatch(/^AccessDeniedException/);
      expect(answered).toMatchObject({
        at: '2026-12-01T09:00:15.000Z',
        command: 'GetParameter',
        output: { Parameter: { Value: 'off' } },
      });
    });
  });
});

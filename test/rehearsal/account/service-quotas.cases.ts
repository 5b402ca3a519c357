import { ListServiceQuotasCommand } from '@aws-sdk/client-service-quotas';
import { createSimulatedAccount } from '../../../lib/rehearsal/simulated-account';
import { parseScenario } from '../../../lib/rehearsal/scenario';
import { base, ManualClock, settings } from './fixture';

function account(preflight: Record<string, unknown> = {}) {
  return createSimulatedAccount(parseScenario({ ...base, preflight }), new ManualClock(), { settings });
}

describe('simulated Service Quotas', () => {
  it("lists FIS's send-command target quota when the scenario gives one", async () => {
    const answer = await account({ fisSendCommandTargetQuota: 5 }).preflightClients.serviceQuotas.send(
      new ListServiceQuotasCommand({ ServiceCode: 'fis' }),
    );

    expect(answer.Quotas).toEqual([
      expect.objectContaining({
        ServiceCode: 'fis',
        QuotaName: expect.stringContaining('aws:ssm:send-command') as string,
        Value: 5,
      }),
    ]);
  });

  it('lists no quota when the scenario gives none, or for another service', async () => {
    const none = await account().preflightClients.serviceQuotas.send(
      new ListServiceQuotasCommand({ ServiceCode: 'fis' }),
    );
    const other = await account({ fisSendCommandTargetQuota: 5 }).preflightClients.serviceQuotas.send(
      new ListServiceQuotasCommand({ ServiceCode: 'ec2' }),
    );

    expect([none.Quotas, other.Quotas]).toEqual([[], []]);
  });
});

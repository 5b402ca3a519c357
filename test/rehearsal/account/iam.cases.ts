import { GetRoleCommand, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { createSimulatedAccount } from '../../../lib/rehearsal/simulated-account';
import { parseScenario } from '../../../lib/rehearsal/scenario';
import { base, errorOf, ManualClock, settings } from './fixture';

function account(preflight: Record<string, unknown> = {}) {
  return createSimulatedAccount(parseScenario({ ...base, preflight }), new ManualClock(), { settings });
}

describe('simulated IAM', () => {
  it('answers GetRole with the role FIS may assume', async () => {
    const answer = await account().preflightClients.iam.send(new GetRoleCommand({ RoleName: 'fis-role' }));

    expect(answer.Role).toMatchObject({
      RoleName: 'fis-role',
      Arn: 'arn:aws:iam::123456789012:role/fis-role',
    });
    expect(decodeURIComponent(answer.Role?.AssumeRolePolicyDocument ?? '')).toContain('fis.amazonaws.com');
  });

  it('rejects a role the scenario says is missing with NoSuchEntityException', async () => {
    const error = await errorOf(
      account({ missingRoles: ['fis-role'] }).preflightClients.iam.send(
        new GetRoleCommand({ RoleName: 'fis-role' }),
      ),
    );

    expect(error.name).toBe('NoSuchEntityException');
  });

  it('simulates each action allowed, unless the scenario denies it to the role', async () => {
    const answer = await account({ iamDenied: ['poll-role ssm:GetParameter'] }).preflightClients.iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: 'arn:aws:iam::123456789012:role/poll-role',
        ActionNames: ['fis:GetExperiment', 'ssm:GetParameter'],
      }),
    );

    expect(answer.EvaluationResults?.map((r) => [r.EvalActionName, r.EvalDecision])).toEqual([
      ['fis:GetExperiment', 'allowed'],
      ['ssm:GetParameter', 'implicitDeny'],
    ]);
  });
});

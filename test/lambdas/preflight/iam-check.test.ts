import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { checkIam, type RunCall } from '../../../lambdas/preflight/iam-check';
import type { PreflightDeps } from '../../../lambdas/preflight/report';

const call: RunCall = {
  principal: 'StartFault',
  roleArn: 'arn:aws:iam::123456789012:role/ChaosCadence-StartFault',
  action: 'fis:StartExperiment',
  resource: 'arn:aws:fis:eu-central-1:123456789012:experiment-template/EXTa162bfddc89a48',
  context: { 'aws:RequestTag/chaos-cadence:experiment': 'web-cpu-80' },
};

function depsWith(iam: IAMClient): PreflightDeps {
  // checkIam reads only the IAM client; the rest of the deps is not touched.
  return { clients: { iam } } as unknown as PreflightDeps;
}

describe('checkIam', () => {
  it('sends the resource ARN and the request context with the action', async () => {
    const iam = mockClient(IAMClient);
    iam.on(SimulatePrincipalPolicyCommand).resolves({
      EvaluationResults: [
        { EvalActionName: call.action, EvalResourceName: call.resource, EvalDecision: 'allowed' },
      ],
    });

    const check = await checkIam([call], depsWith(new IAMClient({})));

    expect(check.status).toBe('ok');
    expect(iam).toHaveReceivedCommandWith(SimulatePrincipalPolicyCommand, {
      PolicySourceArn: call.roleArn,
      ActionNames: [call.action],
      ResourceArns: [call.resource],
      ContextEntries: [
        {
          ContextKeyName: 'aws:RequestTag/chaos-cadence:experiment',
          ContextKeyValues: ['web-cpu-80'],
          ContextKeyType: 'string',
        },
      ],
    });
    iam.restore();
  });

  it('fails naming the resource of a resource-specific denial (explicitDeny)', async () => {
    const iam = mockClient(IAMClient);
    iam.on(SimulatePrincipalPolicyCommand).resolves({
      EvaluationResults: [
        {
          EvalActionName: call.action,
          EvalDecision: 'explicitDeny',
          ResourceSpecificResults: [
            { EvalResourceName: call.resource, EvalResourceDecision: 'explicitDeny' },
          ],
        },
      ],
    });

    const check = await checkIam([call], depsWith(new IAMClient({})));

    expect(check.status).toBe('fail');
    expect(check.detail).toBe(
      `denied: StartFault may not fis:StartExperiment on ${call.resource} (explicitDeny)`,
    );
    iam.restore();
  });

  it('warns when IAM allowed without a context value a policy reads', async () => {
    const iam = mockClient(IAMClient);
    iam.on(SimulatePrincipalPolicyCommand).resolves({
      EvaluationResults: [
        {
          EvalActionName: call.action,
          EvalResourceName: call.resource,
          EvalDecision: 'allowed',
          MissingContextValues: ['aws:SourceVpc'],
        },
      ],
    });

    const check = await checkIam([call], depsWith(new IAMClient({})));

    expect(check.status).toBe('warn');
    expect(check.detail).toContain(
      `StartFault fis:StartExperiment on ${call.resource} (without aws:SourceVpc)`,
    );
    iam.restore();
  });
});

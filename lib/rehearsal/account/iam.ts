import * as iamSdk from '@aws-sdk/client-iam';
import type { Route, ServiceContext } from './context';
import { serviceError } from './errors';

/**
 * AWS IAM (read by the preflight): GetRole (absent for the scenario's `preflight.missingRoles`) and
 * SimulatePrincipalPolicy (allowed unless `preflight.iamDenied` lists `<role> <action>`).
 */
export function simulatedIam(ctx: ServiceContext): { readonly routes: Route[] } {
  const { scenario, account, partition } = ctx;
  const pre = scenario.preflight;
  const roleName = (arn: string): string => arn.split('/').pop() ?? arn;
  const checkRole = (name: string): void => {
    if (pre.missingRoles.includes(name)) {
      throw serviceError('iam', 'NoSuchEntityException', `The role with name ${name} cannot be found.`);
    }
  };
  const routes: Route[] = [
    {
      command: iamSdk.GetRoleCommand,
      name: 'GetRole',
      handle: (input: iamSdk.GetRoleCommandInput) => {
        const name = input.RoleName ?? '';
        checkRole(name);
        return {
          Role: {
            Path: '/',
            RoleName: name,
            RoleId: 'AROAREHEARSALEXAMPLE',
            Arn: `arn:${partition}:iam::${account}:role/${name}`,
            CreateDate: new Date(ctx.runStartMs - 30 * 86_400_000),
            AssumeRolePolicyDocument: encodeURIComponent(
              JSON.stringify({
                Version: '2012-10-17',
                Statement: [
                  { Effect: 'Allow', Principal: { Service: 'fis.amazonaws.com' }, Action: 'sts:AssumeRole' },
                ],
              }),
            ),
            MaxSessionDuration: 3600,
          },
        };
      },
    },
    {
      command: iamSdk.SimulatePrincipalPolicyCommand,
      name: 'SimulatePrincipalPolicy',
      handle: (input: iamSdk.SimulatePrincipalPolicyCommandInput) => {
        const role = roleName(input.PolicySourceArn ?? '');
        checkRole(role);
        const resources = input.ResourceArns?.length ? input.ResourceArns : ['*'];
        return {
          IsTruncated: false,
          EvaluationResults: (input.ActionNames ?? []).map((action) => {
            const denied = pre.iamDenied.includes(`${role} ${action}`);
            return {
              EvalActionName: action,
              EvalResourceName: resources[0],
              EvalDecision: denied ? 'implicitDeny' : 'allowed',
              MatchedStatements: denied
                ? []
                : [{ SourcePolicyId: `${role}DefaultPolicy`, SourcePolicyType: 'role' }],
              MissingContextValues: [],
              ResourceSpecificResults: resources.map((resource) => ({
                EvalResourceName: resource,
                EvalResourceDecision: denied ? 'implicitDeny' : 'allowed',
              })),
            };
          }),
        };
      },
    },
  ];
  return { routes };
}

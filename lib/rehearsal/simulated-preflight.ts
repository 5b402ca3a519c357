import * as iamSdk from '@aws-sdk/client-iam';
import * as schedulerSdk from '@aws-sdk/client-scheduler';
import * as quotasSdk from '@aws-sdk/client-service-quotas';
import * as snsSdk from '@aws-sdk/client-sns';
import * as ssmSdk from '@aws-sdk/client-ssm';
import type { Scenario } from './scenario';

/** A deployed schedule the simulated Scheduler knows, by name. */
export interface SimulatedSchedule {
  readonly group: string;
  readonly expression: string;
  readonly timeZone: string;
}

/** What the preflight services need from the account around them. */
export interface PreflightServiceContext {
  readonly scenario: Scenario;
  readonly region: string;
  readonly account: string;
  readonly partition: string;
  readonly now: () => number;
  /** The deployment's schedules by name. */
  readonly schedules: Readonly<Record<string, SimulatedSchedule>>;
  /** Builds an error as the SDK throws it (see `serviceError`). */
  readonly error: (service: 'ssm' | 'scheduler' | 'iam' | 'servicequotas', name: string, message: string) => Error;
}

/** One simulated API operation (the same shape the account's route tables use). */
export interface PreflightRoute {
  readonly command: new (input: never) => unknown;
  readonly name: string;
  readonly handle: (input: never) => object | Promise<object>;
}

/**
 * The read-only APIs the preflight calls beyond a run's: EventBridge Scheduler `GetSchedule`, IAM
 * `GetRole` and `SimulatePrincipalPolicy`, Service Quotas `ListServiceQuotas`, SSM
 * `DescribeInstanceInformation` and `DescribeDocument`, SNS `ListSubscriptionsByTopic`. Answers are
 * shaped like AWS's (fields as the API references name them) and come from the scenario's `preflight`
 * section; each default is the healthy answer.
 */
export function preflightRoutes(ctx: PreflightServiceContext): {
  readonly scheduler: PreflightRoute[];
  readonly iam: PreflightRoute[];
  readonly servicequotas: PreflightRoute[];
  readonly ssm: PreflightRoute[];
  readonly sns: PreflightRoute[];
} {
  const { scenario, region, account, partition } = ctx;
  const pre = scenario.preflight;
  const roleName = (arn: string): string => arn.split('/').pop() ?? arn;

  const scheduler: PreflightRoute[] = [
    {
      command: schedulerSdk.GetScheduleCommand,
      name: 'GetSchedule',
      handle: (input: schedulerSdk.GetScheduleCommandInput) => {
        const name = input.Name ?? '';
        const schedule = ctx.schedules[name];
        const state = schedule ? (pre.schedules[schedule.group] ?? 'ENABLED') : 'missing';
        if (!schedule || state === 'missing') {
          throw ctx.error('scheduler', 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
        }
        const groupName = input.GroupName ?? 'default';
        return {
          Arn: `arn:${partition}:scheduler:${region}:${account}:schedule/${groupName}/${name}`,
          Name: name,
          GroupName: groupName,
          State: state,
          ScheduleExpression: schedule.expression,
          ScheduleExpressionTimezone: schedule.timeZone,
          FlexibleTimeWindow: { Mode: 'OFF' },
          CreationDate: new Date(scenario.now.getTime() - 30 * 86_400_000),
          LastModificationDate: new Date(scenario.now.getTime() - 30 * 86_400_000),
          Target: {
            Arn: `arn:${partition}:states:${region}:${account}:stateMachine:ChaosCadence-run-experiments`,
            RoleArn: `arn:${partition}:iam::${account}:role/ChaosCadence-schedule-${schedule.group}`,
            RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 3 },
          },
        };
      },
    },
  ];

  const iam: PreflightRoute[] = [
    {
      command: iamSdk.GetRoleCommand,
      name: 'GetRole',
      handle: (input: iamSdk.GetRoleCommandInput) => {
        const name = input.RoleName ?? '';
        if (pre.missingRoles.includes(name)) {
          throw ctx.error('iam', 'NoSuchEntityException', `The role with name ${name} cannot be found.`);
        }
        return {
          Role: {
            Path: '/',
            RoleName: name,
            RoleId: 'AROAREHEARSALEXAMPLE',
            Arn: `arn:${partition}:iam::${account}:role/${name}`,
            CreateDate: new Date(scenario.now.getTime() - 30 * 86_400_000),
            AssumeRolePolicyDocument: encodeURIComponent(
              JSON.stringify({
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', Principal: { Service: 'fis.amazonaws.com' }, Action: 'sts:AssumeRole' }],
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
        if (pre.missingRoles.includes(role)) {
          throw ctx.error('iam', 'NoSuchEntityException', `The role with name ${role} cannot be found.`);
        }
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

  const servicequotas: PreflightRoute[] = [
    {
      command: quotasSdk.ListServiceQuotasCommand,
      name: 'ListServiceQuotas',
      handle: (input: quotasSdk.ListServiceQuotasCommandInput) => {
        if (input.ServiceCode !== 'fis' || pre.fisSendCommandTargetQuota === undefined) return { Quotas: [] };
        return {
          Quotas: [
            {
              ServiceCode: 'fis',
              ServiceName: 'AWS Fault Injection Service',
              QuotaArn: `arn:${partition}:servicequotas:${region}:${account}:fis/L-D0A62255`,
              QuotaCode: 'L-D0A62255',
              QuotaName: 'Target Instances for aws:ssm:send-command',
              Value: pre.fisSendCommandTargetQuota,
              Unit: 'None',
              Adjustable: true,
              GlobalQuota: false,
            },
          ],
        };
      },
    },
  ];

  const ssm: PreflightRoute[] = [
    {
      command: ssmSdk.DescribeInstanceInformationCommand,
      name: 'DescribeInstanceInformation',
      handle: (input: ssmSdk.DescribeInstanceInformationCommandInput) => {
        const wanted = (input.Filters ?? []).find((f) => f.Key === 'InstanceIds')?.Values;
        const list = scenario.instances
          .filter((i) => !wanted || wanted.includes(i.id))
          .flatMap((instance) => {
            const agent = pre.agents[instance.id] ?? { pingStatus: 'Online', platform: 'Linux' };
            if (agent.pingStatus === 'unmanaged') return [];
            return [
              {
                InstanceId: instance.id,
                PingStatus: agent.pingStatus,
                LastPingDateTime: new Date(ctx.now() - (agent.pingStatus === 'Online' ? 60_000 : 86_400_000)),
                AgentVersion: '3.3.1142.0',
                IsLatestVersion: true,
                PlatformType: agent.platform,
                PlatformName: agent.platform === 'Linux' ? 'Amazon Linux' : agent.platform,
                PlatformVersion: agent.platform === 'Linux' ? '2023' : '10',
                ResourceType: 'EC2Instance',
                IPAddress: '10.0.0.10',
                ComputerName: `${instance.id}.${region}.compute.internal`,
              },
            ];
          });
        return { InstanceInformationList: list };
      },
    },
    {
      command: ssmSdk.DescribeDocumentCommand,
      name: 'DescribeDocument',
      handle: (input: ssmSdk.DescribeDocumentCommandInput) => {
        const name = input.Name ?? '';
        if (pre.missingDocuments.includes(name)) throw ctx.error('ssm', 'InvalidDocument', 'The specified document does not exist.');
        return {
          Document: {
            Name: name,
            Owner: 'Amazon',
            DocumentType: 'Command',
            DocumentFormat: 'YAML',
            SchemaVersion: '2.2',
            Status: 'Active',
            DocumentVersion: '1',
            LatestVersion: '1',
            DefaultVersion: '1',
            PlatformTypes: ['Linux'],
            CreatedDate: new Date('2021-03-15T00:00:00Z'),
          },
        };
      },
    },
  ];

  const sns: PreflightRoute[] = [
    {
      command: snsSdk.ListSubscriptionsByTopicCommand,
      name: 'ListSubscriptionsByTopic',
      handle: (input: snsSdk.ListSubscriptionsByTopicCommandInput) => ({
        Subscriptions: pre.subscriptions.map((s, index) => ({
          SubscriptionArn:
            s.status === 'pending'
              ? 'PendingConfirmation'
              : `${input.TopicArn ?? ''}:0000000${index}-rehearsal-0000-0000-000000000000`,
          Owner: account,
          Protocol: 'email',
          Endpoint: s.endpoint,
          TopicArn: input.TopicArn,
        })),
      }),
    },
  ];

  return { scheduler, iam, servicequotas, ssm, sns };
}

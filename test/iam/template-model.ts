import { createHash } from 'node:crypto';

/**
 * A synthesized CloudFormation template with its intrinsics resolved the way CloudFormation would for
 * one deployment: every `Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select` and `Fn::Split` becomes
 * a concrete value (physical names derived from the stack name and the logical id, as CloudFormation
 * generates them), so policies can be evaluated against concrete ARNs.
 */

/** Where the stack is deployed. */
export interface StackIdentity {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly stackName: string;
}

/** One resource of the template. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

/** An IAM policy document (identity or resource policy). */
export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: readonly PolicyStatement[];
}

/** One statement of a policy document, as CloudFormation carries it. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: unknown;
  readonly NotPrincipal?: unknown;
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** Physical ids to use instead of the generated ones, by logical id (e.g. FIS template ids). */
export type RefOverride = (logicalId: string, resource: CfnResource) => string | undefined;

const shortHash = (text: string, length: number): string =>
  createHash('sha256').update(text).digest('hex').slice(0, length);

/** A template whose values can be resolved for one deployment. */
export class ResolvedTemplate {
  /** The template's resources, unresolved. */
  readonly resources: Readonly<Record<string, CfnResource>>;

  constructor(
    template: { readonly Resources?: Record<string, CfnResource> },
    readonly identity: StackIdentity,
    private readonly refOverride: RefOverride = () => undefined,
  ) {
    this.resources = template.Resources ?? {};
  }

  /** The resource with this logical id; throws when there is none. */
  resource(logicalId: string): CfnResource {
    const resource = this.resources[logicalId];
    if (!resource) throw new Error(`the template has no resource ${logicalId}`);
    return resource;
  }

  /** Logical ids of the resources of one type. */
  idsOfType(type: string): string[] {
    return Object.entries(this.resources)
      .filter(([, r]) => r.Type === type)
      .map(([id]) => id);
  }

  /** A resource's properties with every intrinsic resolved. */
  properties(logicalId: string): Record<string, unknown> {
    return this.resolve(this.resource(logicalId).Properties ?? {}) as Record<string, unknown>;
  }

  /** `Ref` of a resource: its physical name or id, as CloudFormation returns it. */
  ref(logicalId: string): string {
    const resource = this.resource(logicalId);
    const overridden = this.refOverride(logicalId, resource);
    if (overridden !== undefined) return overridden;
    const { account, region, partition } = this.identity;
    const name = this.physicalName(logicalId);
    switch (resource.Type) {
      case 'AWS::SNS::Topic':
        return `arn:${partition}:sns:${region}:${account}:${name}`;
      case 'AWS::SQS::Queue':
        return `https://sqs.${region}.amazonaws.com/${account}/${name}`;
      case 'AWS::StepFunctions::StateMachine':
        return `arn:${partition}:states:${region}:${account}:stateMachine:${name}`;
      case 'AWS::KMS::Key':
        return keyId(logicalId);
      case 'AWS::FIS::ExperimentTemplate':
        return `EXT${shortHash(logicalId, 14)}`;
      default:
        return name;
    }
  }

  /** `Fn::GetAtt` of a resource. */
  attribute(logicalId: string, attribute: string): string {
    const resource = this.resource(logicalId);
    const { account, region, partition } = this.identity;
    const name = this.physicalName(logicalId);
    const arns: Record<string, () => string> = {
      'AWS::S3::Bucket': () => `arn:${partition}:s3:::${name}`,
      'AWS::SNS::Topic': () => this.ref(logicalId),
      'AWS::SQS::Queue': () => `arn:${partition}:sqs:${region}:${account}:${name}`,
      'AWS::KMS::Key': () => `arn:${partition}:kms:${region}:${account}:key/${keyId(logicalId)}`,
      'AWS::DynamoDB::Table': () => `arn:${partition}:dynamodb:${region}:${account}:table/${name}`,
      'AWS::IAM::Role': () => `arn:${partition}:iam::${account}:role/${name}`,
      'AWS::Lambda::Function': () => `arn:${partition}:lambda:${region}:${account}:function:${name}`,
      'AWS::Logs::LogGroup': () => `arn:${partition}:logs:${region}:${account}:log-group:${name}:*`,
      'AWS::StepFunctions::StateMachine': () => this.ref(logicalId),
      'AWS::CloudWatch::Alarm': () => `arn:${partition}:cloudwatch:${region}:${account}:alarm:${name}`,
      'AWS::Events::Rule': () => `arn:${partition}:events:${region}:${account}:rule/${name}`,
      'AWS::Scheduler::Schedule': () =>
        `arn:${partition}:scheduler:${region}:${account}:schedule/default/${name}`,
      'AWS::SSM::Parameter': () =>
        `arn:${partition}:ssm:${region}:${account}:parameter/${name.replace(/^\//, '')}`,
    };
    if (attribute === 'Arn' || attribute === 'TopicArn') {
      const arn = arns[resource.Type];
      if (arn) return arn();
    }
    if (['Name', 'TopicName', 'QueueName', 'StateMachineName'].includes(attribute)) return name;
    if (attribute === 'QueueUrl') return this.ref(logicalId);
    if (attribute === 'KeyId' || attribute === 'RoleId') return keyId(logicalId);
    throw new Error(`ResolvedTemplate does not know ${resource.Type}.${attribute} (${logicalId})`);
  }

  /** Resolves every intrinsic function inside a value. */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value === null || typeof value !== 'object') return value;
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 1) {
      const [fn] = keys as [string];
      const arg = record[fn];
      switch (fn) {
        case 'Ref':
          return this.pseudo(String(arg)) ?? this.ref(String(arg));
        case 'Fn::GetAtt': {
          const [id, attr] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.');
          return this.attribute(String(id), String(attr));
        }
        case 'Fn::Join': {
          const [separator, parts] = arg as [string, unknown[]];
          return (this.resolve(parts) as unknown[]).map(String).join(separator);
        }
        case 'Fn::Select': {
          const [index, list] = arg as [number | string, unknown];
          return (this.resolve(list) as unknown[])[Number(index)];
        }
        case 'Fn::Split': {
          const [separator, text] = arg as [string, unknown];
          return String(this.resolve(text)).split(separator);
        }
        case 'Fn::Sub': {
          const [text, variables] = Array.isArray(arg)
            ? (arg as [string, Record<string, unknown>])
            : [String(arg), {}];
          return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
            if (name in variables) return String(this.resolve(variables[name]));
            if (name.includes('.')) {
              const [id, attr] = name.split('.') as [string, string];
              return this.attribute(id, attr);
            }
            return this.pseudo(name) ?? this.ref(name);
          });
        }
        default:
          break;
      }
    }
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, this.resolve(v)]));
  }

  private pseudo(name: string): string | undefined {
    const { account, region, partition, stackName } = this.identity;
    const values: Record<string, string> = {
      'AWS::AccountId': account,
      'AWS::Region': region,
      'AWS::Partition': partition,
      'AWS::StackName': stackName,
      'AWS::URLSuffix': 'amazonaws.com',
    };
    return values[name];
  }

  /** The name CloudFormation gives (or the template sets) a resource. */
  private physicalName(logicalId: string): string {
    const resource = this.resource(logicalId);
    const explicitKey: Record<string, string> = {
      'AWS::S3::Bucket': 'BucketName',
      'AWS::SNS::Topic': 'TopicName',
      'AWS::SQS::Queue': 'QueueName',
      'AWS::DynamoDB::Table': 'TableName',
      'AWS::SSM::Parameter': 'Name',
      'AWS::IAM::Role': 'RoleName',
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::Logs::LogGroup': 'LogGroupName',
      'AWS::StepFunctions::StateMachine': 'StateMachineName',
      'AWS::CloudWatch::Alarm': 'AlarmName',
      'AWS::Events::Rule': 'Name',
      'AWS::Scheduler::Schedule': 'Name',
    };
    const key = explicitKey[resource.Type];
    const explicit = key ? resource.Properties?.[key] : undefined;
    if (explicit !== undefined) return String(this.resolve(explicit));
    // CloudFormation's generated names: <stack>-<logical id>-<random suffix>.
    const generated = `${this.identity.stackName}-${logicalId}-${shortHash(logicalId, 12).toUpperCase()}`;
    return resource.Type === 'AWS::S3::Bucket' ? generated.toLowerCase().slice(0, 63) : generated;
  }
}

function keyId(logicalId: string): string {
  const hex = shortHash(logicalId, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

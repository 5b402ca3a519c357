import type { PolicyDocument, PolicyStatement, ResolvedTemplate } from './template-model';

/**
 * What a deployment of the synthesized template would hold, as far as IAM is concerned: each
 * function with its role's identity policies, each role's trust policy, and the resource policy of
 * every resource that has one (bucket, topic, key, queue, function, log group).
 */

/** One Lambda function of the template. */
export interface FunctionModel {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  readonly roleLogicalId: string;
  readonly roleArn: string;
  /** The environment variables, resolved. */
  readonly environment: Readonly<Record<string, string>>;
}

/** An identity policy attached to a role, with where it comes from. */
export interface NamedPolicy {
  readonly name: string;
  readonly policy: PolicyDocument;
}

/** A resource policy and the resource ARNs it governs. */
interface ResourcePolicy {
  readonly arns: readonly string[];
  /** Also governs ARNs under these prefixes (S3 objects: `<bucket arn>/`). */
  readonly prefixes: readonly string[];
  readonly statements: PolicyStatement[];
}

const asArray = <T>(value: T | readonly T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? [...(value as T[])] : [value as T];

/** The IAM view of a synthesized stack. */
export class DeploymentModel {
  private readonly resourcePolicies: ResourcePolicy[] = [];

  constructor(readonly template: ResolvedTemplate) {
    this.collectResourcePolicies();
  }

  /** Every Lambda function, with its role. */
  functions(): FunctionModel[] {
    return this.template.idsOfType('AWS::Lambda::Function').map((id) => this.functionModel(id));
  }

  /** The function whose logical id starts with `prefix` (construct path without the hash). */
  functionNamed(prefix: string): FunctionModel {
    const matches = this.template
      .idsOfType('AWS::Lambda::Function')
      .filter((id) => id.startsWith(prefix) && /^[0-9A-F]{8}$/.test(id.slice(prefix.length)));
    if (matches.length !== 1) {
      throw new Error(`expected one function ${prefix}<hash> in the template, found ${matches.length}`);
    }
    return this.functionModel(matches[0] as string);
  }

  /** The function each Task state of the state machine invokes, by state name (from the definition). */
  taskFunctions(): Record<string, FunctionModel> {
    const byState: Record<string, FunctionModel> = {};
    for (const id of this.template.idsOfType('AWS::StepFunctions::StateMachine')) {
      const props = this.template.resource(id).Properties ?? {};
      const substitutions = (props.DefinitionSubstitutions ?? {}) as Record<string, unknown>;
      const definition = JSON.parse(String(props.DefinitionString)) as { States: Record<string, unknown> };
      const visit = (states: Record<string, unknown>): void => {
        for (const [name, raw] of Object.entries(states)) {
          const state = raw as Record<string, unknown>;
          const placeholder = /^\$\{(\w+)\}$/.exec(
            typeof state.Resource === 'string' ? state.Resource : '',
          )?.[1];
          const target = placeholder ? substitutions[placeholder] : undefined;
          const getAtt = (target as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
          if (state.Type === 'Task' && getAtt) byState[name] = this.functionModel(getAtt[0]);
          for (const nested of [state.ItemProcessor, state.Iterator, ...asArray(state.Branches)]) {
            const inner = (nested as { States?: Record<string, unknown> } | undefined)?.States;
            if (inner) visit(inner);
          }
        }
      };
      visit(definition.States);
    }
    return byState;
  }

  /** The identity policies of a role: its inline policies and every AWS::IAM::Policy attached to it. */
  identityPolicies(roleLogicalId: string): NamedPolicy[] {
    const policies: NamedPolicy[] = [];
    const role = this.template.properties(roleLogicalId);
    for (const inline of asArray(role.Policies as { PolicyName: string; PolicyDocument: PolicyDocument }[])) {
      policies.push({ name: inline.PolicyName, policy: inline.PolicyDocument });
    }
    for (const id of this.template.idsOfType('AWS::IAM::Policy')) {
      const raw = this.template.resource(id).Properties ?? {};
      const roles = asArray(raw.Roles as { Ref?: string }[]).map((r) => r.Ref);
      if (!roles.includes(roleLogicalId)) continue;
      policies.push({ name: id, policy: this.template.properties(id).PolicyDocument as PolicyDocument });
    }
    return policies;
  }

  /** The role's trust policy (who may assume it). */
  trustPolicy(roleLogicalId: string): PolicyDocument {
    return this.template.properties(roleLogicalId).AssumeRolePolicyDocument as PolicyDocument;
  }

  /** The resource policy governing an ARN, if any (merged when several apply, e.g. Lambda permissions). */
  resourcePolicyFor(arn: string): PolicyDocument | undefined {
    const statements = this.resourcePolicies
      .filter((p) => p.arns.includes(arn) || p.prefixes.some((prefix) => arn.startsWith(prefix)))
      .flatMap((p) => p.statements);
    return statements.length > 0 ? { Version: '2012-10-17', Statement: statements } : undefined;
  }

  /** Every resource policy of the template, as (resource, document) pairs, for linting. */
  resourcePolicyDocuments(): { readonly id: string; readonly policy: PolicyDocument }[] {
    const documents: { id: string; policy: PolicyDocument }[] = [];
    const policyProperty: Record<string, string> = {
      'AWS::S3::BucketPolicy': 'PolicyDocument',
      'AWS::SNS::TopicPolicy': 'PolicyDocument',
      'AWS::SQS::QueuePolicy': 'PolicyDocument',
      'AWS::KMS::Key': 'KeyPolicy',
    };
    for (const [id, resource] of Object.entries(this.template.resources)) {
      const key = policyProperty[resource.Type];
      if (key) documents.push({ id, policy: this.template.properties(id)[key] as PolicyDocument });
      if (resource.Type === 'AWS::IAM::Role')
        documents.push({ id: `${id} trust`, policy: this.trustPolicy(id) });
    }
    return documents;
  }

  /** Every identity policy document of the template (inline, attached and customer managed). */
  identityPolicyDocuments(): { readonly id: string; readonly policy: PolicyDocument }[] {
    const documents: { id: string; policy: PolicyDocument }[] = [];
    for (const [id, resource] of Object.entries(this.template.resources)) {
      if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
        documents.push({ id, policy: this.template.properties(id).PolicyDocument as PolicyDocument });
      }
      if (resource.Type === 'AWS::IAM::Role') {
        for (const inline of asArray(this.template.properties(id).Policies as NamedPolicy['policy'][])) {
          documents.push({
            id,
            policy: (inline as unknown as { PolicyDocument: PolicyDocument }).PolicyDocument,
          });
        }
      }
    }
    return documents;
  }

  /** The KMS key ARN that encrypts a bucket (for its objects) or a topic, if one does. */
  encryptionKeyOf(arn: string): string | undefined {
    for (const id of this.template.idsOfType('AWS::S3::Bucket')) {
      const bucketArn = this.template.attribute(id, 'Arn');
      if (arn !== bucketArn && !arn.startsWith(`${bucketArn}/`)) continue;
      const encryption = this.template.properties(id).BucketEncryption as
        | {
            ServerSideEncryptionConfiguration?: {
              ServerSideEncryptionByDefault?: { KMSMasterKeyID?: string };
            }[];
          }
        | undefined;
      return encryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault
        ?.KMSMasterKeyID;
    }
    for (const id of this.template.idsOfType('AWS::SNS::Topic')) {
      if (this.template.ref(id) === arn)
        return this.template.properties(id).KmsMasterKeyId as string | undefined;
    }
    return undefined;
  }

  /** The role's ARN. */
  roleArn(roleLogicalId: string): string {
    return this.template.attribute(roleLogicalId, 'Arn');
  }

  private functionModel(logicalId: string): FunctionModel {
    const props = this.template.properties(logicalId);
    const rawRole = (this.template.resource(logicalId).Properties ?? {}).Role as {
      'Fn::GetAtt'?: [string, string];
    };
    const roleLogicalId = rawRole['Fn::GetAtt']?.[0];
    if (!roleLogicalId) throw new Error(`function ${logicalId} has no role of this template`);
    const environment =
      (props.Environment as { Variables?: Record<string, string> } | undefined)?.Variables ?? {};
    return {
      logicalId,
      name: this.template.ref(logicalId),
      arn: this.template.attribute(logicalId, 'Arn'),
      roleLogicalId,
      roleArn: String(props.Role),
      environment,
    };
  }

  private collectResourcePolicies(): void {
    const t = this.template;
    const add = (arns: string[], statements: PolicyStatement[], prefixes: string[] = []): void => {
      this.resourcePolicies.push({ arns, prefixes, statements });
    };
    const refOf = (value: unknown): string | undefined => (value as { Ref?: string } | undefined)?.Ref;
    for (const [id, resource] of Object.entries(t.resources)) {
      const raw = resource.Properties ?? {};
      switch (resource.Type) {
        case 'AWS::S3::BucketPolicy': {
          const bucket = refOf(raw.Bucket);
          if (!bucket) break;
          const arn = t.attribute(bucket, 'Arn');
          add([arn], [...statementsOf(t.properties(id).PolicyDocument)], [`${arn}/`]);
          break;
        }
        case 'AWS::SNS::TopicPolicy':
          add(asArray(t.resolve(raw.Topics) as string[]), [...statementsOf(t.properties(id).PolicyDocument)]);
          break;
        case 'AWS::SQS::QueuePolicy': {
          const queues = asArray(raw.Queues as unknown[])
            .map(refOf)
            .filter((q): q is string => q !== undefined)
            .map((q) => t.attribute(q, 'Arn'));
          add(queues, [...statementsOf(t.properties(id).PolicyDocument)]);
          break;
        }
        case 'AWS::KMS::Key':
          add([t.attribute(id, 'Arn')], [...statementsOf(t.properties(id).KeyPolicy)]);
          break;
        case 'AWS::Lambda::Permission': {
          const props = t.properties(id);
          add([String(props.FunctionName)], [lambdaPermissionStatement(props)]);
          break;
        }
        default:
          break;
      }
    }
  }
}

function statementsOf(document: unknown): readonly PolicyStatement[] {
  return (document as PolicyDocument | undefined)?.Statement ?? [];
}

/** An AWS::Lambda::Permission as the statement Lambda adds to the function's resource policy. */
function lambdaPermissionStatement(props: Record<string, unknown>): PolicyStatement {
  const principal = String(props.Principal);
  const conditions: Record<string, Record<string, unknown>> = {};
  if (props.SourceArn !== undefined) conditions.ArnLike = { 'AWS:SourceArn': props.SourceArn };
  if (props.SourceAccount !== undefined)
    conditions.StringEquals = { 'AWS:SourceAccount': props.SourceAccount };
  return {
    Effect: 'Allow',
    Principal: principal.endsWith('.amazonaws.com') ? { Service: principal } : { AWS: principal },
    Action: String(props.Action),
    Resource: String(props.FunctionName),
    ...(Object.keys(conditions).length > 0 ? { Condition: conditions } : {}),
  };
}

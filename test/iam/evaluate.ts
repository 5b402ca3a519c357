import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { NamedPolicy } from './deployment';
import type { PolicyDocument } from './template-model';

/**
 * One IAM authorization AWS would make: an action on a resource, with its request context. An AWS
 * call may need several (S3 PutObject on an SSE-KMS bucket: s3:PutObject and kms:GenerateDataKey).
 */
export interface IamRequest {
  readonly action: string;
  /** The resource ARN, or `*` for actions without resource types. */
  readonly resource: string;
  /** Request context keys: tags of the resource and the request, service-specific keys. */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
}

/** Who makes the request: a function's role session, or an AWS service principal. */
export type RequestPrincipal =
  | { readonly kind: 'role'; readonly roleArn: string; readonly sessionName: string }
  | { readonly kind: 'service'; readonly service: string };

/** What the evaluator decided. */
export interface Decision {
  readonly allowed: boolean;
  /** `Allowed`, `ImplicitlyDenied`, `ExplicitlyDenied`, or `Error: ...` when the request was malformed. */
  readonly result: string;
}

/** Everything one evaluation needs. */
export interface Evaluation {
  readonly principal: RequestPrincipal;
  readonly request: IamRequest;
  /** The identity policies of the principal's role (none for a service principal). */
  readonly identityPolicies: readonly NamedPolicy[];
  /** The resource's policy (bucket, topic, key, queue, function, role trust policy), if it has one. */
  readonly resourcePolicy?: PolicyDocument;
  /** The account that owns the resource (and the principal: everything here is one account). */
  readonly account: string;
}

const AWS_OWNED_DOCUMENT = /^arn:[^:]+:ssm:[^:]+::document\/AWS[A-Za-z0-9_.-]+$/;

/** The principal as IAM sees it in a request (an assumed-role session ARN or the service name). */
export function principalArn(principal: RequestPrincipal): string {
  if (principal.kind === 'service') return principal.service;
  const [, partition, , , account, resource] = principal.roleArn.split(':');
  const roleName = (resource ?? '').split('/').pop() ?? '';
  return `arn:${partition}:sts::${account}:assumed-role/${roleName}/${principal.sessionName}`;
}

/**
 * Evaluates one request with @cloud-copilot/iam-simulate: identity policies and the resource policy,
 * same-account rules (KMS key policies must allow, directly or by delegating to the account), TLS.
 */
export async function evaluate(evaluation: Evaluation): Promise<Decision> {
  const { principal, request, account } = evaluation;
  const roleContext: Record<string, string> =
    principal.kind === 'role'
      ? {
          'aws:PrincipalArn': principal.roleArn,
          'aws:PrincipalAccount': account,
          'aws:PrincipalType': 'AssumedRole',
        }
      : {};
  const contextVariables: Record<string, string | string[]> = {
    'aws:SecureTransport': 'true',
    ...roleContext,
  };
  for (const [key, value] of Object.entries(request.context ?? {})) {
    contextVariables[key] = typeof value === 'string' ? value : [...value];
  }
  const simulation: Simulation = {
    request: {
      principal: principalArn(principal),
      action: request.action,
      resource: { resource: request.resource, accountId: account },
      contextVariables,
    },
    identityPolicies: evaluation.identityPolicies.map((p) => ({ name: p.name, policy: p.policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(evaluation.resourcePolicy ? { resourcePolicy: evaluation.resourcePolicy } : {}),
  };
  const response = await runSimulation(simulation, {});
  if (response.resultType === 'error') {
    // AWS-owned SSM documents have no account in their ARN (arn:aws:ssm:<region>::document/AWS...), which
    // iam-data's ARN format (with ${Account}) does not match; that one documented form is evaluated without
    // the resource-type check. Every other malformed request stays an error.
    if (
      AWS_OWNED_DOCUMENT.test(request.resource) &&
      JSON.stringify(response.errors).includes('no.resource.types')
    ) {
      const result = runUnsafeSimulation(simulation, {});
      return { allowed: result === 'Allowed', result };
    }
    return { allowed: false, result: `Error: ${JSON.stringify(response.errors)}` };
  }
  return { allowed: response.overallResult === 'Allowed', result: response.overallResult };
}

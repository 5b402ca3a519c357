import { ArnFormat, Stack, aws_iam as iam } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { FisManagedPolicy } from './action-catalogue';
import { acknowledgeManagedPolicy, acknowledgeWildcardResources } from './nag';

/**
 * The tag the workflow puts on every FIS experiment it starts (`StartExperiment({ tags })`); the
 * start/observe/stop grants are conditioned on it, so a function may only touch its own experiments.
 */
export const EXPERIMENT_TAG_KEY = 'chaos-cadence:experiment';

/** The tag naming the application under test, on every resource chaos-cadence creates for a fault. */
export const APPLICATION_TAG_KEY = 'chaos-cadence:application';

/** ARNs the fault policies are built from. */
export interface CpuStressArns {
  /** `arn:<partition>:ssm:<region>::document/AWSFIS-Run-CPU-Stress`. */
  readonly documentArn: string;
  /** `arn:<partition>:ec2:<region>:<account>:instance/*`. */
  readonly instancesArn: string;
}

/** The ARNs of the CPU stress document and of the stack's EC2 instances. */
export function cpuStressArns(scope: Construct, documentName: string): CpuStressArns {
  const stack = Stack.of(scope);
  return {
    documentArn: stack.formatArn({
      service: 'ssm',
      account: '',
      resource: 'document',
      resourceName: documentName,
    }),
    instancesArn: stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' }),
  };
}

/**
 * `ssm:SendCommand` of one document, on instances carrying every target tag (one `ssm:resourceTag/<k>`
 * condition per tag): the same two statements serve the FIS role and the SSM-mode start function.
 */
export function sendCommandStatements(
  arns: CpuStressArns,
  tags: Readonly<Record<string, string>>,
): iam.PolicyStatement[] {
  const conditions = Object.fromEntries(Object.entries(tags).map(([k, v]) => [`ssm:resourceTag/${k}`, v]));
  return [
    new iam.PolicyStatement({ actions: ['ssm:SendCommand'], resources: [arns.documentArn] }),
    new iam.PolicyStatement({
      actions: ['ssm:SendCommand'],
      resources: [arns.instancesArn],
      conditions: { StringEquals: conditions },
    }),
  ];
}

/**
 * The FIS experiment role: trusted by `fis.amazonaws.com` only for experiments of this account and
 * region (`aws:SourceAccount`, `aws:SourceArn`: the confused-deputy guard FIS documents).
 */
export function createExperimentRole(scope: Construct, id: string, description: string): iam.Role {
  const stack = Stack.of(scope);
  const experimentArns = stack.formatArn({
    service: 'fis',
    resource: 'experiment',
    resourceName: '*',
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
  return new iam.Role(scope, id, {
    description,
    assumedBy: new iam.ServicePrincipal('fis.amazonaws.com', {
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': experimentArns },
      },
    }),
  });
}

/**
 * What FIS needs to deliver experiment logs to CloudWatch Logs (vended logs): create the delivery and
 * put the log group's resource policy. These log-delivery actions support no resource-level permissions.
 */
export function addLogDelivery(role: iam.Role): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'ExperimentLogDelivery',
      actions: [
        'logs:CreateLogDelivery',
        'logs:PutResourcePolicy',
        'logs:DescribeResourcePolicies',
        'logs:DescribeLogGroups',
      ],
      resources: ['*'],
    }),
  );
}

/** Attaches the AWS managed FIS policies (service-role/...) and says why on each IAM4 finding. */
export function addManagedPolicies(role: iam.Role, names: readonly FisManagedPolicy[]): void {
  for (const name of names) {
    const policy = iam.ManagedPolicy.fromAwsManagedPolicyName(`service-role/${name}`);
    role.addManagedPolicy(policy);
    acknowledgeManagedPolicy(
      role,
      policy.managedPolicyArn,
      `${name} is the policy the FIS actions reference documents for the imported template's actions; it only allows those fault actions (no *FullAccess policy is used).`,
    );
  }
}

/** Grants on FIS experiments started from one template, conditioned on the experiment tag. */
export interface FisGrantTarget {
  /** The experiment template id (token or EXT...). */
  readonly templateId: string;
  /** The experiment name, the value of {@link EXPERIMENT_TAG_KEY}. */
  readonly experimentName: string;
}

function fisArns(scope: Construct, templateId: string): { template: string; experiments: string } {
  const stack = Stack.of(scope);
  return {
    template: stack.formatArn({ service: 'fis', resource: 'experiment-template', resourceName: templateId }),
    experiments: stack.formatArn({ service: 'fis', resource: 'experiment', resourceName: '*' }),
  };
}

/**
 * Acknowledges, on the grantee's own role, the cdk-nag wildcard finding a grant creates: the grant knows
 * why the wildcard is needed, so the reason travels with it to whichever role receives it.
 */
function acknowledgeOnGrantee(grantee: iam.IGrantable, resources: readonly string[], reason: string): void {
  const principal = grantee.grantPrincipal;
  if (principal instanceof Construct) acknowledgeWildcardResources(principal, resources, reason);
}

/** `fis:StartExperiment` on this template; the new experiment must carry the experiment tag. */
export function grantFisInject(scope: Construct, grantee: iam.IGrantable, target: FisGrantTarget): void {
  const arns = fisArns(scope, target.templateId);
  const requestTag = { StringEquals: { [`aws:RequestTag/${EXPERIMENT_TAG_KEY}`]: target.experimentName } };
  iam.Grant.addToPrincipal({ grantee, actions: ['fis:StartExperiment'], resourceArns: [arns.template] });
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['fis:StartExperiment', 'fis:TagResource'],
      resources: [arns.experiments],
      conditions: requestTag,
    }),
  );
  acknowledgeOnGrantee(
    grantee,
    [arns.experiments],
    'FIS experiment ids are generated at start time, so experiment/* is the narrowest ARN; every statement on it is conditioned on the chaos-cadence:experiment tag.',
  );
}

/** `fis:GetExperiment` on experiments carrying this experiment's tag. */
export function grantFisObserve(scope: Construct, grantee: iam.IGrantable, target: FisGrantTarget): void {
  const arns = fisArns(scope, target.templateId);
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      // ListExperimentResolvedTargets: the instances the experiment hit, for effect verification.
      actions: ['fis:GetExperiment', 'fis:ListExperimentResolvedTargets'],
      resources: [arns.experiments],
      conditions: { StringEquals: { [`aws:ResourceTag/${EXPERIMENT_TAG_KEY}`]: target.experimentName } },
    }),
  );
  acknowledgeOnGrantee(
    grantee,
    [arns.experiments],
    'FIS experiment ids are generated at start time, so experiment/* is the narrowest ARN; every statement on it is conditioned on the chaos-cadence:experiment tag.',
  );
}

/** `fis:StopExperiment`/`GetExperiment` on tagged experiments, and `fis:ListExperiments` to find them. */
export function grantFisStop(scope: Construct, grantee: iam.IGrantable, target: FisGrantTarget): void {
  const arns = fisArns(scope, target.templateId);
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['fis:StopExperiment', 'fis:GetExperiment'],
      resources: [arns.experiments],
      conditions: { StringEquals: { [`aws:ResourceTag/${EXPERIMENT_TAG_KEY}`]: target.experimentName } },
    }),
  );
  // ListExperiments supports no resource-level permissions.
  iam.Grant.addToPrincipal({ grantee, actions: ['fis:ListExperiments'], resourceArns: ['*'] });
  acknowledgeOnGrantee(
    grantee,
    [arns.experiments, '*'],
    'StopExperiment/GetExperiment are limited to experiments tagged with this experiment; fis:ListExperiments supports no resource-level permissions.',
  );
}

/** SSM mode, start: send the document to tagged instances, and list tagged running instances to pick from. */
export function grantSsmInject(
  grantee: iam.IGrantable,
  arns: CpuStressArns,
  tags: Readonly<Record<string, string>>,
): void {
  for (const statement of sendCommandStatements(arns, tags))
    grantee.grantPrincipal.addToPrincipalPolicy(statement);
  // DescribeInstances supports no resource-level permissions.
  iam.Grant.addToPrincipal({ grantee, actions: ['ec2:DescribeInstances'], resourceArns: ['*'] });
  acknowledgeOnGrantee(
    grantee,
    [arns.instancesArn, '*'],
    'ssm:SendCommand on instance/* is conditioned on every target tag (instance ids are resolved at run time); ec2:DescribeInstances supports no resource-level permissions.',
  );
}

/** SSM mode, observe: read the command and its per-instance invocations. */
export function grantSsmObserve(grantee: iam.IGrantable): void {
  // ListCommands and ListCommandInvocations support no resource-level permissions.
  iam.Grant.addToPrincipal({
    grantee,
    actions: ['ssm:ListCommands', 'ssm:ListCommandInvocations'],
    resourceArns: ['*'],
  });
  acknowledgeOnGrantee(
    grantee,
    ['*'],
    'ssm:ListCommands and ssm:ListCommandInvocations support no resource-level permissions.',
  );
}

/** SSM mode, stop: cancel the command (and list commands to find it). */
export function grantSsmStop(grantee: iam.IGrantable): void {
  // CancelCommand and ListCommands support no resource-level permissions.
  iam.Grant.addToPrincipal({
    grantee,
    actions: ['ssm:CancelCommand', 'ssm:ListCommands'],
    resourceArns: ['*'],
  });
  acknowledgeOnGrantee(
    grantee,
    ['*'],
    'ssm:CancelCommand and ssm:ListCommands support no resource-level permissions.',
  );
}

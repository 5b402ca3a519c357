import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ConfigProblem } from '../config/errors';
import { durationSeconds } from '../config/duration';
import { fisAction, similarActionIds } from './action-catalogue';
import { FaultConfigError } from './errors';

/** FIS accepts at most this many ARNs in one target's `resourceArns`. */
export const MAX_RESOURCE_ARNS = 5;

/** FIS accepts at most this many stop conditions. */
export const MAX_STOP_CONDITIONS = 5;

/** FIS accepts at most this many actions in one experiment template (service quota, not adjustable). */
export const MAX_ACTIONS = 20;

/** One target of a FIS experiment template, in the FIS API's own (camelCase) words. */
export interface FisTemplateTarget {
  readonly resourceType: string;
  readonly resourceArns?: readonly string[];
  readonly resourceTags?: Readonly<Record<string, string>>;
  readonly filters?: readonly { readonly path: string; readonly values: readonly string[] }[];
  readonly selectionMode: string;
  readonly parameters?: Readonly<Record<string, string>>;
}

/** One action of a FIS experiment template. */
export interface FisTemplateAction {
  readonly actionId: string;
  readonly description?: string;
  readonly parameters?: Readonly<Record<string, string>>;
  readonly targets?: Readonly<Record<string, string>>;
  readonly startAfter?: readonly string[];
}

/** One stop condition: `none` or a CloudWatch alarm ARN. */
export interface FisStopCondition {
  readonly source: string;
  readonly value?: string;
}

/** A FIS experiment template as read from a file, validated, with the parts chaos-cadence uses. */
export interface FisTemplateDocument {
  readonly description: string;
  readonly targets: Readonly<Record<string, FisTemplateTarget>>;
  readonly actions: Readonly<Record<string, FisTemplateAction>>;
  readonly stopConditions: readonly FisStopCondition[];
  readonly roleArn?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly experimentOptions?: {
    readonly accountTargeting?: string;
    readonly emptyTargetResolutionMode?: string;
  };
}

/** Where the file comes from, for messages. */
export interface TemplateSource {
  /** The file as written in the config. */
  readonly file: string;
  /** The config path of the `file` key, e.g. `experiments[2].fault.fisTemplate.file`. */
  readonly configPath: string;
}

const stringMap = z.record(z.string(), z.string());

const targetSchema = z.strictObject({
  resourceType: z.string().min(1),
  resourceArns: z.array(z.string().min(1)).optional(),
  resourceTags: stringMap.optional(),
  filters: z.array(z.strictObject({ path: z.string().min(1), values: z.array(z.string()) })).optional(),
  selectionMode: z.string().regex(/^(ALL|COUNT\(\d+\)|PERCENT\(\d+\))$/, {
    error: (issue) =>
      `selectionMode must be ALL, COUNT(n) or PERCENT(p) (got ${JSON.stringify(issue.input)})`,
  }),
  parameters: stringMap.optional(),
});

const actionSchema = z.strictObject({
  actionId: z.string().min(1),
  description: z.string().optional(),
  parameters: z
    .record(z.string(), z.string({ error: 'action parameters must be strings (FIS passes them as text)' }))
    .optional(),
  targets: stringMap.optional(),
  startAfter: z.array(z.string()).optional(),
  /** Not FIS: some library templates carry it; it is translated into an `aws:fis:wait` action. */
  startAfterDelay: z.string().optional(),
});

const templateSchema = z.object({
  description: z.string().max(512, 'description is longer than the 512 characters FIS allows').optional(),
  targets: z.record(z.string(), targetSchema).default({}),
  actions: z
    .record(z.string(), actionSchema)
    .refine((actions) => Object.keys(actions).length > 0, { error: 'actions needs at least one action' }),
  stopConditions: z
    .array(z.strictObject({ source: z.string().min(1), value: z.string().optional() }))
    .default([]),
  roleArn: z.string().optional(),
  tags: stringMap.default({}),
  experimentOptions: z
    .object({
      accountTargeting: z.enum(['single-account', 'multi-account']).optional(),
      emptyTargetResolutionMode: z.enum(['fail', 'skip']).optional(),
    })
    .optional(),
});

type ParsedTemplate = z.output<typeof templateSchema>;

function problem(source: TemplateSource, message: string): ConfigProblem {
  return { path: source.configPath, message: `${source.file}: ${message}` };
}

/**
 * Reads a FIS experiment template JSON file. Refuses, with a {@link FaultConfigError}, a missing file,
 * text that is not JSON, and anything that is not a FIS experiment template.
 * @param absolutePath the file on disk
 */
export function readFisTemplateFile(absolutePath: string, source: TemplateSource): FisTemplateDocument {
  if (!existsSync(absolutePath)) {
    throw new FaultConfigError([
      problem(source, `file not found (looked at ${absolutePath}); the path is relative to the config file`),
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(absolutePath, 'utf8'));
  } catch (cause) {
    throw new FaultConfigError(
      [problem(source, `is not valid JSON (${cause instanceof Error ? cause.message : String(cause)})`)],
      { cause },
    );
  }
  return parseFisTemplate(json, source);
}

/** Names the kind of SSM document (Command or Automation) the JSON is, or `undefined` when it is not one. */
function ssmDocumentKind(json: Record<string, unknown>): string | undefined {
  if (!('schemaVersion' in json) && !('mainSteps' in json)) return undefined;
  const steps = Array.isArray(json.mainSteps) ? (json.mainSteps as unknown[]) : [];
  const firstAction = steps
    .map((step) => (step && typeof step === 'object' ? (step as Record<string, unknown>).action : undefined))
    .find((a): a is string => typeof a === 'string');
  const kind =
    json.schemaVersion === '0.3'
      ? 'an SSM Automation document'
      : firstAction?.startsWith('aws:run')
        ? 'an SSM Command document'
        : 'an SSM document';
  const version = typeof json.schemaVersion === 'string' ? ` (schemaVersion ${json.schemaVersion})` : '';
  return `${kind}${version}`;
}

/**
 * Validates parsed JSON as a FIS experiment template: both the `aws fis get-experiment-template`
 * output (`{ "experimentTemplate": {...} }`) and the bare template form of the FIS template library.
 */
export function parseFisTemplate(json: unknown, source: TemplateSource): FisTemplateDocument {
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw new FaultConfigError([
      problem(
        source,
        'is not a FIS experiment template: expected a JSON object with "actions" and "targets"',
      ),
    ]);
  }
  const record = json as Record<string, unknown>;
  const inner =
    record.experimentTemplate && typeof record.experimentTemplate === 'object'
      ? (record.experimentTemplate as Record<string, unknown>)
      : record;
  const ssm = ssmDocumentKind(inner);
  if (ssm) {
    throw new FaultConfigError([
      problem(
        source,
        `is ${ssm} with "schemaVersion" and "mainSteps", not a FIS experiment template. ` +
          'Expected a FIS experiment template JSON (keys "description", "targets", "actions", "stopConditions"), ' +
          'as printed by `aws fis get-experiment-template` or published in the FIS template library. ' +
          'Create the SSM document separately and reference its ARN from an aws:ssm:send-command or ' +
          'aws:ssm:start-automation-execution action in the FIS template.',
      ),
    ]);
  }
  if (!('actions' in inner)) {
    throw new FaultConfigError([
      problem(
        source,
        `is not a FIS experiment template: it has no "actions" (found keys: ${Object.keys(inner).join(', ') || 'none'}). ` +
          'Expected the JSON printed by `aws fis get-experiment-template` or a template from the FIS template library.',
      ),
    ]);
  }
  const parsed = templateSchema.safeParse(inner);
  if (!parsed.success) {
    throw new FaultConfigError(
      parsed.error.issues.map((issue) =>
        problem(source, `${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`),
      ),
      { cause: parsed.error },
    );
  }
  const problems = checkTemplate(parsed.data, source);
  if (problems.length > 0) throw new FaultConfigError(problems);
  const document = normalize(parsed.data);
  const actions = Object.keys(document.actions).length;
  if (actions > MAX_ACTIONS) {
    const waits = actions - Object.keys(parsed.data.actions).length;
    throw new FaultConfigError([
      problem(
        source,
        `has ${actions} actions${waits > 0 ? ` (${waits} of them aws:fis:wait actions made from startAfterDelay)` : ''}; FIS allows at most ${MAX_ACTIONS} per experiment template: split it into several experiments`,
      ),
    ]);
  }
  if (parsed.data.stopConditions.length > MAX_STOP_CONDITIONS) {
    throw new FaultConfigError([
      problem(
        source,
        `has ${parsed.data.stopConditions.length} stop conditions; FIS allows at most ${MAX_STOP_CONDITIONS} per experiment template`,
      ),
    ]);
  }
  return document;
}

function checkTemplate(template: ParsedTemplate, source: TemplateSource): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const report = (message: string) => problems.push(problem(source, message));
  for (const [name, target] of Object.entries(template.targets)) {
    const arns = target.resourceArns ?? [];
    const tags = Object.keys(target.resourceTags ?? {});
    if (arns.length === 0 && tags.length === 0) {
      report(
        `targets.${name} has neither resourceTags nor resourceArns; FIS needs one of them to find the ${target.resourceType} resources`,
      );
    }
    if (arns.length > 0 && tags.length > 0) {
      report(`targets.${name} has both resourceTags and resourceArns; FIS accepts only one of them`);
    }
    if (arns.length > MAX_RESOURCE_ARNS) {
      report(
        `targets.${name}.resourceArns lists ${arns.length} ARNs; FIS allows at most ${MAX_RESOURCE_ARNS}. Target by resourceTags instead`,
      );
    }
  }
  for (const [name, action] of Object.entries(template.actions)) {
    if (!fisAction(action.actionId)) {
      report(
        `actions.${name}.actionId "${action.actionId}" is not a known FIS action (similar: ${similarActionIds(action.actionId).join(', ')}); see the AWS FIS actions reference`,
      );
    }
    const documentParameters = action.parameters?.documentParameters;
    if (documentParameters !== undefined) {
      const message = documentParametersProblem(documentParameters);
      if (message) report(`actions.${name}.parameters.documentParameters ${message}`);
    }
    for (const [key, targetName] of Object.entries(action.targets ?? {})) {
      if (!(targetName in template.targets)) {
        report(`actions.${name}.targets.${key} names target "${targetName}", which is not in targets`);
      }
    }
    for (const before of action.startAfter ?? []) {
      if (!(before in template.actions)) {
        report(`actions.${name}.startAfter names action "${before}", which is not in actions`);
      }
    }
    if (action.startAfterDelay !== undefined && durationSeconds(action.startAfterDelay) === undefined) {
      report(
        `actions.${name}.startAfterDelay must be an ISO 8601 duration (got "${action.startAfterDelay}")`,
      );
    }
    for (const [key, value] of Object.entries(action.parameters ?? {})) {
      if (
        fisAction(action.actionId)?.durationParameters.includes(key) &&
        durationSeconds(value) === undefined
      ) {
        report(
          `actions.${name}.parameters.${key} must be an ISO 8601 duration such as PT5M (got "${value}")`,
        );
      }
    }
  }
  template.stopConditions.forEach((condition, index) => {
    if (condition.source !== 'none' && condition.source !== 'aws:cloudwatch:alarm') {
      report(
        `stopConditions[${index}].source must be "none" or "aws:cloudwatch:alarm" (got "${condition.source}")`,
      );
    }
    if (condition.source === 'aws:cloudwatch:alarm' && !condition.value) {
      report(`stopConditions[${index}] is an aws:cloudwatch:alarm without a value (the alarm ARN)`);
    }
  });
  return problems;
}

/**
 * Why a `documentParameters` value is not what FIS requires: a JSON object whose values are strings or
 * arrays of strings, written as a string. `undefined` when it is fine.
 */
export function documentParametersProblem(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return `must be a JSON object written as a string, e.g. "{\\"DurationSeconds\\":\\"60\\"}" (got ${JSON.stringify(text)}, which is not JSON)`;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return `must be a JSON object of string values (got ${JSON.stringify(text)})`;
  }
  const bad = Object.entries(value as Record<string, unknown>).filter(
    ([, v]) => typeof v !== 'string' && !(Array.isArray(v) && v.every((item) => typeof item === 'string')),
  );
  if (bad.length > 0) {
    const list = bad.map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ');
    return `must have only string (or string array) values; write numbers and booleans in quotes (got ${list})`;
  }
  return undefined;
}

/** Turns `startAfterDelay` (not FIS) into an `aws:fis:wait` action between the two, which FIS runs. */
function normalize(template: ParsedTemplate): FisTemplateDocument {
  const actions: Record<string, FisTemplateAction> = {};
  for (const [name, { startAfterDelay, ...action }] of Object.entries(template.actions)) {
    if (startAfterDelay === undefined) {
      actions[name] = action;
      continue;
    }
    const waitName = uniqueName(`${name}-delay`, template.actions);
    actions[waitName] = {
      actionId: 'aws:fis:wait',
      description: `Delay of ${startAfterDelay} before ${name} (from startAfterDelay)`,
      parameters: { duration: startAfterDelay },
      ...(action.startAfter ? { startAfter: action.startAfter } : {}),
    };
    actions[name] = { ...action, startAfter: [waitName] };
  }
  return {
    description: template.description ?? 'Imported FIS experiment template',
    targets: template.targets,
    actions,
    stopConditions: template.stopConditions,
    ...(template.roleArn !== undefined ? { roleArn: template.roleArn } : {}),
    tags: template.tags,
    ...(template.experimentOptions ? { experimentOptions: template.experimentOptions } : {}),
  };
}

function uniqueName(base: string, taken: Readonly<Record<string, unknown>>): string {
  let name = base;
  for (let i = 2; name in taken; i += 1) name = `${base}-${i}`;
  return name;
}

/**
 * How long the template runs at most, in seconds: the longest chain of actions (following `startAfter`),
 * each counted with its duration parameter (`duration`, `maxDuration`, `startInstancesAfterDuration`...).
 * Actions without one (terminate, failover) count as 0. `undefined` when no action has a duration.
 */
export function templateDurationSeconds(template: FisTemplateDocument): number | undefined {
  const finish = new Map<string, number>();
  const visiting = new Set<string>();
  const own = (action: FisTemplateAction): number => {
    const keys = fisAction(action.actionId)?.durationParameters ?? ['duration'];
    return Math.max(0, ...keys.map((k) => durationSeconds(action.parameters?.[k] ?? '') ?? 0));
  };
  const end = (name: string): number => {
    const known = finish.get(name);
    if (known !== undefined) return known;
    const action = template.actions[name];
    if (!action || visiting.has(name)) return 0;
    visiting.add(name);
    const start = Math.max(0, ...(action.startAfter ?? []).map(end));
    visiting.delete(name);
    const value = start + own(action);
    finish.set(name, value);
    return value;
  };
  const longest = Math.max(0, ...Object.keys(template.actions).map(end));
  return longest > 0 ? longest : undefined;
}

import type { PreflightManifest, WorkflowRoleKey } from '../../lambdas/preflight/manifest';
import { WORKFLOW_ROLE_KEYS } from '../../lambdas/preflight/manifest';
import type { LoadedConfig } from '../config/load';
import { templateIdSubstitutionKey } from '../config/plan';
import { buildPreflightManifest } from './manifest';

/** The stack outputs the preflight reads (keys are a contract, like the CLI's other outputs). */
export const PREFLIGHT_OUTPUT_KEYS = {
  configHash: 'ConfigHash',
  /** JSON `{ "<group>": "<schedule name>" }`. */
  scheduleNames: 'ScheduleNames',
  /** JSON `{ "StartFault": "<role arn>", ... }`. */
  roleArns: 'WorkflowRoleArns',
} as const;

/** The stack output that carries an experiment's FIS template id. */
export function templateIdOutputKey(experimentName: string): string {
  return templateIdSubstitutionKey(experimentName).replace(/_/g, '');
}

/** The stack's outputs lack what the preflight needs (deployed by an older chaos-cadence). */
export class PreflightOutputsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PreflightOutputsError';
  }
}

function json(outputs: Readonly<Record<string, string>>, key: string): Record<string, string> {
  const text = outputs[key];
  if (text === undefined) throw new PreflightOutputsError(`the stack has no output ${key}`);
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, string>;
  } catch {
    // reported below
  }
  throw new PreflightOutputsError(
    `the stack output ${key} is not a JSON object (got ${JSON.stringify(text)})`,
  );
}

/**
 * The manifest of the local config as deployed in the stack with these outputs (CLI). Region,
 * account and partition come from the state machine's ARN.
 * @throws PreflightOutputsError when an output is missing or malformed
 */
export function manifestFromOutputs(
  loaded: LoadedConfig,
  stackName: string,
  outputs: Readonly<Record<string, string>>,
): PreflightManifest {
  const need = (key: string): string => {
    const value = outputs[key];
    if (value === undefined || value === '')
      throw new PreflightOutputsError(`the stack has no output ${key}`);
    return value;
  };
  const arn = /^arn:([^:]+):states:([^:]+):(\d{12}):/.exec(need('StateMachineArn'));
  if (!arn)
    throw new PreflightOutputsError(
      `StateMachineArn is not a state machine ARN (${outputs.StateMachineArn})`,
    );
  const roles = json(outputs, PREFLIGHT_OUTPUT_KEYS.roleArns);
  return buildPreflightManifest(loaded, {
    stackName,
    partition: arn[1] as string,
    region: arn[2] as string,
    account: arn[3] as string,
    killSwitchParameter: need('KillSwitchParameterName'),
    topicArn: need('TopicArn'),
    scheduleNames: json(outputs, PREFLIGHT_OUTPUT_KEYS.scheduleNames),
    roles: Object.fromEntries(
      WORKFLOW_ROLE_KEYS.flatMap((key): [WorkflowRoleKey, string][] =>
        roles[key] ? [[key, roles[key]]] : [],
      ),
    ),
    templateId: (experiment) =>
      experiment.fault.fisTemplateId ??
      outputs[templateIdOutputKey(experiment.name)] ??
      `(not deployed: ${experiment.name})`,
  });
}

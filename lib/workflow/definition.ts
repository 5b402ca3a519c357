import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../../lambdas/shared/types';
import { functionArnKey, WORKFLOW_FUNCTIONS, type FunctionArnKey, type WorkflowFunctionName } from './tasks';

/** The workflow's ASL file. */
export const DEFINITION_FILE = join(__dirname, '..', '..', 'state-machines', 'run-experiments.asl.json');

/** The quoted token in the ASL file that {@link renderDefinition} replaces with the RunConfig. */
export const RUN_CONFIG_TOKEN = '"${RunConfig}"';

/** The function ARN substitution keys the ASL file uses (CDK `definitionSubstitutions`), from the task table. */
export const FUNCTION_ARN_KEYS: readonly FunctionArnKey[] = (
  Object.keys(WORKFLOW_FUNCTIONS) as WorkflowFunctionName[]
).map(functionArnKey);

export type { FunctionArnKey };

/** Time for guard rails, steady-state checks, verdicts and publishing, on top of the faults. */
export const RUN_OVERHEAD_SECONDS = 30 * 60;
/** Per experiment: steady state before, start, stop confirmation, retries, verdict. */
export const EXPERIMENT_OVERHEAD_SECONDS = 15 * 60;

/** A RunConfig without `${...}`: a plan's strings could otherwise become CDK substitutions. */
export class DefinitionRenderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DefinitionRenderError';
  }
}

/**
 * The execution's overall timeout: for every experiment its fault's `maxRunSeconds`, its recovery
 * window (plus one interval) and a generous per-experiment margin, plus run overhead. It always
 * exceeds the longest fault plus its recovery.
 */
export function workflowTimeoutSeconds(runConfig: RunConfig): number {
  const perExperiment = Object.values(runConfig.plans).map(
    (plan) =>
      plan.fault.maxRunSeconds +
      plan.recovery.windowSeconds +
      plan.recovery.intervalSeconds +
      plan.pollIntervalSeconds +
      EXPERIMENT_OVERHEAD_SECONDS,
  );
  return RUN_OVERHEAD_SECONDS + perExperiment.reduce((sum, s) => sum + s, 0);
}

/** The raw ASL file text. */
export function readDefinitionFile(file: string = DEFINITION_FILE): string {
  return readFileSync(file, 'utf8');
}

/**
 * The ASL with the RunConfig baked in (replacing the quoted `"${RunConfig}"`) and the top-level
 * `TimeoutSeconds` computed from the plans. Function ARNs and FIS template ids stay `${...}`
 * placeholders for CDK `definitionSubstitutions` (or {@link substitute} in local runs).
 */
export function renderDefinition(runConfig: RunConfig, file: string = DEFINITION_FILE): string {
  const text = readDefinitionFile(file);
  if (!text.includes(RUN_CONFIG_TOKEN)) {
    throw new DefinitionRenderError(`${file} has no ${RUN_CONFIG_TOKEN} token to replace`);
  }
  const definition = JSON.parse(text.replace(RUN_CONFIG_TOKEN, () => JSON.stringify(runConfig))) as Record<
    string,
    unknown
  >;
  definition.TimeoutSeconds = workflowTimeoutSeconds(runConfig);
  return JSON.stringify(definition, null, 2);
}

/**
 * Replaces every `${Key}` in `text` by `values[Key]`, like CDK `definitionSubstitutions` at deploy
 * time; unknown keys are left as they are.
 */
export function substitute(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (match, key: string) => values[key] ?? match);
}

/** Local placeholder ARNs for every function key (rehearsal and tests: the Task handlers are local). */
export function localFunctionArns(
  region = 'eu-central-1',
  account = '123456789012',
): Record<FunctionArnKey, string> {
  return Object.fromEntries(
    FUNCTION_ARN_KEYS.map((key) => [
      key,
      `arn:aws:lambda:${region}:${account}:function:chaos-cadence-${key.replace(/FunctionArn$/, '')}`,
    ]),
  ) as Record<FunctionArnKey, string>;
}

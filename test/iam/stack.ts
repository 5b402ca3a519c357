import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ChaosCadenceStack } from '../../lib/chaos-cadence-stack';
import type { LoadedConfig } from '../../lib/config/load';
import { rehearsalTemplateId, type RehearsalResult } from '../../lib/rehearsal/engine';
import { EVENT_FUNCTIONS, isTaskState, TASKS, type EventFunctionName } from '../../lib/workflow/tasks';
import type { Scenario } from '../../lib/rehearsal/scenario';
import { EXPERIMENT_TAG_KEY } from '../../lib/faults/policies';
import type { WorkflowSettings } from '../../lambdas/shared/aws';
import { SETTINGS_ENV } from '../../lambdas/shared/settings';
import { iamRequestsOf, type CallWorld } from './call-requests';
import { DeploymentModel, type FunctionModel } from './deployment';
import { evaluate, type IamRequest } from './evaluate';
import { ResolvedTemplate, type CfnResource, type StackIdentity } from './template-model';

/** The deployment every IAM test evaluates against. */
export const IDENTITY: StackIdentity = {
  account: '123456789012',
  region: 'eu-central-1',
  partition: 'aws',
  stackName: 'ChaosCadence',
};

/** The id of the ExperimentWorkflow construct in the stack (the prefix of its functions' logical ids). */
const WORKFLOW_ID = 'Workflow';

/**
 * Callers that are not Task states of the workflow, and the function (logical id prefix) behind each:
 * the functions beside the workflow in the task table, which record their calls under their own name
 * (`SWEEP_CALLER`, `ABORT_ON_EVENT_STATE`). Task states are found from the definition itself.
 */
export const FUNCTION_OF_CALLER: Readonly<Record<string, string>> = Object.fromEntries(
  (Object.keys(EVENT_FUNCTIONS) as EventFunctionName[]).map((name) => [name, `${WORKFLOW_ID}${name}`]),
);

/** A synthesized stack, resolved for one deployment, with the IAM view of it. */
export interface SynthesizedStack {
  readonly stack: ChaosCadenceStack;
  readonly template: Template;
  readonly model: DeploymentModel;
}

/** FIS template ids resolve to the ids the rehearsal gives the same experiments. */
export function rehearsalIds(_logicalId: string, resource: CfnResource): string | undefined {
  if (resource.Type !== 'AWS::FIS::ExperimentTemplate') return undefined;
  const tags = (resource.Properties?.Tags ?? {}) as Record<string, string>;
  const name = tags[EXPERIMENT_TAG_KEY];
  return name !== undefined ? rehearsalTemplateId(name) : undefined;
}

/** Synthesizes the stack for a config (bundling skipped) and builds its IAM model. */
export function synthesize(loaded: LoadedConfig): SynthesizedStack {
  const app = new App({
    context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true },
  });
  const stack = new ChaosCadenceStack(app, IDENTITY.stackName, {
    loaded,
    now: new Date('2026-11-21T12:00:00Z'),
    env: { account: IDENTITY.account, region: IDENTITY.region },
  });
  const template = Template.fromStack(stack);
  const resolved = new ResolvedTemplate(template.toJSON(), IDENTITY, rehearsalIds);
  return { stack, template, model: new DeploymentModel(resolved) };
}

/** The IAM model of a (possibly edited) template as JSON. */
export function modelOf(json: { Resources: Record<string, CfnResource> }): DeploymentModel {
  return new DeploymentModel(new ResolvedTemplate(json, IDENTITY, rehearsalIds));
}

/** The settings the deployed functions read from their environment, for a rehearsal of the deployment. */
export function deployedSettings(model: DeploymentModel): Partial<WorkflowSettings> {
  const env = model.functionNamed('WorkflowStartFault').environment;
  const read = (key: string): string => {
    const value = env[key];
    if (value === undefined) throw new Error(`StartFault has no ${key} in its environment`);
    return value;
  };
  return {
    account: IDENTITY.account,
    region: IDENTITY.region,
    partition: IDENTITY.partition,
    stackName: IDENTITY.stackName,
    resultsBucket: read(SETTINGS_ENV.resultsBucket),
    topicArn: read(SETTINGS_ENV.topicArn),
    runLockTable: read(SETTINGS_ENV.runLockTable),
    killSwitchParameter: read(SETTINGS_ENV.killSwitchParameter),
    ...(env[SETTINGS_ENV.changeCalendar] !== undefined
      ? { changeCalendar: read(SETTINGS_ENV.changeCalendar) }
      : {}),
  };
}

/** The deployed state machine's name (the rehearsal's execution ARNs must be its). */
export function stateMachineName(model: DeploymentModel): string {
  const [id] = model.template.idsOfType('AWS::StepFunctions::StateMachine');
  if (!id) throw new Error('the template has no state machine');
  return model.template.attribute(id, 'Name');
}

/** One evaluated request of one call. */
export interface EvaluatedRequest {
  readonly caller: string;
  readonly function: string;
  readonly call: string;
  readonly request: IamRequest;
  readonly allowed: boolean;
  readonly result: string;
}

/** Which function made each call of a run (Task states from the definition, the others from the table). */
export function functionOfCaller(model: DeploymentModel): (caller: string) => FunctionModel {
  const tasks = model.taskFunctions();
  return (caller) => {
    const task = tasks[caller];
    if (task) {
      // The deployed wiring must be the task table's: the state invokes the function the table names.
      const expected = isTaskState(caller) ? TASKS[caller].function : undefined;
      if (expected === undefined || !task.logicalId.includes(expected)) {
        throw new Error(
          `${caller} invokes ${task.logicalId}, not the task table's ${expected ?? '(no entry)'}`,
        );
      }
      return task;
    }
    const prefix = FUNCTION_OF_CALLER[caller];
    if (!prefix)
      throw new Error(
        `no function known for caller ${caller}: add it to EVENT_FUNCTIONS (lib/workflow/tasks.ts)`,
      );
    return model.functionNamed(prefix);
  };
}

/**
 * Evaluates every AWS call of a rehearsed run against the identity policies of the role of the
 * function that made it and the resource policy of the resource it touched.
 */
export async function evaluateRun(
  run: RehearsalResult,
  model: DeploymentModel,
  scenario: Scenario,
): Promise<EvaluatedRequest[]> {
  const world: CallWorld = {
    account: IDENTITY.account,
    region: IDENTITY.region,
    partition: IDENTITY.partition,
    model,
    experimentTags: (id) => run.account.fisExperiments.find((e) => e.id === id)?.tags,
    instanceTags: (id) => scenario.instances.find((i) => i.id === id)?.tags,
  };
  const functionOf = functionOfCaller(model);
  const evaluated: EvaluatedRequest[] = [];
  for (const [index, call] of run.calls.entries()) {
    if (call.service === 'http') continue;
    const caller = run.callStates[index];
    if (caller === undefined)
      throw new Error(`call ${index} (${call.service}:${call.command}) has no caller`);
    const fn = functionOf(caller);
    const identityPolicies = model.identityPolicies(fn.roleLogicalId);
    for (const request of iamRequestsOf(call, world)) {
      const resourcePolicy = model.resourcePolicyFor(request.resource);
      const decision = await evaluate({
        principal: { kind: 'role', roleArn: fn.roleArn, sessionName: fn.name },
        request,
        identityPolicies,
        ...(resourcePolicy ? { resourcePolicy } : {}),
        account: IDENTITY.account,
      });
      evaluated.push({
        caller,
        function: fn.logicalId,
        call: `${call.service}:${call.command}`,
        request,
        allowed: decision.allowed,
        result: decision.result,
      });
    }
  }
  return evaluated;
}

/** `<caller> <action> <resource>: <result>` for every request that was not allowed. */
export function denials(evaluated: readonly EvaluatedRequest[]): string[] {
  return evaluated
    .filter((e) => !e.allowed)
    .map((e) => `${e.caller} ${e.request.action} ${e.request.resource}: ${e.result}`);
}

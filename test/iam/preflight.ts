import { GetExperimentTemplateCommand, type GetExperimentTemplateCommandOutput } from '@aws-sdk/client-fis';
import type { HeadsUpEvent } from '../../lambdas/preflight/heads-up';
import { manifestSettings } from '../../lambdas/preflight/heads-up';
import type { PreflightManifest } from '../../lambdas/preflight/manifest';
import { preflight } from '../../lambdas/preflight/preflight';
import type { PreflightReport } from '../../lambdas/preflight/report';
import type { LoadedConfig } from '../../lib/config/load';
import { offlineDeps } from '../../lib/preflight/offline';
import type { Scenario } from '../../lib/rehearsal/scenario';
import type { RecordedCall } from '../../lib/rehearsal/simulated-account';
import { iamRequestsOf, type CallWorld } from './call-requests';
import type { DeploymentModel } from './deployment';
import { evaluate } from './evaluate';
import { IDENTITY, type EvaluatedRequest } from './stack';

/** The logical id prefix of the heads-up's Preflight function (construct path HeadsUp/Preflight). */
export const PREFLIGHT_FUNCTION = 'HeadsUpPreflight';

/**
 * The manifest the deployed Preflight function receives: the input of the first heads-up schedule of
 * the synthesized template, resolved for the deployment (real schedule names, role ARNs, topic ARN).
 */
export function deployedManifest(model: DeploymentModel): PreflightManifest {
  for (const id of model.template.idsOfType('AWS::Scheduler::Schedule')) {
    const target = model.template.properties(id).Target as { Arn?: string; Input?: string } | undefined;
    if (!target?.Arn?.includes(`:function:${model.functionNamed(PREFLIGHT_FUNCTION).name}`)) continue;
    return (JSON.parse(String(target.Input)) as HeadsUpEvent).manifest;
  }
  throw new Error('the template has no heads-up schedule invoking the Preflight function');
}

/** The role FIS assumes for each experiment template the stack creates, by template id. */
export function deployedFisRoles(model: DeploymentModel): Record<string, string> {
  return Object.fromEntries(
    model.template
      .idsOfType('AWS::FIS::ExperimentTemplate')
      .map((id) => [model.template.ref(id), String(model.template.properties(id).RoleArn)]),
  );
}

/** What a preflight of the deployed function made. */
export interface DeployedPreflight {
  readonly manifest: PreflightManifest;
  readonly report: PreflightReport;
  readonly calls: readonly RecordedCall[];
}

/**
 * Runs the preflight core as the deployed function would (the schedule's manifest, settings from it)
 * against a scenario's simulated account. FIS answers GetExperimentTemplate for a template of the stack
 * with the role the stack gave it (as AWS would), so the role reads go to the deployed role.
 */
export async function preflightAsDeployed(
  loaded: LoadedConfig,
  scenario: Scenario,
  model: DeploymentModel,
): Promise<DeployedPreflight> {
  const manifest = deployedManifest(model);
  const roles = deployedFisRoles(model);
  const { deps, account } = offlineDeps(loaded, scenario, manifest);
  const fis = deps.runtime.clients.fis;
  // The simulated account names a template's role after the template; the stack's templates have their own.
  const send = fis.send.bind(fis) as (command: unknown) => Promise<unknown>;
  const sendWithDeployedRole = async (command: unknown): Promise<unknown> => {
    const answer = await send(command);
    if (!(command instanceof GetExperimentTemplateCommand)) return answer;
    const output = answer as GetExperimentTemplateCommandOutput;
    const roleArn = output.experimentTemplate?.id ? roles[output.experimentTemplate.id] : undefined;
    return roleArn && output.experimentTemplate
      ? { ...output, experimentTemplate: { ...output.experimentTemplate, roleArn } }
      : output;
  };
  // `send` is overloaded (promise and callback forms); the preflight uses the promise form only.
  Object.assign(fis, { send: sendWithDeployedRole });
  try {
    const report = await preflight(manifest, {
      ...deps,
      runtime: { ...deps.runtime, settings: manifestSettings(manifest) },
    });
    return { manifest, report, calls: [...account.calls] };
  } finally {
    account.restore();
  }
}

/**
 * Evaluates every AWS call of a preflight against the identity policies of the Preflight function's role
 * and the resource policy of the resource it touched.
 */
export async function evaluatePreflight(
  calls: readonly RecordedCall[],
  model: DeploymentModel,
  scenario: Scenario,
): Promise<EvaluatedRequest[]> {
  const world: CallWorld = {
    account: IDENTITY.account,
    region: IDENTITY.region,
    partition: IDENTITY.partition,
    model,
    experimentTags: () => undefined,
    instanceTags: (id) => scenario.instances.find((i) => i.id === id)?.tags,
  };
  const fn = model.functionNamed(PREFLIGHT_FUNCTION);
  const identityPolicies = model.identityPolicies(fn.roleLogicalId);
  const evaluated: EvaluatedRequest[] = [];
  for (const call of calls) {
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
        caller: 'Preflight',
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

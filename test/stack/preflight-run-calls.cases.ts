import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCalls, type ExperimentFacts, type RunCall } from '../../lambdas/preflight/iam-check';
import { loadConfig, parseYamlOrJson, type LoadedConfig } from '../../lib/config/load';
import { runRehearsal } from '../../lib/rehearsal/engine';
import { parseScenario, type Scenario } from '../../lib/rehearsal/scenario';
import { iamRequestsOf, type CallWorld } from '../iam/call-requests';
import { deployedFisRoles, deployedManifest } from '../iam/preflight';
import { deployedSettings, functionOfCaller, IDENTITY, stateMachineName, synthesize } from '../iam/stack';

/**
 * The preflight's IAM check (`iam:SimulatePrincipalPolicy`) asks IAM about the calls a run makes. This
 * test holds that list to the truth: a rehearsed run of the deployed stack (real cores, real ASL) makes
 * its calls, each is turned into the IAM requests AWS authorizes (test/iam/call-requests.ts), and every
 * request of the five simulated workflow roles must be among the preflight's, with the same resource
 * and the context the preflight passes. The experiment id is the one thing not known before the run.
 */

// Synthesizing and rehearsing on a shared, loaded machine: allow minutes, not the default minute.
jest.setTimeout(300_000);

const ROOT = join(__dirname, '..', '..');
const shipped = loadConfig({ cwd: ROOT, env: {} });

const scenario = (name: string): Scenario =>
  parseScenario(parseYamlOrJson(readFileSync(join(ROOT, 'scenarios', `${name}.yaml`), 'utf8'), name));

function via(mode: 'fis' | 'ssm'): LoadedConfig {
  const config = structuredClone(shipped.config);
  for (const e of config.experiments) if (e.fault.cpuStress) e.fault.cpuStress.via = mode;
  return { ...shipped, config };
}

/**
 * FIS experiment ids are generated at start: the preflight simulates a placeholder id. Instances with the
 * same target-tag values get the same answer: the preflight simulates one of them (the context check
 * below holds it to the tags of each).
 */
const normalized = (resource: string): string =>
  resource
    .replace(/:experiment\/EXP[0-9A-Za-z]+$/, ':experiment/EXP')
    .replace(/:instance\/i-[0-9a-z]+$/, ':instance/i-');

interface Comparison {
  /** `<role> <action> <resource>` the run needed that the preflight does not simulate. */
  readonly notSimulated: string[];
  /** The same, where the preflight simulates the call but without a context value the run's request has. */
  readonly contextDiffers: string[];
  readonly requests: number;
}

async function compare(loaded: LoadedConfig, scenarioName: string): Promise<Comparison> {
  const { model } = synthesize(loaded);
  const manifest = deployedManifest(model);
  const chosen = scenario(scenarioName);
  const run = await runRehearsal({
    loaded,
    scenario: chosen,
    settings: deployedSettings(model),
    stateMachineName: stateMachineName(model),
  });
  const fisRoles = deployedFisRoles(model);
  const facts: ExperimentFacts[] = manifest.plans.map((plan) => {
    const tags = plan.fault.cpuStress?.targets.tags ?? {};
    const instances = chosen.instances
      .filter((i) => i.state === 'running' && Object.entries(tags).every(([k, v]) => i.tags[k] === v))
      .map((i) => ({ id: i.id, tags: i.tags }));
    const fisRoleArn = plan.fault.kind === 'fis' ? fisRoles[plan.fault.templateId] : undefined;
    return { plan, instances, ...(fisRoleArn ? { fisRoleArn } : {}) };
  });
  const simulated = runCalls(manifest, facts);
  const key = (roleArn: string, action: string, resource: string): string =>
    `${roleArn} ${action} ${normalized(resource)}`;
  const byKey = new Map<string, RunCall[]>();
  for (const c of simulated) {
    const k = key(c.roleArn, c.action, c.resource);
    byKey.set(k, [...(byKey.get(k) ?? []), c]);
  }
  const roles = new Set(Object.values(manifest.roles));
  const world: CallWorld = {
    account: IDENTITY.account,
    region: IDENTITY.region,
    partition: IDENTITY.partition,
    model,
    experimentTags: (id) => run.account.fisExperiments.find((e) => e.id === id)?.tags,
    instanceTags: (id) => chosen.instances.find((i) => i.id === id)?.tags,
  };
  const functionOf = functionOfCaller(model);
  const notSimulated = new Set<string>();
  const contextDiffers = new Set<string>();
  let requests = 0;
  for (const [index, call] of run.calls.entries()) {
    const caller = run.callStates[index];
    if (call.service === 'http' || caller === undefined) continue;
    const { roleArn } = functionOf(caller);
    if (!roles.has(roleArn)) continue;
    for (const request of iamRequestsOf(call, world)) {
      requests += 1;
      const name = `${caller} ${request.action} ${normalized(request.resource)}`;
      const candidates = byKey.get(key(roleArn, request.action, request.resource));
      if (!candidates) {
        notSimulated.add(name);
        continue;
      }
      // The preflight's context must be what the run's request carries (for the keys it passes).
      const consistent = candidates.some((c) =>
        Object.entries(c.context ?? {}).every(([k, v]) => request.context?.[k] === v),
      );
      if (!consistent) contextDiffers.add(name);
    }
  }
  return { notSimulated: [...notSimulated].sort(), contextDiffers: [...contextDiffers].sort(), requests };
}

/**
 * What a run needs that the preflight leaves out, because the manifest does not name those resources:
 * the run lock's table (CheckGuardRails) and the results bucket and key (the poll's during-fault series).
 */
const RUN_LOCK = /^\S+ dynamodb:\w+ arn:aws:dynamodb:[^ ]+:table\/[^ ]+$/;
const RESULTS_BUCKET =
  /^PollStopConditions (s3:PutObject arn:aws:s3:::[^ ]+\/probe-series\/|kms:GenerateDataKey )/;

describe("the preflight's IAM simulation covers the calls a rehearsed run makes", () => {
  it.each([
    ['FIS, healthy', 'fis', 'healthy'],
    ['FIS, a stop condition fires', 'fis', 'alarm-fires'],
    ['SSM, healthy', 'ssm', 'healthy'],
    ['SSM, a stop condition fires', 'ssm', 'alarm-fires'],
  ] as const)('%s', async (_title, mode, scenarioName) => {
    const { notSimulated, contextDiffers, requests } = await compare(via(mode), scenarioName);

    expect(requests).toBeGreaterThan(10);
    expect(notSimulated.filter((r) => !RUN_LOCK.test(r) && !RESULTS_BUCKET.test(r))).toEqual([]);
    // What it leaves out is the run lock and the results bucket, and the README says so.
    expect(notSimulated.map((r) => r.split(' ')[1])).toContain('dynamodb:PutItem');
    expect(contextDiffers).toEqual([]);
  });
});

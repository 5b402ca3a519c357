import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChaosCadenceStack } from '../../lib/chaos-cadence-stack';
import { loadConfig, parseYamlOrJson, type LoadedConfig } from '../../lib/config/load';
import { runRehearsal, type RehearsalOptions, type RehearsalResult } from '../../lib/rehearsal/engine';
import { parseScenario, type ScenarioInput } from '../../lib/rehearsal/scenario';
import { buildJournal } from '../../lambdas/shared/render/journal';
import { passedResult, run as fixtureRun } from '../fixtures/results';

/** A journal an earlier run left in the results bucket. */
const earlierJournal = buildJournal(
  {
    run: { ...fixtureRun, startedAt: '2026-11-03T09:00:02.000Z' },
    results: [{ ...passedResult, startedAt: '2026-11-03T09:00:03.000Z' }],
  },
  '2026-11-03T09:10:00.000Z',
);

/**
 * Least privilege must still be enough: every AWS call a rehearsed run makes (real cores, real ASL)
 * must be allowed by the synthesized IAM policy of the function behind the Task state that made it.
 * A grant missing from a construct fails here instead of as AccessDenied in the first real run.
 */

const ROOT = join(__dirname, '..', '..');

/** The Lambda function behind each Task state (logical id prefix in the template). */
const FUNCTION_OF_STATE: Record<string, string> = {
  CheckGuardRails: 'WorkflowCheckGuardRails',
  RecheckGuardRails: 'WorkflowCheckGuardRails',
  ReleaseRunLock: 'WorkflowCheckGuardRails',
  GuardRailsFailed: 'WorkflowVerdict',
  CheckSteadyStateBefore: 'WorkflowCheckSteadyState',
  CheckSteadyStateAfter: 'WorkflowCheckSteadyState',
  StartFault: 'WorkflowStartFault',
  PollStopConditions: 'WorkflowPollStopConditions',
  StopFault: 'WorkflowStopFault',
  StopFaultAfterError: 'WorkflowStopFault',
  StopFaultAfterVerdictError: 'WorkflowStopFault',
  Verdict: 'WorkflowVerdict',
  PublishResults: 'ResultsPublishResults',
  AbortOnEvent: 'WorkflowAbortOnEvent',
};

/** IAM action names that differ from the API operation. */
const IAM_ACTION_OF: Record<string, string> = { 's3:ListObjectsV2': 's3:ListBucket' };

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
}
interface Resource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
}

/** Every Allow action pattern of the role behind each function, by function logical id prefix. */
function allowedActions(template: Template): Map<string, RegExp[]> {
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const policiesOfRole = new Map<string, RegExp[]>();
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const roles = (resource.Properties.Roles as { Ref: string }[] | undefined) ?? [];
    const statements = (resource.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
    const patterns = statements
      .filter((s) => s.Effect === 'Allow')
      .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]))
      .map((a) => new RegExp(`^${a.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i'));
    for (const role of roles)
      policiesOfRole.set(role.Ref, [...(policiesOfRole.get(role.Ref) ?? []), ...patterns]);
  }
  const byFunction = new Map<string, RegExp[]>();
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const role = (resource.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const prefix = Object.values(FUNCTION_OF_STATE).find((p) => logicalId.startsWith(p));
    if (prefix) byFunction.set(prefix, policiesOfRole.get(role) ?? []);
  }
  return byFunction;
}

function synth(loaded: LoadedConfig): Map<string, RegExp[]> {
  const app = new App({
    context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true },
  });
  const stack = new ChaosCadenceStack(app, 'ChaosCadence', {
    loaded,
    now: new Date('2026-11-21T12:00:00Z'),
    env: { account: '123456789012', region: 'eu-central-1' },
  });
  return allowedActions(Template.fromStack(stack));
}

/** `<state> <service:Action>` for every call the role of its state's function does not allow. */
function deniedCalls(run: RehearsalResult, allowed: Map<string, RegExp[]>): string[] {
  return run.calls.flatMap((call, index) => {
    if (call.service === 'http') return [];
    const state = run.callStates[index] ?? '(no state)';
    const fn = FUNCTION_OF_STATE[state];
    const action = IAM_ACTION_OF[`${call.service}:${call.command}`] ?? `${call.service}:${call.command}`;
    const patterns = fn ? allowed.get(fn) : undefined;
    return patterns?.some((p) => p.test(action)) ? [] : [`${state} ${action}`];
  });
}

const scenario = (name: string, extra: Partial<ScenarioInput> = {}) =>
  parseScenario({
    ...(parseYamlOrJson(
      readFileSync(join(ROOT, 'scenarios', `${name}.yaml`), 'utf8'),
      name,
    ) as ScenarioInput),
    ...extra,
  });

describe('IAM covers every call of a rehearsed run', () => {
  const fisConfig = loadConfig({ cwd: ROOT, env: {} });
  const ssmConfig: LoadedConfig = (() => {
    const config = structuredClone(fisConfig.config);
    const stress = config.experiments[0]?.fault.cpuStress;
    if (stress) stress.via = 'ssm';
    return { ...fisConfig, config };
  })();
  const allowedFis = synth(fisConfig);
  const allowedSsm = synth(ssmConfig);

  const cases: [
    string,
    LoadedConfig,
    Map<string, RegExp[]>,
    Partial<RehearsalOptions> & { scenarioName: string },
  ][] = [
    ['FIS, healthy', fisConfig, allowedFis, { scenarioName: 'healthy' }],
    ['FIS, stop condition fires', fisConfig, allowedFis, { scenarioName: 'alarm-fires' }],
    ['FIS, kill switch mid-fault', fisConfig, allowedFis, { scenarioName: 'kill-switch-mid-fault' }],
    ['FIS, the experiment fails', fisConfig, allowedFis, { scenarioName: 'fis-experiment-fails' }],
    ['FIS, dry run', fisConfig, allowedFis, { scenarioName: 'healthy', dryRun: true }],
    [
      'FIS, earlier journals in the bucket (the trend lists and reads them)',
      fisConfig,
      allowedFis,
      { scenarioName: 'alarm-fires', history: [earlierJournal] },
    ],
    [
      'FIS, StartFault lost its answer (find by run id and stop)',
      fisConfig,
      allowedFis,
      { scenarioName: 'healthy', taskFaults: { StartFault: { mode: 'hang-after' } } },
    ],
    [
      'FIS, guard rails cannot be checked',
      fisConfig,
      allowedFis,
      { scenarioName: 'healthy', taskFaults: { CheckGuardRails: { mode: 'throw' } } },
    ],
    ['SSM, healthy', ssmConfig, allowedSsm, { scenarioName: 'healthy' }],
    ['SSM, stop condition fires', ssmConfig, allowedSsm, { scenarioName: 'alarm-fires' }],
    [
      'SSM, PollStopConditions throws (stop from the error path)',
      ssmConfig,
      allowedSsm,
      { scenarioName: 'healthy', taskFaults: { PollStopConditions: { mode: 'throw' } } },
    ],
  ];

  it.each(cases)('%s', async (_title, loaded, allowed, { scenarioName, ...options }) => {
    const run = await runRehearsal({ loaded, scenario: scenario(scenarioName), ...options });

    expect(run.calls.length).toBeGreaterThan(0);
    if (options.history) expect(run.calls.map((c) => c.command)).toContain('GetObject');
    expect(deniedCalls(run, allowed)).toEqual([]);
  });

  it('fails when a function lacks a grant (the check can fail)', async () => {
    const run = await runRehearsal({ loaded: fisConfig, scenario: scenario('healthy') });
    const withoutFis = new Map(allowedFis);
    withoutFis.set('WorkflowStartFault', []);

    expect(deniedCalls(run, withoutFis)).toContain('StartFault fis:StartExperiment');
  });
});

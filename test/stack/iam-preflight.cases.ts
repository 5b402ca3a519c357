import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, parseYamlOrJson, type LoadedConfig } from '../../lib/config/load';
import { parseScenario, type Scenario } from '../../lib/rehearsal/scenario';
import { evaluatePreflight, preflightAsDeployed, PREFLIGHT_FUNCTION } from '../iam/preflight';
import type { DeploymentModel } from '../iam/deployment';
import { denials, modelOf, synthesize, type EvaluatedRequest, type SynthesizedStack } from '../iam/stack';
import type { CfnResource, PolicyStatement } from '../iam/template-model';

/**
 * The Preflight function's IAM judged by a real evaluator (@cloud-copilot/iam-simulate): the preflight
 * core runs as the deployed function would (the heads-up schedule's resolved manifest) against a
 * simulated account, and every AWS call it makes is turned into the IAM requests AWS authorizes (action,
 * resource ARN, request context) and evaluated against the synthesized identity policies of the
 * function's role and the resource policy of the resource. Each deployment is also checked the other
 * way: every resource-scoped grant of the role is used by some call of some preflight (none too broad).
 */

// Synthesizing several stacks on a shared, loaded machine: allow minutes, not the default minute.
jest.setTimeout(300_000);

const ROOT = join(__dirname, '..', '..');

const scenarioFile = (file: string): Scenario =>
  parseScenario(parseYamlOrJson(readFileSync(join(ROOT, 'scenarios', file), 'utf8'), file));

function changed(loaded: LoadedConfig, change: (config: LoadedConfig['config']) => void): LoadedConfig {
  const config = structuredClone(loaded.config);
  change(config);
  return { ...loaded, config };
}

const shipped = loadConfig({ cwd: ROOT, env: {} });
const IMPORTED_TEMPLATE = 'EXTabcdef1234567';

interface Deployment {
  readonly title: string;
  readonly loaded: LoadedConfig;
  readonly scenario: string;
  /** Calls the deployment's preflight must make (so the case proves what it names). */
  readonly makes: readonly string[];
}

const DEPLOYMENTS: readonly Deployment[] = [
  {
    title: 'the shipped config (CPU stress via FIS), account ready',
    loaded: shipped,
    scenario: 'preflight/ready.yaml',
    makes: [
      'fis:GetSafetyLever',
      'fis:GetExperimentTemplate',
      'iam:GetRole',
      'servicequotas:ListServiceQuotas',
    ],
  },
  {
    title: 'every experiment via SSM Run Command',
    loaded: changed(shipped, (c) => {
      for (const e of c.experiments) if (e.fault.cpuStress) e.fault.cpuStress.via = 'ssm';
    }),
    scenario: 'preflight/ready.yaml',
    makes: ['ssm:DescribeDocument', 'ssm:DescribeInstanceInformation', 'iam:SimulatePrincipalPolicy'],
  },
  {
    title: 'an imported FIS template (fisTemplateId: its role is only known at run time)',
    loaded: changed(shipped, (c) => {
      const first = c.experiments[0];
      if (!first) throw new Error('the shipped config has no experiment');
      first.fault = { fisTemplateId: IMPORTED_TEMPLATE, duration: 'PT6M' };
    }),
    scenario: 'preflight/ready.yaml',
    makes: ['fis:GetExperimentTemplate', 'iam:GetRole', 'iam:SimulatePrincipalPolicy'],
  },
  {
    title: 'a change calendar shared from another account, given as an ARN',
    loaded: changed(shipped, (c) => {
      c.guardRails.changeCalendar = 'arn:aws:ssm:eu-central-1:210987654321:document/release-freeze';
    }),
    scenario: 'preflight/ready.yaml',
    makes: ['ssm:GetCalendarState'],
  },
  {
    title: 'a change calendar by name',
    loaded: changed(shipped, (c) => {
      c.guardRails.changeCalendar = 'prod-change-freeze';
    }),
    scenario: 'preflight/ready.yaml',
    makes: ['ssm:GetCalendarState'],
  },
  {
    title:
      'an account that is not ready (pending subscription, offline agent, lever engaged, kill switch on)',
    loaded: shipped,
    scenario: 'preflight/not-ready.yaml',
    makes: ['sns:ListSubscriptionsByTopic', 'ssm:GetParameter', 'fis:GetSafetyLever'],
  },
];

/** `<action> <resource>` of every Allow of the Preflight role but its logs, traces and topic publishing. */
function grants(model: DeploymentModel): string[] {
  const fn = model.functionNamed(PREFLIGHT_FUNCTION);
  const statements: PolicyStatement[] = model
    .identityPolicies(fn.roleLogicalId)
    .flatMap((p) => [...p.policy.Statement])
    .filter((s) => s.Effect === 'Allow');
  const list = (v: string | readonly string[] | undefined): string[] =>
    v === undefined ? [] : typeof v === 'string' ? [v] : [...v];
  return statements.flatMap((s) =>
    list(s.Action)
      .filter((a) => !/^(logs|xray|kms|sns:Publish)/.test(a))
      .flatMap((a) => list(s.Resource).map((r) => `${a} ${r}`)),
  );
}

/** Whether an IAM resource pattern (`*` wildcards) matches a resource. */
const matches = (pattern: string, resource: string): boolean =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(resource);

/** The grants of the Preflight role that no evaluated request uses. */
function unusedGrants(model: DeploymentModel, evaluated: readonly EvaluatedRequest[]): string[] {
  return grants(model).filter((grant) => {
    const [action, resource] = grant.split(' ') as [string, string];
    return !evaluated.some((e) => e.request.action === action && matches(resource, e.request.resource));
  });
}

describe('IAM allows every call of the preflight, and no more (iam-simulate, identity and resource policies)', () => {
  const results = new Map<string, { stack: SynthesizedStack; evaluated: EvaluatedRequest[] }>();

  it.each(DEPLOYMENTS.map((d) => [d.title, d] as const))('%s', async (_title, deployment) => {
    const stack = synthesize(deployment.loaded);
    const scenario = scenarioFile(deployment.scenario);

    const { calls, report } = await preflightAsDeployed(deployment.loaded, scenario, stack.model);
    const evaluated = await evaluatePreflight(calls, stack.model, scenario);
    results.set(deployment.title, { stack, evaluated });

    expect(report.checks.filter((c) => c.detail.includes('could not check'))).toEqual([]);
    expect(evaluated.map((e) => e.call)).toEqual(expect.arrayContaining([...deployment.makes]));
    expect(denials(evaluated)).toEqual([]);
  });

  it('grants nothing the preflight does not use (each action and resource matches a request of its deployment)', () => {
    const unused = [...results.entries()].flatMap(([title, { stack, evaluated }]) =>
      unusedGrants(stack.model, evaluated).map((grant) => `${title}: ${grant}`),
    );

    expect(results.size).toBe(DEPLOYMENTS.length);
    expect(unused).toEqual([]);
  });

  it('finds a grant no call uses (deliberate break: the safety lever granted to a deployment without FIS)', () => {
    const entry = results.get(DEPLOYMENTS[1]?.title ?? '');
    if (!entry) throw new Error('the SSM deployment did not run');
    const json = structuredClone(entry.stack.template.toJSON()) as { Resources: Record<string, CfnResource> };
    const role = entry.stack.model.functionNamed(PREFLIGHT_FUNCTION).roleLogicalId;
    const policy = Object.values(json.Resources).find(
      (r) =>
        r.Type === 'AWS::IAM::Policy' &&
        JSON.stringify(r.Properties?.Roles) === JSON.stringify([{ Ref: role }]),
    );
    const lever = 'arn:aws:fis:eu-central-1:123456789012:safety-lever/default';
    (policy?.Properties?.PolicyDocument as { Statement: PolicyStatement[] }).Statement.push({
      Effect: 'Allow',
      Action: 'fis:GetSafetyLever',
      Resource: lever,
    });

    expect(unusedGrants(modelOf(json), entry.evaluated)).toEqual([`fis:GetSafetyLever ${lever}`]);
  });

  it('denies what the role was not given (deliberate break: the topic is not the results topic)', async () => {
    const { stack } = results.get(DEPLOYMENTS[0]?.title ?? '') ?? { stack: synthesize(shipped) };
    const scenario = scenarioFile('preflight/ready.yaml');
    const other = 'arn:aws:sns:eu-central-1:123456789012:someone-elses-topic';

    const evaluated = await evaluatePreflight(
      [
        {
          at: scenario.now.toISOString(),
          service: 'sns',
          command: 'ListSubscriptionsByTopic',
          input: { TopicArn: other },
        },
      ],
      stack.model,
      scenario,
    );

    expect(denials(evaluated)).toEqual([`Preflight sns:ListSubscriptionsByTopic ${other}: ImplicitlyDenied`]);
  });
});

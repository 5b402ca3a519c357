import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, parseYamlOrJson } from '../../lib/config/load';
import { runRehearsal, type RehearsalResult } from '../../lib/rehearsal/engine';
import { parseScenario, type Scenario } from '../../lib/rehearsal/scenario';
import { deliveryRequests, evaluateDeliveries } from '../iam/delivery-paths';
import { lintPolicy } from '../iam/lint';
import type { CfnResource, PolicyDocument, PolicyStatement } from '../iam/template-model';
import {
  denials,
  deployedSettings,
  evaluateRun,
  IDENTITY,
  modelOf,
  stateMachineName,
  synthesize,
} from '../iam/stack';

/**
 * The IAM checks can fail: each breaks one grant of the synthesized template on purpose (an action, a
 * resource, a condition, a resource policy) and expects the evaluator or the lint to say so.
 */

// Synthesizing and rehearsing on a shared, loaded machine: allow minutes, not the default minute.
jest.setTimeout(300_000);

const ROOT = join(__dirname, '..', '..');
type TemplateJson = { Resources: Record<string, CfnResource> };
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const asArray = <T>(value: T | readonly T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? [...(value as T[])] : [value as T];

/** The statements of the default policy of a role whose logical id starts with `rolePrefix`. */
function statementsOf(json: TemplateJson, rolePrefix: string): Mutable<PolicyStatement>[] {
  const entry = Object.entries(json.Resources).find(
    ([id, r]) => r.Type === 'AWS::IAM::Policy' && id.startsWith(`${rolePrefix}DefaultPolicy`),
  );
  if (!entry) throw new Error(`no default policy of ${rolePrefix}`);
  return (entry[1].Properties?.PolicyDocument as { Statement: Mutable<PolicyStatement>[] }).Statement;
}

const grants = (statement: PolicyStatement, action: string): boolean =>
  asArray(statement.Action).includes(action);

describe('the IAM checks fail when a grant is broken on purpose', () => {
  const loaded = loadConfig({ cwd: ROOT, env: {} });
  const { template, model } = synthesize(loaded);
  const pristine = template.toJSON() as TemplateJson;
  const edited = (edit: (json: TemplateJson) => void) => {
    const json = structuredClone(pristine);
    edit(json);
    return modelOf(json);
  };
  let scenario: Scenario;
  let run: RehearsalResult;
  beforeAll(async () => {
    scenario = parseScenario(
      parseYamlOrJson(readFileSync(join(ROOT, 'scenarios', 'alarm-fires.yaml'), 'utf8'), 'alarm-fires'),
    );
    run = await runRehearsal({
      loaded,
      scenario,
      settings: deployedSettings(model),
      stateMachineName: stateMachineName(model),
    });
  });

  it('allows the unbroken deployment (the premise)', async () => {
    expect(denials(await evaluateRun(run, model, scenario))).toEqual([]);
  });

  it('fails when StartFault loses its fis:StartExperiment action', async () => {
    const broken = edited((json) => {
      for (const statement of statementsOf(json, 'WorkflowStartFaultRole')) {
        statement.Action = asArray(statement.Action).filter((a) => a !== 'fis:StartExperiment');
      }
    });

    const denied = denials(await evaluateRun(run, broken, scenario));

    expect(denied).toContainEqual(
      expect.stringMatching(
        /^StartFault fis:StartExperiment .*experiment-template\/EXT.*: ImplicitlyDenied$/,
      ),
    );
  });

  it('fails when PublishResults may write journals under another prefix (resource)', async () => {
    const broken = edited((json) => {
      for (const statement of statementsOf(json, 'ResultsPublishRole')) {
        if (!grants(statement, 's3:PutObject')) continue;
        statement.Resource = JSON.parse(
          JSON.stringify(statement.Resource).replace('/runs/*', '/journals/*'),
        ) as string;
      }
    });

    const denied = denials(await evaluateRun(run, broken, scenario));

    expect(denied).toContainEqual(
      expect.stringMatching(/^PublishResults s3:PutObject .*\/runs\/.*: ImplicitlyDenied$/),
    );
  });

  it("fails when StopFault's tag condition names another experiment (condition)", async () => {
    const broken = edited((json) => {
      for (const statement of statementsOf(json, 'WorkflowStopFaultRole')) {
        const equals = statement.Condition?.StringEquals;
        if (grants(statement, 'fis:StopExperiment') && equals)
          equals['aws:ResourceTag/chaos-cadence:experiment'] = 'another';
      }
    });

    const denied = denials(await evaluateRun(run, broken, scenario));

    expect(denied).toContainEqual(
      expect.stringMatching(/^StopFault fis:StopExperiment .*experiment\/EXP.*: ImplicitlyDenied$/),
    );
  });

  it('fails when the bucket policy denies writing journals (resource policy)', async () => {
    const broken = edited((json) => {
      const policy = Object.values(json.Resources).find(
        (r) =>
          r.Type === 'AWS::S3::BucketPolicy' &&
          JSON.stringify(r.Properties?.Bucket).includes('ResultsBucket'),
      );
      const document = policy?.Properties?.PolicyDocument as { Statement: PolicyStatement[] };
      document.Statement.push({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:PutObject',
        Resource: '*',
      });
    });

    const denied = denials(await evaluateRun(run, broken, scenario));

    expect(denied).toContainEqual(
      expect.stringMatching(/^PublishResults s3:PutObject .*: ExplicitlyDenied$/),
    );
  });

  it('fails the alarm delivery when the topic policy no longer lets CloudWatch publish (resource policy)', async () => {
    const broken = edited((json) => {
      for (const resource of Object.values(json.Resources)) {
        if (resource.Type !== 'AWS::SNS::TopicPolicy') continue;
        const document = resource.Properties?.PolicyDocument as Mutable<PolicyDocument>;
        document.Statement = document.Statement.filter((s) => s.Sid !== 'AllowThisStacksAlarms');
      }
    });

    const evaluated = await evaluateDeliveries(deliveryRequests(broken), IDENTITY.account);

    expect(evaluated.filter((e) => !e.allowed).map((e) => `${e.request.action} ${e.result}`)).toContain(
      'sns:Publish ImplicitlyDenied',
    );
  });

  describe('the lint', () => {
    it('reports an action that does not exist', async () => {
      const findings = await lintPolicy(
        'broken',
        { Statement: [{ Effect: 'Allow', Action: 'fis:StartExperiments', Resource: '*' }] },
        'identity',
      );

      expect(findings.map((f) => f.message)).toEqual(['action fis:StartExperiments does not exist']);
    });

    it("reports a condition key none of the statement's actions supports", async () => {
      const findings = await lintPolicy(
        'broken',
        {
          Statement: [
            {
              Effect: 'Allow',
              Action: 'fis:StopExperiment',
              Resource: 'arn:aws:fis:eu-central-1:123456789012:experiment/*',
              Condition: { StringEquals: { 'ssm:resourceTag/app': 'shop' } },
            },
          ],
        },
        'identity',
      );

      expect(findings.map((f) => f.message)).toEqual([
        'condition key ssm:resourceTag/app is supported by none of fis:StopExperiment',
      ]);
    });

    it('reports "*" for an action that has resource types', async () => {
      const findings = await lintPolicy(
        'broken',
        { Statement: [{ Effect: 'Allow', Action: 'cloudwatch:DescribeAlarms', Resource: '*' }] },
        'identity',
      );

      expect(findings.map((f) => f.message)).toEqual([
        'Resource "*" for cloudwatch:DescribeAlarms, which have resource types: name them',
      ]);
    });

    it("reports a resource that is none of the action's resource types", async () => {
      const findings = await lintPolicy(
        'broken',
        { Statement: [{ Effect: 'Allow', Action: 'ssm:GetParameter', Resource: 'arn:aws:s3:::results/*' }] },
        'identity',
      );

      expect(findings.map((f) => f.message)).toEqual([
        'resource arn:aws:s3:::results/* matches no resource type of ssm:GetParameter',
      ]);
    });
  });
});

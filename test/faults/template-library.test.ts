import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CpuStressFault } from '../../lib/constructs/cpu-stress-fault';
import { FaultConfigError } from '../../lib/faults/errors';
import { ENV, LIBRARY_DIR, arnIn, configWith, newStack } from './helpers';

/**
 * Every JSON file of the public FIS template library (see its README): each FIS template must become an
 * equivalent AWS::FIS::ExperimentTemplate, each SSM document must be refused with a clear message.
 */
const files = readdirSync(LIBRARY_DIR).filter((f) => f.endsWith('.json'));
const ssmDocuments = files.filter((f) => f.endsWith('-ssm-template.json'));
const fisTemplates = files.filter((f) => !ssmDocuments.includes(f));

/** Values for the placeholders only the user can know (the stack fills account and region). */
const USER_VALUES: Record<string, string> = {
  'GLOBAL-CLUSTER-ID': 'orders-global',
  'SSM-AUTOMATION-ROLE': 'SsmAutomationRole',
  'YOUR AUTOMATION DOCUMENT NAME': 'ChaosAutomation',
  'YOUR SSM AUTOMATION IAM ROLE NAME': 'SsmAutomationRole',
  'YOUR SSM ROLE NAME': 'SsmRole',
  'YOUR DATABASE ENDPOINT': 'orders.cluster-abc.eu-west-1.rds.amazonaws.com',
  'YOUR SECRET ARN': 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-AbCdEf',
  'YOUR VPC ID': 'vpc-0123456789abcdef0',
  'YOUR SUBNET ID': 'subnet-0123456789abcdef0',
  'YOUR DATABASE SECURITY GROUP ID': 'sg-0123456789abcdef0',
  'YOUR TABLE NAME': 'orders',
  'YOUR TARGET AZ': 'eu-west-1a',
  'YOUR AVAILABILITY ZONE': 'eu-west-1b',
  'YOUR ECS CLUSTER': 'shop',
  'YOUR ECS SERVICE': 'web',
  INSTANCE_ID: 'i-0123456789abcdef0',
  CLOUDWATCH_ALARM: 'legacy-alarm',
};

/**
 * The expected value of every placeholder, written out independently of the implementation's matching:
 * each spelling of "account" and "region" found in the library, then the user values.
 */
const EXPECTED: Record<string, string> = {
  '<YOUR AWS ACCOUNT>': ENV.account,
  '<YOUR ACCOUNT>': ENV.account,
  '<ACCOUNT_ID>': ENV.account,
  '<ACCOUNT>': ENV.account,
  '<YOUR-ACCOUNT-ID>': ENV.account,
  '<YOUR_AWS_ACCOUNT>': ENV.account,
  '<YOUR REGION>': ENV.region,
  '<REGION>': ENV.region,
  '{{ aws:region }}': ENV.region,
  ...Object.fromEntries(Object.entries(USER_VALUES).map(([k, v]) => [`<${k}>`, v])),
};

function expectedText(text: string): string {
  let out = text;
  for (const [placeholder, value] of Object.entries(EXPECTED)) out = out.split(placeholder).join(value);
  return out;
}

interface RawTarget {
  resourceType: string;
  resourceArns?: string[];
  resourceTags?: Record<string, string>;
  filters?: { path: string; values: string[] }[];
  selectionMode: string;
  parameters?: Record<string, string>;
}
interface RawAction {
  actionId: string;
  description?: string;
  parameters?: Record<string, string>;
  targets?: Record<string, string>;
  startAfter?: string[];
  startAfterDelay?: string;
}
interface RawTemplate {
  targets: Record<string, RawTarget>;
  actions: Record<string, RawAction>;
  stopConditions: { source: string; value?: string }[];
  tags?: Record<string, string>;
}

/** The file's targets in CloudFormation's PascalCase, placeholders replaced. */
function cfnTargets(raw: RawTemplate): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(raw.targets).map(([name, t]) => [
      name,
      {
        ResourceType: t.resourceType,
        SelectionMode: t.selectionMode,
        ...(t.resourceArns ? { ResourceArns: t.resourceArns } : {}),
        ...(t.resourceTags ? { ResourceTags: t.resourceTags } : {}),
        ...(t.filters ? { Filters: t.filters.map((f) => ({ Path: f.path, Values: f.values })) } : {}),
        ...(t.parameters ? { Parameters: t.parameters } : {}),
      },
    ]),
  );
}

/** The file's actions in CloudFormation's PascalCase; a `startAfterDelay` becomes an aws:fis:wait action. */
function cfnActions(raw: RawTemplate): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, a] of Object.entries(raw.actions)) {
    const common = {
      ActionId: a.actionId,
      ...(a.description !== undefined ? { Description: a.description } : {}),
      ...(a.parameters ? { Parameters: a.parameters } : {}),
      ...(a.targets ? { Targets: a.targets } : {}),
    };
    if (a.startAfterDelay) {
      out[`${name}-delay`] = {
        ActionId: 'aws:fis:wait',
        Description: `Delay of ${a.startAfterDelay} before ${name} (from startAfterDelay)`,
        Parameters: { duration: a.startAfterDelay },
        ...(a.startAfter ? { StartAfter: a.startAfter } : {}),
      };
      out[name] = { ...common, StartAfter: [`${name}-delay`] };
    } else {
      out[name] = { ...common, ...(a.startAfter ? { StartAfter: a.startAfter } : {}) };
    }
  }
  return out;
}

function importFixture(file: string) {
  const stack = newStack();
  const { config, experiment } = configWith({ fisTemplate: { file } });
  const fault = new CpuStressFault(stack, 'Fault', {
    config,
    experiment,
    baseDir: LIBRARY_DIR,
    placeholders: USER_VALUES,
  });
  const template = Template.fromStack(stack);
  const resources = template.findResources('AWS::FIS::ExperimentTemplate');
  const [logicalId, resource] = Object.entries(resources)[0] ?? [];
  if (!resource) throw new Error(`${file}: no AWS::FIS::ExperimentTemplate was synthesized`);
  return {
    stack,
    fault,
    template,
    logicalId,
    properties: (resource as { Properties: Record<string, unknown> }).Properties,
  };
}

describe('importing the public FIS template library', () => {
  it('covers all 29 fixture files: 26 FIS templates and 3 SSM documents', () => {
    expect([fisTemplates.length, ssmDocuments.length]).toEqual([26, 3]);
  });

  describe.each(fisTemplates)('%s', (file) => {
    const raw = JSON.parse(expectedText(readFileSync(join(LIBRARY_DIR, file), 'utf8'))) as RawTemplate;
    const imported = importFixture(file);

    it('keeps the same actions with their parameters, targets and order', () => {
      expect(imported.properties.Actions).toEqual(cfnActions(raw));
    });

    it('keeps the same targets', () => {
      expect(imported.properties.Targets).toEqual(cfnTargets(raw));
    });

    it('leaves no <...> placeholder anywhere in the experiment template', () => {
      expect(JSON.stringify(imported.properties)).not.toMatch(/<[A-Za-z][^<>"]*>/);
    });

    it("replaces 'none' stop conditions with the experiment's alarms and keeps the template's own alarms", () => {
      const ownAlarms = raw.stopConditions
        .filter((c) => c.source === 'aws:cloudwatch:alarm')
        .map((c) => ({ Source: 'aws:cloudwatch:alarm', Value: c.value }));

      expect(imported.properties.StopConditions).toEqual([
        ...ownAlarms,
        {
          Source: 'aws:cloudwatch:alarm',
          Value: arnIn(':cloudwatch:eu-west-1:123456789012:alarm:sock-shop-5xx'),
        },
        {
          Source: 'aws:cloudwatch:alarm',
          Value: arnIn(':cloudwatch:eu-west-1:123456789012:alarm:sock-shop-instance-count-low'),
        },
      ]);
    });

    it("runs as the stack's own FIS role instead of the file's placeholder role", () => {
      const roles = imported.template.findResources('AWS::IAM::Role');
      const roleId = Object.keys(roles)[0];

      expect(imported.properties.RoleArn).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    });

    it('keeps the file tags and adds the experiment tags', () => {
      expect(imported.properties.Tags).toEqual({
        ...(raw.tags ?? {}),
        Name: 'chaos-cadence-web-cpu-80',
        'chaos-cadence:experiment': 'web-cpu-80',
        'chaos-cadence:application': 'sock-shop',
      });
    });

    it('is cdk-nag clean', () => {
      expect(new AwsSolutionsChecks().validateScope(imported.stack).violations).toEqual([]);
    });
  });

  describe.each(ssmDocuments)('%s', (file) => {
    function attempt(): unknown {
      const stack = newStack();
      const { config, experiment } = configWith({ fisTemplate: { file } });
      try {
        new CpuStressFault(stack, 'Fault', { config, experiment, baseDir: LIBRARY_DIR });
      } catch (error) {
        return error;
      }
      return undefined;
    }

    it('is refused as a FaultConfigError at the fisTemplate.file config path', () => {
      const error = attempt();

      expect(error).toBeInstanceOf(FaultConfigError);
      expect((error as FaultConfigError).problems[0]?.path).toBe('experiments[0].fault.fisTemplate.file');
    });

    it('says what the file is and what was expected', () => {
      const message = (attempt() as Error).message;

      expect(message).toContain(`${file}: is an SSM Command document (schemaVersion 2.2)`);
      expect(message).toContain('not a FIS experiment template');
      expect(message).toContain('Expected a FIS experiment template JSON');
    });
  });
});

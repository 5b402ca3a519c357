import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type LoadedConfig } from '../../lib/config/load';
import { deliveryRequests, evaluateDeliveries, type EvaluatedDelivery } from '../iam/delivery-paths';
import { IDENTITY, synthesize } from '../iam/stack';

/**
 * Every delivery an AWS service makes for the stack (alarm -> topic and its key, rule -> function and
 * dead-letter queue, schedule -> workflow and dead-letter queue, destinations, state machine ->
 * functions, FIS -> its targets, log group and report bucket, functions -> their logs), evaluated by
 * iam-simulate against the synthesized resource, trust and identity policies. IAM_REPORT_DELIVERIES=<file>
 * writes the figures.
 */

// Synthesizing and rehearsing on a shared, loaded machine: allow minutes, not the default minute.
jest.setTimeout(300_000);

const ROOT = join(__dirname, '..', '..');

const denied = (evaluated: readonly EvaluatedDelivery[]): string[] =>
  evaluated.filter((e) => !e.allowed).map((e) => `${e.path} ${e.request.resource}: ${e.result}`);

/** The shipped config with FIS's own experiment reports on, so the report-bucket path exists too. */
function withFisReports(): LoadedConfig {
  const loaded = loadConfig({ cwd: ROOT, env: {} });
  return { ...loaded, config: { ...structuredClone(loaded.config), fisReports: true } };
}

describe('AWS services may deliver where the stack sends them (iam-simulate)', () => {
  const { model } = synthesize(withFisReports());
  let evaluated: EvaluatedDelivery[];
  beforeAll(async () => {
    evaluated = await evaluateDeliveries(deliveryRequests(model), IDENTITY.account);
    const file = process.env.IAM_REPORT_DELIVERIES;
    if (file) {
      const paths = new Set(
        evaluated.map((e) => e.path.replace(/ \((kms|sts|[a-z0-9-]+):[A-Za-z*]+\)$/, '')),
      );
      writeFileSync(
        file,
        `${JSON.stringify({ paths: paths.size, requests: evaluated.length, allowed: evaluated.filter((e) => e.allowed).length }, null, 2)}\n`,
      );
    }
  });

  it('allows every delivery of the stack', () => {
    expect(denied(evaluated)).toEqual([]);
  });

  it('lets CloudWatch publish every alarm of the stack to the encrypted results topic (topic policy and key policy)', () => {
    const alarmPaths = evaluated.filter((e) => e.path.startsWith('alarm '));
    const actions = new Set(alarmPaths.map((e) => e.request.action));

    expect(alarmPaths.length).toBeGreaterThanOrEqual(
      3 * model.template.idsOfType('AWS::CloudWatch::Alarm').length,
    );
    expect([...actions].sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey', 'sns:Publish']);
    expect(alarmPaths.filter((e) => !e.allowed)).toEqual([]);
  });

  it('covers each kind of delivery the stack has', () => {
    const kinds = new Set(evaluated.map((e) => e.path.split(' ')[0]));

    expect([...kinds].sort()).toEqual(['FIS', 'alarm', 'function', 'rule', 'schedule', 'state']);
    const fisActions = new Set(
      evaluated.filter((e) => e.path.startsWith('FIS')).map((e) => e.request.action),
    );
    expect(fisActions).toEqual(
      new Set([
        'sts:AssumeRole',
        'logs:CreateLogDelivery',
        'logs:PutResourcePolicy',
        'logs:DescribeResourcePolicies',
        'logs:DescribeLogGroups',
        's3:PutObject',
        'kms:GenerateDataKey',
        'ssm:SendCommand',
        'ssm:ListCommands',
        'ssm:CancelCommand',
        'ec2:DescribeInstances',
      ]),
    );
  });

  it("refuses an alarm of another stack (the topic policy names this stack's alarms only)", async () => {
    const alarm = evaluated.find((e) => e.path.startsWith('alarm ') && e.request.action === 'sns:Publish');
    if (!alarm) throw new Error('no alarm delivery found');
    const foreign = {
      ...alarm,
      request: {
        ...alarm.request,
        context: {
          ...alarm.request.context,
          'aws:SourceArn': 'arn:aws:cloudwatch:eu-central-1:123456789012:alarm:other-app-5xx',
        },
      },
    };

    const [result] = await evaluateDeliveries([foreign], IDENTITY.account);

    expect(result?.allowed).toBe(false);
  });
});

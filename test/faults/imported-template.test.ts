import { rolePermissionsFor } from '../../lib/faults/action-catalogue';
import { toCfnTemplateParts } from '../../lib/faults/imported-template';
import { parseFisTemplate } from '../../lib/faults/template-file';

const SOURCE = { file: 'legacy.json', configPath: 'experiments[0].fault.fisTemplate.file' };
const STACK = { account: '123456789012', region: 'eu-west-1', partition: 'aws' };
const ALARM = 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:web-5xx';

function legacyTemplate(alarms: number) {
  return parseFisTemplate(
    {
      description: 'throttle',
      targets: {
        Role: {
          resourceType: 'aws:iam:role',
          resourceArns: ['arn:aws:iam::<ACCOUNT_ID>:role/Chaos'],
          selectionMode: 'ALL',
        },
      },
      actions: {
        Throttle: {
          actionId: 'aws:fis:inject-api-throttle-error',
          parameters: {
            service: 'ec2',
            operations: 'DescribeInstances',
            percentage: '100',
            duration: 'PT5M',
          },
          targets: { Roles: 'Role' },
        },
      },
      stopConditions: Array.from({ length: alarms }, (_, i) => ({
        source: 'aws:cloudwatch:alarm',
        value: `arn:aws:cloudwatch:<REGION>:<ACCOUNT_ID>:alarm:<ALARM_${i}>`,
      })),
      roleArn: 'arn:aws:iam::<ACCOUNT_ID>:role/<IAM_ROLE>',
    },
    SOURCE,
  );
}

describe('toCfnTemplateParts', () => {
  it('refuses a placeholder nobody gave a value for, naming it and where it is', () => {
    expect(() =>
      toCfnTemplateParts(legacyTemplate(1), {
        source: SOURCE,
        stack: STACK,
        placeholders: {},
        alarmArns: [ALARM],
      }),
    ).toThrow('legacy.json: stopConditions[0].value still contains the placeholder <ALARM_0>');
  });

  it("ignores the file's roleArn placeholder, since the role is the stack's", () => {
    const parts = toCfnTemplateParts(legacyTemplate(0), {
      source: SOURCE,
      stack: STACK,
      placeholders: {},
      alarmArns: [ALARM],
    });

    expect(parts).not.toHaveProperty('roleArn');
    expect(parts.targets.Role?.resourceArns).toEqual(['arn:aws:iam::123456789012:role/Chaos']);
  });

  it('refuses more than 5 stop conditions once the experiment alarms are added', () => {
    const placeholders = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`ALARM_${i}`, `a${i}`]));

    expect(() =>
      toCfnTemplateParts(legacyTemplate(5), {
        source: SOURCE,
        stack: STACK,
        placeholders,
        alarmArns: [ALARM],
      }),
    ).toThrow(/make 6; FIS allows at most 5/);
  });

  it('defaults to single-account experiments that fail on empty targets', () => {
    const parts = toCfnTemplateParts(legacyTemplate(0), {
      source: SOURCE,
      stack: STACK,
      placeholders: {},
      alarmArns: [ALARM],
    });

    expect(parts.experimentOptions).toEqual({
      accountTargeting: 'single-account',
      emptyTargetResolutionMode: 'fail',
    });
  });
});

describe('rolePermissionsFor', () => {
  it('uses managed FIS policies where AWS documents one and inline permissions for the rest', () => {
    const needs = rolePermissionsFor([
      'aws:ec2:stop-instances',
      'aws:ssm:start-automation-execution',
      'aws:rds:failover-db-cluster',
      'aws:elasticache:replicationgroup-interrupt-az-power',
      'aws:fis:wait',
    ]);

    expect(needs).toEqual({
      managedPolicies: [
        'AWSFaultInjectionSimulatorEC2Access',
        'AWSFaultInjectionSimulatorRDSAccess',
        'AWSFaultInjectionSimulatorSSMAccess',
      ],
      inlineActions: [
        'elasticache:DescribeReplicationGroups',
        'elasticache:InterruptClusterAzPower',
        'tag:GetResources',
      ],
    });
  });
});

import { aws_lambda as lambda, aws_s3 as s3, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CpuStressFault, cpuStressDocumentParameters } from '../../lib/constructs/cpu-stress-fault';
import { EXPERIMENT_TAG_KEY } from '../../lib/faults/policies';
import { LIBRARY_DIR, arnIn, configWith, newStack } from '../faults/helpers';

const TAGS = { 'chaos-ready': 'true', app: 'sock-shop' };

type StressInput = {
  loadPercent?: number;
  cores?: number;
  duration?: string;
  selection?: string;
  via?: 'fis' | 'ssm';
  installDependencies?: boolean;
};

function stressFault(stress: StressInput = {}, top: { fisReports?: boolean } = {}) {
  const { selection = 'ALL', ...rest } = stress;
  // Stressing some cores only needs its own CPU threshold (the instance's CPU depends on its core count).
  const effect = (rest.cores ?? 0) > 0 ? { effect: { minCpuPercent: 25 } } : {};
  return configWith({ cpuStress: { ...rest, targets: { tags: TAGS, selection } } }, effect, top);
}

function build(stress: StressInput = {}): { stack: Stack; fault: CpuStressFault; template: Template } {
  const stack = newStack();
  const { config, experiment } = stressFault(stress);
  const fault = new CpuStressFault(stack, 'Fault', { config, experiment, baseDir: LIBRARY_DIR });
  return {
    stack,
    fault,
    get template() {
      return Template.fromStack(stack);
    },
  };
}

function testFunction(stack: Stack): lambda.Function {
  return new lambda.Function(stack, 'Starter', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
}

function policyStatements(template: Template, roleLogicalIdPrefix: string): unknown[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) =>
      JSON.stringify((p as { Properties: { Roles: unknown } }).Properties.Roles).includes(
        roleLogicalIdPrefix,
      ),
    )
    .flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties.PolicyDocument
          .Statement,
    );
}

describe('CpuStressFault, cpuStress via FIS', () => {
  it('creates one experiment template running AWSFIS-Run-CPU-Stress through aws:ssm:send-command', () => {
    const { template } = build();

    template.resourceCountIs('AWS::FIS::ExperimentTemplate', 1);
    template.hasResourceProperties('AWS::FIS::ExperimentTemplate', {
      Actions: {
        CpuStress: Match.objectLike({
          ActionId: 'aws:ssm:send-command',
          Parameters: Match.objectLike({
            documentArn: arnIn(':ssm:eu-west-1::document/AWSFIS-Run-CPU-Stress'),
          }),
          Targets: { Instances: 'Instances' },
        }),
      },
    });
  });

  it('passes documentParameters as a JSON string of strings, and runs the action a minute longer than the stress', () => {
    const { template } = build({ loadPercent: 80, cores: 0, duration: 'PT6M' });

    template.hasResourceProperties('AWS::FIS::ExperimentTemplate', {
      Actions: {
        CpuStress: Match.objectLike({
          Parameters: Match.objectLike({
            documentParameters:
              '{"DurationSeconds":"360","CPU":"0","LoadPercent":"80","InstallDependencies":"True"}',
            duration: 'PT7M',
          }),
        }),
      },
    });
  });

  it('writes cores, load, odd durations and InstallDependencies False exactly', () => {
    const { experiment } = stressFault({
      loadPercent: 55,
      cores: 2,
      duration: 'PT90S',
      installDependencies: false,
    });

    const text = cpuStressDocumentParameters(experiment.fault.cpuStress!);

    expect(text).toBe('{"DurationSeconds":"90","CPU":"2","LoadPercent":"55","InstallDependencies":"False"}');
  });

  it.each(['ALL', 'COUNT(2)', 'PERCENT(25)'])(
    'targets running EC2 instances by the configured tags with selection mode %s',
    (selection) => {
      const { template } = build({ selection });

      template.hasResourceProperties('AWS::FIS::ExperimentTemplate', {
        Targets: {
          Instances: {
            ResourceType: 'aws:ec2:instance',
            ResourceTags: TAGS,
            Filters: [{ Path: 'State.Name', Values: ['running'] }],
            SelectionMode: selection,
          },
        },
      });
    },
  );

  it('uses the configured alarms, as ARNs in the stack account and region, as stop conditions', () => {
    const { template } = build();

    template.hasResourceProperties('AWS::FIS::ExperimentTemplate', {
      StopConditions: [
        {
          Source: 'aws:cloudwatch:alarm',
          Value: arnIn(':cloudwatch:eu-west-1:123456789012:alarm:sock-shop-5xx'),
        },
        {
          Source: 'aws:cloudwatch:alarm',
          Value: arnIn(':cloudwatch:eu-west-1:123456789012:alarm:sock-shop-instance-count-low'),
        },
      ],
    });
  });

  it('fails the experiment when no target resolves, in this account only', () => {
    const { template } = build();

    template.hasResourceProperties('AWS::FIS::ExperimentTemplate', {
      ExperimentOptions: { AccountTargeting: 'single-account', EmptyTargetResolutionMode: 'fail' },
    });
  });

  it('logs experiments (schema version 2) to its own log group with a retention', () => {
    const { template } = build();

    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/vendedlogs/fis/Chaos/web-cpu-80',
      RetentionInDays: 90,
    });
    const logGroupId = Object.keys(template.findResources('AWS::Logs::LogGroup'))[0]!;
    template.hasResourceProperties('AWS::FIS::ExperimentTemplate', {
      LogConfiguration: {
        LogSchemaVersion: 2,
        CloudWatchLogsConfiguration: { LogGroupArn: { 'Fn::GetAtt': [logGroupId, 'Arn'] } },
      },
    });
  });

  it('tags the template with the experiment and the application', () => {
    const { template } = build();

    template.hasResourceProperties('AWS::FIS::ExperimentTemplate', {
      Tags: {
        Name: 'chaos-cadence-web-cpu-80',
        [EXPERIMENT_TAG_KEY]: 'web-cpu-80',
        'chaos-cadence:application': 'sock-shop',
      },
    });
  });

  it('has a role only FIS experiments of this account and region can assume', () => {
    const { template } = build();

    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'fis.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': '123456789012' },
              ArnLike: { 'aws:SourceArn': arnIn(':fis:eu-west-1:123456789012:experiment/*') },
            },
          },
        ],
      },
    });
  });

  it('lets the role send the document only to instances carrying every target tag', () => {
    const { template } = build();

    const statements = policyStatements(template, 'FaultExperimentRole');

    expect(statements).toEqual(
      expect.arrayContaining([
        {
          Action: 'ssm:SendCommand',
          Effect: 'Allow',
          Resource: arnIn(':ssm:eu-west-1::document/AWSFIS-Run-CPU-Stress'),
        },
        {
          Action: 'ssm:SendCommand',
          Effect: 'Allow',
          Resource: arnIn(':ec2:eu-west-1:123456789012:instance/*'),
          Condition: {
            StringEquals: { 'ssm:resourceTag/chaos-ready': 'true', 'ssm:resourceTag/app': 'sock-shop' },
          },
        },
      ]),
    );
  });

  it('gives the role nothing beyond commands, instance discovery and log delivery, and no managed policy', () => {
    const { template } = build();

    const actions = policyStatements(template, 'FaultExperimentRole').flatMap(
      (s) => (s as { Action: string | string[] }).Action,
    );

    expect([...new Set(actions)].sort()).toEqual(
      [
        'ec2:DescribeInstances',
        'logs:CreateLogDelivery',
        'logs:DescribeLogGroups',
        'logs:DescribeResourcePolicies',
        'logs:PutResourcePolicy',
        'ssm:CancelCommand',
        'ssm:ListCommands',
        'ssm:SendCommand',
      ].sort(),
    );
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  it('exposes the template id as the template Ref', () => {
    const { stack, fault, template } = build();

    const templateLogicalId = Object.keys(template.findResources('AWS::FIS::ExperimentTemplate'))[0];

    expect(stack.resolve(fault.templateId)).toEqual({ Ref: templateLogicalId });
  });

  it('asks FIS for its report in the results bucket, with the dashboard, when fisReports is on', () => {
    const stack = newStack();
    const { config, experiment } = stressFault({}, { fisReports: true });
    const bucket = new s3.Bucket(stack, 'Results');

    new CpuStressFault(stack, 'Fault', {
      config,
      experiment,
      baseDir: LIBRARY_DIR,
      reportBucket: bucket,
      dashboard: { dashboardArn: 'arn:aws:cloudwatch::123456789012:dashboard/chaos' },
    });

    Template.fromStack(stack).hasResourceProperties('AWS::FIS::ExperimentTemplate', {
      ExperimentReportConfiguration: {
        Outputs: {
          ExperimentReportS3Configuration: {
            BucketName: { Ref: Match.stringLikeRegexp('^Results') },
            Prefix: 'fis-reports/web-cpu-80/',
          },
        },
        DataSources: {
          CloudWatchDashboards: [{ DashboardIdentifier: 'arn:aws:cloudwatch::123456789012:dashboard/chaos' }],
        },
        PreExperimentDuration: 'PT10M',
        PostExperimentDuration: 'PT10M',
      },
    });
  });

  it('stays cdk-nag clean with a FIS report in a KMS-encrypted bucket', () => {
    const stack = newStack();
    const { config, experiment } = stressFault({}, { fisReports: true });
    const bucket = new s3.Bucket(stack, 'Results', { encryption: s3.BucketEncryption.KMS });

    const fault = new CpuStressFault(stack, 'Fault', {
      config,
      experiment,
      baseDir: LIBRARY_DIR,
      reportBucket: bucket,
      dashboard: { dashboardArn: 'arn:aws:cloudwatch::123456789012:dashboard/chaos' },
    });

    expect(new AwsSolutionsChecks().validateScope(fault).violations).toEqual([]);
  });

  it('asks for no FIS report by default', () => {
    const { template } = build();

    template.hasResourceProperties('AWS::FIS::ExperimentTemplate', {
      ExperimentReportConfiguration: Match.absent(),
    });
  });

  it('fails when fisReports is on but no bucket is given', () => {
    const stack = newStack();
    const { config, experiment } = stressFault({}, { fisReports: true });

    expect(() => new CpuStressFault(stack, 'Fault', { config, experiment, baseDir: LIBRARY_DIR })).toThrow(
      /fisReports is true but no reportBucket/,
    );
  });

  it('lets a function start an experiment from this template only when it tags it with the experiment name', () => {
    const { stack, fault } = build();
    const fn = testFunction(stack);

    fault.grantInject(fn);

    const template = Template.fromStack(stack);
    const templateId = Object.keys(template.findResources('AWS::FIS::ExperimentTemplate'))[0]!;
    expect(policyStatements(template, 'StarterServiceRole')).toEqual([
      {
        Action: 'fis:StartExperiment',
        Effect: 'Allow',
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':fis:eu-west-1:123456789012:experiment-template/',
              { Ref: templateId },
            ],
          ],
        },
      },
      {
        Action: ['fis:StartExperiment', 'fis:TagResource'],
        Effect: 'Allow',
        Resource: arnIn(':fis:eu-west-1:123456789012:experiment/*'),
        Condition: { StringEquals: { [`aws:RequestTag/${EXPERIMENT_TAG_KEY}`]: 'web-cpu-80' } },
      },
    ]);
  });

  it('lets a function read and stop only experiments tagged with the experiment name', () => {
    const { stack, fault } = build();
    const fn = testFunction(stack);

    fault.grantObserve(fn);
    fault.grantStop(fn);

    const tagged = { StringEquals: { [`aws:ResourceTag/${EXPERIMENT_TAG_KEY}`]: 'web-cpu-80' } };
    expect(policyStatements(Template.fromStack(stack), 'StarterServiceRole')).toEqual([
      {
        Action: ['fis:GetExperiment', 'fis:ListExperimentResolvedTargets'],
        Effect: 'Allow',
        Resource: arnIn(':fis:eu-west-1:123456789012:experiment/*'),
        Condition: tagged,
      },
      {
        Action: ['fis:StopExperiment', 'fis:GetExperiment'],
        Effect: 'Allow',
        Resource: arnIn(':fis:eu-west-1:123456789012:experiment/*'),
        Condition: tagged,
      },
      { Action: 'fis:ListExperiments', Effect: 'Allow', Resource: '*' },
    ]);
  });

  it('has no unacknowledged cdk-nag AwsSolutions findings', () => {
    const { stack } = build();

    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });
});

describe('CpuStressFault, cpuStress via SSM', () => {
  it('creates no FIS template, role or log group', () => {
    const { fault, template } = build({ via: 'ssm' });

    template.resourceCountIs('AWS::FIS::ExperimentTemplate', 0);
    template.resourceCountIs('AWS::IAM::Role', 0);
    template.resourceCountIs('AWS::Logs::LogGroup', 0);
    expect(fault.templateId).toBeUndefined();
    expect(fault.kind).toBe('cpuStress-ssm');
  });

  it('lets the start function send the document only to instances with the target tags, and list instances', () => {
    const { stack, fault } = build({ via: 'ssm' });
    const fn = testFunction(stack);

    fault.grantInject(fn);

    expect(policyStatements(Template.fromStack(stack), 'StarterServiceRole')).toEqual([
      {
        Action: 'ssm:SendCommand',
        Effect: 'Allow',
        Resource: arnIn(':ssm:eu-west-1::document/AWSFIS-Run-CPU-Stress'),
      },
      {
        Action: 'ssm:SendCommand',
        Effect: 'Allow',
        Resource: arnIn(':ec2:eu-west-1:123456789012:instance/*'),
        Condition: {
          StringEquals: { 'ssm:resourceTag/chaos-ready': 'true', 'ssm:resourceTag/app': 'sock-shop' },
        },
      },
      { Action: 'ec2:DescribeInstances', Effect: 'Allow', Resource: '*' },
    ]);
  });

  it('lets functions observe the command and cancel it', () => {
    const { stack, fault } = build({ via: 'ssm' });
    const fn = testFunction(stack);

    fault.grantObserve(fn);
    fault.grantStop(fn);

    expect(policyStatements(Template.fromStack(stack), 'StarterServiceRole')).toEqual([
      { Action: ['ssm:ListCommands', 'ssm:ListCommandInvocations'], Effect: 'Allow', Resource: '*' },
      { Action: ['ssm:CancelCommand', 'ssm:ListCommands'], Effect: 'Allow', Resource: '*' },
    ]);
  });

  it('has no cdk-nag AwsSolutions findings', () => {
    const { stack } = build({ via: 'ssm' });

    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });
});

describe('CpuStressFault, fisTemplateId', () => {
  it('creates nothing and grants StartExperiment on the existing template', () => {
    const stack = newStack();
    const { config, experiment } = configWith({ fisTemplateId: 'EXTabc123def456' });
    const fault = new CpuStressFault(stack, 'Fault', { config, experiment, baseDir: LIBRARY_DIR });
    const fn = testFunction(stack);

    fault.grantInject(fn);

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::FIS::ExperimentTemplate', 0);
    expect(fault.templateId).toBe('EXTabc123def456');
    expect(policyStatements(template, 'StarterServiceRole')).toContainEqual({
      Action: 'fis:StartExperiment',
      Effect: 'Allow',
      Resource: arnIn(':fis:eu-west-1:123456789012:experiment-template/EXTabc123def456'),
    });
  });
});

describe('CpuStressFault, fisTemplate', () => {
  function importFile(file: string, roleArn?: string) {
    const stack = newStack();
    const { config, experiment } = configWith({ fisTemplate: { file, ...(roleArn ? { roleArn } : {}) } });
    const fault = new CpuStressFault(stack, 'Fault', { config, experiment, baseDir: LIBRARY_DIR });
    return {
      stack,
      fault,
      get template() {
        return Template.fromStack(stack);
      },
    };
  }

  it('creates a role with the AWS managed FIS policy matching the template actions', () => {
    const { template } = importFile('ec2-instances-terminate-template.json');

    template.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [
        {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':iam::aws:policy/service-role/AWSFaultInjectionSimulatorEC2Access',
            ],
          ],
        },
      ],
    });
  });

  it('grants the permissions of actions no managed policy covers inline', () => {
    const { template } = importFile('sap-ebs-pause-database-data-template.json');

    expect(policyStatements(template, 'FaultExperimentRole')).toContainEqual({
      Sid: 'TemplateActions',
      Action: ['ec2:DescribeVolumes', 'ec2:PauseVolumeIO', 'tag:GetResources'],
      Effect: 'Allow',
      Resource: '*',
    });
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  it('uses the given roleArn and creates no role', () => {
    const roleArn = 'arn:aws:iam::123456789012:role/MyFisRole';

    const { template } = importFile('ec2-instances-terminate-template.json', roleArn);

    template.resourceCountIs('AWS::IAM::Role', 0);
    template.hasResourceProperties('AWS::FIS::ExperimentTemplate', { RoleArn: roleArn });
  });

  it('exposes the longest chain of action durations as templateDurationSeconds', () => {
    const { fault } = importFile('aurora-postgres-cluster-loadtest-failover-template.json');

    expect(fault.templateDurationSeconds).toBe(600);
  });

  it('has no unacknowledged cdk-nag AwsSolutions findings with a created role', () => {
    const { stack } = importFile('dynamodb-traffic-blackhole-region-impairment-template.json');

    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });

  it('lets the grant principal start it like a CPU stress template', () => {
    const { stack, fault } = importFile('ec2-spot-interruption-template.json');
    const fn = testFunction(stack);

    fault.grantInject(fn);

    const template = Template.fromStack(stack);
    const templateId = Object.keys(template.findResources('AWS::FIS::ExperimentTemplate'))[0]!;
    expect(policyStatements(template, 'StarterServiceRole')).toContainEqual({
      Action: 'fis:StartExperiment',
      Effect: 'Allow',
      Resource: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':fis:eu-west-1:123456789012:experiment-template/',
            { Ref: templateId },
          ],
        ],
      },
    });
  });
});

import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IFaultPermissions } from '../../lib/constructs/fault-permissions';
import { ExperimentWorkflow } from '../../lib/constructs/experiment-workflow';
import { GuardRails } from '../../lib/constructs/guard-rails';
import type { IResults } from '../../lib/constructs/results';
import { fisPlan, runConfigOf } from '../fixtures/workflow/plans';

function build(options: { alarmTopic?: boolean; changeCalendar?: string } = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-central-1' } });
  const publishFunction = lambda.Function.fromFunctionArn(
    stack,
    'Publish',
    'arn:aws:lambda:eu-central-1:123456789012:function:publish',
  );
  const fault: IFaultPermissions = {
    experimentName: 'web-cpu-80',
    templateId: 'EXTabc123def456',
    grantInject: (g) =>
      iam.Grant.addToPrincipal({
        grantee: g,
        actions: ['fis:StartExperiment'],
        resourceArns: ['arn:aws:fis:eu-central-1:123456789012:experiment-template/EXTabc123def456'],
      }),
    grantObserve: (g) =>
      iam.Grant.addToPrincipal({
        grantee: g,
        actions: ['fis:GetExperiment'],
        resourceArns: ['arn:aws:fis:eu-central-1:123456789012:experiment/EXP1'],
      }),
    grantStop: (g) =>
      iam.Grant.addToPrincipal({
        grantee: g,
        actions: ['fis:StopExperiment'],
        resourceArns: ['arn:aws:fis:eu-central-1:123456789012:experiment/EXP1'],
      }),
  };
  const killSwitch = ssm.StringParameter.fromStringParameterName(
    stack,
    'Kill',
    '/chaos-cadence/test/kill-switch',
  );
  const results: IResults = {
    bucket: s3.Bucket.fromBucketName(stack, 'Bucket', 'results-bucket'),
    topic: sns.Topic.fromTopicArn(stack, 'Topic', 'arn:aws:sns:eu-central-1:123456789012:results'),
    publishFunction,
    dashboardName: 'ChaosCadence-Test',
  };
  const guardRails = GuardRails.fromGuardRailsAttributes(stack, 'GuardRails', {
    killSwitch,
    changeCalendarName: options.changeCalendar ?? 'freeze',
    allowedHours: { days: ['MON'], start: '09:00', end: '16:00' },
    timeZone: 'Europe/Berlin',
  });
  const workflow = new ExperimentWorkflow(stack, 'Workflow', {
    runConfig: runConfigOf(fisPlan()),
    faults: [fault],
    results,
    guardRails,
    ...(options.alarmTopic
      ? {
          alarmTopic: sns.Topic.fromTopicArn(
            stack,
            'Alarms',
            'arn:aws:sns:eu-central-1:123456789012:results',
          ),
        }
      : {}),
  });
  return { stack, workflow, template: Template.fromStack(stack) };
}

describe('ExperimentWorkflow', () => {
  const { stack, template } = build();

  it('deploys a Standard state machine with X-Ray and ALL logging including execution data', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: true }),
      DefinitionSubstitutions: Match.objectLike({ FisTemplateId_web_cpu_80: 'EXTabc123def456' }),
    });
  });

  it('bakes the RunConfig and the computed timeout into the definition', () => {
    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0] as {
      Properties: { DefinitionString: string };
    };
    const definition = JSON.parse(machine.Properties.DefinitionString) as {
      TimeoutSeconds: number;
      States: { LoadRunConfig: { Result: { plans: Record<string, unknown> } } };
    };
    expect(Object.keys(definition.States.LoadRunConfig.Result.plans)).toEqual(['web-cpu-80']);
    expect(definition.TimeoutSeconds).toBeGreaterThan(480 + 300);
  });

  it('lets the state machine invoke exactly its functions', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'lambda:InvokeFunction',
            Resource: Match.arrayWith(['arn:aws:lambda:eu-central-1:123456789012:function:publish']),
          }),
        ]),
      },
    });
  });

  it('lets the guard rails read only the kill switch and the calendar, and list no executions', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'ssm:GetParameter', Resource: Match.anyValue() }),
          Match.objectLike({ Action: 'ssm:GetCalendarState', Resource: Match.anyValue() }),
        ]),
      },
    });
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('states:ListExecutions');
  });

  it('grants GetCalendarState on a change calendar given as an ARN as that ARN (a shared calendar)', () => {
    const arn = 'arn:aws:ssm:eu-central-1:210987654321:document/release-freeze';

    const shared = build({ changeCalendar: arn }).template;

    shared.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: 'ssm:GetCalendarState', Resource: arn })]),
      },
    });
  });

  it("lets StartFault list the run's FIS experiments and SSM commands, to refuse injecting on an unfinished fault", () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
      Properties: {
        Roles: { Ref: string }[];
        PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] };
      };
    }[];
    const startFaultActions = policies
      .filter((p) => p.Properties.Roles.some((r) => r.Ref.startsWith('WorkflowStartFault')))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]) as string[]);

    expect(startFaultActions).toEqual(expect.arrayContaining(['fis:ListExperiments', 'ssm:ListCommands']));
  });

  describe('run lock', () => {
    /** The policy statements that name the lock table, by the role they belong to. */
    function lockStatements(roleLogicalIdPrefix: string): unknown[] {
      const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
        Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: { Resource: unknown }[] } };
      }[];
      return policies
        .filter((p) => p.Properties.Roles.some((r) => r.Ref.startsWith(roleLogicalIdPrefix)))
        .flatMap((p) => p.Properties.PolicyDocument.Statement)
        .filter((st) => JSON.stringify(st.Resource).includes('WorkflowRunLock'));
    }

    it('creates an on-demand, encrypted lock table keyed by pk with TTL on expiresAt', () => {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      });
    });

    it('lets the guard rails put, get and delete the lock item, on the lock table only', () => {
      expect(lockStatements('WorkflowCheckGuardRailsRole')).toEqual([
        {
          Effect: 'Allow',
          Action: ['dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem'],
          Resource: [{ 'Fn::GetAtt': [expect.stringMatching(/^WorkflowRunLock/) as string, 'Arn'] }],
        },
      ]);
    });

    it('lets the sweep only delete the lock item', () => {
      expect(lockStatements('WorkflowSweepRole')).toEqual([
        expect.objectContaining({ Action: 'dynamodb:DeleteItem' }),
      ]);
    });

    it('passes the lock table and a lease longer than the workflow timeout to the functions', () => {
      const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0] as {
        Properties: { DefinitionString: string };
      };
      const timeout = (JSON.parse(machine.Properties.DefinitionString) as { TimeoutSeconds: number })
        .TimeoutSeconds;
      const functions = Object.values(template.findResources('AWS::Lambda::Function')) as {
        Properties: { Environment?: { Variables?: Record<string, unknown> } };
      }[];
      const variables = functions
        .map((f) => f.Properties.Environment?.Variables ?? {})
        .find((v) => 'CHAOS_RUN_LOCK_TABLE' in v);

      expect(variables?.CHAOS_RUN_LOCK_TABLE).toEqual({
        Ref: expect.stringMatching(/^WorkflowRunLock/) as string,
      });
      expect(Number(variables?.CHAOS_RUN_LOCK_SECONDS)).toBeGreaterThan(timeout);
    });
  });

  describe('sweep failures', () => {
    it('sends a failed sweep invocation to an encrypted queue', () => {
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        DestinationConfig: {
          OnSuccess: Match.anyValue(),
          OnFailure: {
            Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkflowSweepFailures'), 'Arn'] },
          },
        },
      });
      template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    });

    it('denies the failures queue to requests without TLS', () => {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });

    it('sends sweep events EventBridge could not deliver to the same queue', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        Targets: [
          Match.objectLike({
            DeadLetterConfig: {
              Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkflowSweepFailures'), 'Arn'] },
            },
          }),
        ],
      });
    });

    it('gives the sweep time for its second search two minutes after the first', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Handler: 'index.handler',
        Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkflowSweepRole'), 'Arn'] },
        Timeout: 900,
      });
    });

    it('alarms on any sweep error, notifying nobody without an alarm topic', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Errors',
        Namespace: 'AWS/Lambda',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: Match.absent(),
      });
    });

    it('notifies the alarm topic when the sweep fails', () => {
      const { template: withTopic } = build({ alarmTopic: true });

      withTopic.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Errors',
        AlarmActions: ['arn:aws:sns:eu-central-1:123456789012:results'],
      });
    });
  });

  it('sweeps executions that fail, time out or are aborted', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        source: ['aws.states'],
        detail: Match.objectLike({ status: ['FAILED', 'TIMED_OUT', 'ABORTED'] }),
      }),
    });
  });

  it('runs every function on arm64 Node.js 22 with tracing', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const own = Object.values(functions) as {
      Properties: { Architectures?: string[]; Runtime?: string; TracingConfig?: unknown };
    }[];
    expect(own.filter((f) => f.Properties.Runtime === 'nodejs22.x')).toHaveLength(8);
    for (const f of own.filter((f) => f.Properties.Runtime === 'nodejs22.x')) {
      expect(f.Properties.Architectures).toEqual(['arm64']);
      expect(f.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    }
  });

  it('has no unacknowledged cdk-nag findings', () => {
    const violations = new AwsSolutionsChecks().validateScope(stack).violations;
    expect(violations.map((v) => `${v.ruleName ?? ''} ${JSON.stringify(v)}`.slice(0, 300))).toEqual([]);
  });

  describe('abort on event', () => {
    const abortTarget = Match.objectLike({
      Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkflowAbortOnEvent'), 'Arn'] },
      DeadLetterConfig: {
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkflowAbortFailures'), 'Arn'] },
      },
    });

    it("sends this stack's stop-condition alarms entering ALARM to abort-on-event, with its own DLQ", () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.cloudwatch'],
          'detail-type': ['CloudWatch Alarm State Change'],
          detail: { alarmName: ['shop-5xx'], state: { value: ['ALARM'] } },
        },
        Targets: [abortTarget],
      });
    });

    it('sends changes of the kill-switch parameter to abort-on-event', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.ssm'],
          'detail-type': ['Parameter Store Change'],
          detail: { name: ['/chaos-cadence/test/kill-switch'] },
        },
        Targets: [abortTarget],
      });
    });

    it('alarms on any message in the abort failures queue', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Threshold: 1,
        Dimensions: [
          {
            Name: 'QueueName',
            Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkflowAbortFailures'), 'QueueName'] },
          },
        ],
      });
    });

    it('lets abort-on-event read and record on the lock item only, and the poll read it', () => {
      const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
        Properties: {
          Roles: { Ref: string }[];
          PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] };
        };
      }[];
      const lockActions = (role: string) =>
        policies
          .filter((p) => p.Properties.Roles.some((r) => r.Ref.startsWith(role)))
          .flatMap((p) => p.Properties.PolicyDocument.Statement)
          .filter((st) => JSON.stringify(st.Resource).includes('WorkflowRunLock'))
          .map((st) => st.Action);
      expect(lockActions('WorkflowAbortOnEventRole')).toEqual([['dynamodb:GetItem', 'dynamodb:UpdateItem']]);
      expect(lockActions('WorkflowPollStopConditionsRole')).toEqual(['dynamodb:GetItem']);
    });

    it("passes each experiment's stop-condition alarms to abort-on-event", () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkflowAbortOnEventRole'), 'Arn'] },
        Environment: {
          Variables: Match.objectLike({ CHAOS_STOP_CONDITIONS: '{"web-cpu-80":["shop-5xx"]}' }),
        },
      });
    });
  });
});

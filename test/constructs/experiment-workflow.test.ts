import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IFaultPermissions } from '../../lib/constructs/fault-permissions';
import { ExperimentWorkflow } from '../../lib/constructs/experiment-workflow';
import { fisPlan, runConfigOf } from '../fixtures/workflow/plans';

function build() {
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
  const workflow = new ExperimentWorkflow(stack, 'Workflow', {
    runConfig: runConfigOf(fisPlan()),
    faults: [fault],
    publishFunction,
    killSwitch,
    changeCalendar: 'freeze',
    allowedHours: { days: ['MON'], start: '09:00', end: '16:00' },
    timeZone: 'Europe/Berlin',
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

  it('lets the guard rails read only the kill switch, list this state machine and read the calendar', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'ssm:GetParameter', Resource: Match.anyValue() }),
          Match.objectLike({ Action: 'states:ListExecutions', Resource: Match.anyValue() }),
          Match.objectLike({ Action: 'ssm:GetCalendarState', Resource: Match.anyValue() }),
        ]),
      },
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
    expect(own.filter((f) => f.Properties.Runtime === 'nodejs22.x')).toHaveLength(7);
    for (const f of own.filter((f) => f.Properties.Runtime === 'nodejs22.x')) {
      expect(f.Properties.Architectures).toEqual(['arm64']);
      expect(f.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    }
  });

  it('has no unacknowledged cdk-nag findings', () => {
    const violations = new AwsSolutionsChecks().validateScope(stack).violations;
    expect(violations.map((v) => `${v.ruleName ?? ''} ${JSON.stringify(v)}`.slice(0, 300))).toEqual([]);
  });
});

import type { DeploymentModel, NamedPolicy } from './deployment';
import { evaluate, type IamRequest, type RequestPrincipal } from './evaluate';
import type { PolicyDocument } from './template-model';

/**
 * The deliveries AWS services make for the stack, found in the template itself (every alarm action,
 * rule target and dead-letter queue, schedule target, destination, state machine task, FIS template,
 * function log group), each as the IAM requests the service makes: as its service principal under the
 * resource's policy, or in a session of the role it was given (after assuming it under the role's
 * trust policy).
 */

/** One authorization a delivery needs. */
export interface DeliveryRequest {
  /** `alarm X -> topic Y (kms:GenerateDataKey)`: what is delivered where. */
  readonly path: string;
  readonly principal: RequestPrincipal;
  readonly request: IamRequest;
  readonly identityPolicies: readonly NamedPolicy[];
  readonly resourcePolicy?: PolicyDocument;
}

/** The result of one delivery request. */
export interface EvaluatedDelivery extends DeliveryRequest {
  readonly allowed: boolean;
  readonly result: string;
}

const asArray = <T>(value: T | readonly T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? [...(value as T[])] : [value as T];

const serviceOfArn = (arn: string): string => arn.split(':')[2] ?? '';

/** The deliveries of a synthesized stack. */
export function deliveryRequests(model: DeploymentModel): DeliveryRequest[] {
  const t = model.template;
  const { account, region, partition } = t.identity;
  const requests: DeliveryRequest[] = [];
  const roleIdOfArn = (arn: string): string | undefined =>
    t.idsOfType('AWS::IAM::Role').find((id) => t.attribute(id, 'Arn') === arn);

  /** `service` delivers to `target` as itself: the target's resource policy decides (and its key's). */
  const asService = (path: string, service: string, target: string, action: string, source: string): void => {
    const context = { 'aws:SourceAccount': account, 'aws:SourceArn': source };
    const principal: RequestPrincipal = { kind: 'service', service };
    const resourcePolicy = model.resourcePolicyFor(target);
    requests.push({
      path,
      principal,
      request: { action, resource: target, context },
      identityPolicies: [],
      ...(resourcePolicy ? { resourcePolicy } : {}),
    });
    const key = model.encryptionKeyOf(target);
    if (key) {
      const keyPolicy = model.resourcePolicyFor(key);
      for (const kmsAction of ['kms:GenerateDataKey', 'kms:Decrypt']) {
        requests.push({
          path: `${path} (${kmsAction})`,
          principal,
          request: { action: kmsAction, resource: key, context },
          identityPolicies: [],
          ...(keyPolicy ? { resourcePolicy: keyPolicy } : {}),
        });
      }
    }
  };

  /** `service` assumes `roleArn` (trust policy), then makes `calls` in that session (identity + resource policies). */
  const asRole = (
    path: string,
    service: string,
    roleArn: string,
    source: string,
    calls: IamRequest[],
  ): void => {
    const roleId = roleIdOfArn(roleArn);
    if (!roleId) throw new Error(`${path}: role ${roleArn} is not in the template`);
    requests.push({
      path: `${path} (sts:AssumeRole)`,
      principal: { kind: 'service', service },
      request: {
        action: 'sts:AssumeRole',
        resource: roleArn,
        context: { 'aws:SourceAccount': account, 'aws:SourceArn': source },
      },
      identityPolicies: [],
      resourcePolicy: model.trustPolicy(roleId),
    });
    const identityPolicies = model.identityPolicies(roleId);
    for (const request of calls) {
      const resourcePolicy = model.resourcePolicyFor(request.resource);
      requests.push({
        path: `${path} (${request.action})`,
        principal: { kind: 'role', roleArn, sessionName: service.split('.')[0] ?? service },
        request,
        identityPolicies,
        ...(resourcePolicy ? { resourcePolicy } : {}),
      });
      const key = request.action === 's3:PutObject' ? model.encryptionKeyOf(request.resource) : undefined;
      if (key) {
        const keyPolicy = model.resourcePolicyFor(key);
        requests.push({
          path: `${path} (kms:GenerateDataKey)`,
          principal: { kind: 'role', roleArn, sessionName: service.split('.')[0] ?? service },
          request: {
            action: 'kms:GenerateDataKey',
            resource: key,
            context: { 'kms:ViaService': `s3.${region}.amazonaws.com`, 'kms:CallerAccount': account },
          },
          identityPolicies,
          ...(keyPolicy ? { resourcePolicy: keyPolicy } : {}),
        });
      }
    }
  };

  // CloudWatch alarm -> SNS topic (and the topic's KMS key).
  for (const id of t.idsOfType('AWS::CloudWatch::Alarm')) {
    const alarmArn = t.attribute(id, 'Arn');
    for (const action of asArray(t.properties(id).AlarmActions as string[])) {
      if (serviceOfArn(action) !== 'sns') continue;
      asService(`alarm ${id} -> topic`, 'cloudwatch.amazonaws.com', action, 'sns:Publish', alarmArn);
    }
  }

  // EventBridge rule -> target (Lambda, SQS) and its dead-letter queue.
  for (const id of t.idsOfType('AWS::Events::Rule')) {
    const ruleArn = t.attribute(id, 'Arn');
    const targets = asArray(
      t.properties(id).Targets as { Arn: string; RoleArn?: string; DeadLetterConfig?: { Arn: string } }[],
    );
    for (const target of targets) {
      const service = serviceOfArn(target.Arn);
      if (target.RoleArn) throw new Error(`rule ${id}: role-based targets are not described here yet`);
      if (service === 'lambda') {
        asService(
          `rule ${id} -> function`,
          'events.amazonaws.com',
          target.Arn,
          'lambda:InvokeFunction',
          ruleArn,
        );
      } else if (service === 'sqs') {
        asService(`rule ${id} -> queue`, 'events.amazonaws.com', target.Arn, 'sqs:SendMessage', ruleArn);
      } else {
        throw new Error(`rule ${id}: no delivery described for a ${service} target`);
      }
      if (target.DeadLetterConfig) {
        const dlq = target.DeadLetterConfig.Arn;
        asService(`rule ${id} -> dead-letter queue`, 'events.amazonaws.com', dlq, 'sqs:SendMessage', ruleArn);
      }
    }
  }

  // EventBridge Scheduler -> its target (Step Functions, the heads-up Lambda) and dead-letter queue, through its role.
  for (const id of t.idsOfType('AWS::Scheduler::Schedule')) {
    const props = t.properties(id);
    const target = props.Target as { Arn: string; RoleArn: string; DeadLetterConfig?: { Arn: string } };
    const group = typeof props.GroupName === 'string' ? props.GroupName : 'default';
    const source = `arn:${partition}:scheduler:${region}:${account}:schedule-group/${group}`;
    const calls: IamRequest[] = [];
    if (serviceOfArn(target.Arn) === 'states')
      calls.push({ action: 'states:StartExecution', resource: target.Arn });
    else if (serviceOfArn(target.Arn) === 'lambda')
      calls.push({ action: 'lambda:InvokeFunction', resource: target.Arn });
    else throw new Error(`schedule ${id}: no delivery described for target ${target.Arn}`);
    if (target.DeadLetterConfig)
      calls.push({ action: 'sqs:SendMessage', resource: target.DeadLetterConfig.Arn });
    asRole(`schedule ${id}`, 'scheduler.amazonaws.com', target.RoleArn, source, calls);
  }

  // Lambda asynchronous invocation destinations, through the function's own role.
  for (const id of t.idsOfType('AWS::Lambda::EventInvokeConfig')) {
    const props = t.properties(id);
    const fn = model.functions().find((f) => f.name === props.FunctionName || f.arn === props.FunctionName);
    if (!fn)
      throw new Error(`invoke config ${id}: function ${String(props.FunctionName)} is not in the template`);
    const config = props.DestinationConfig as Record<string, { Destination: string } | undefined> | undefined;
    const identityPolicies = model.identityPolicies(fn.roleLogicalId);
    for (const [kind, destination] of Object.entries(config ?? {})) {
      if (!destination) continue;
      const arn = destination.Destination;
      const action = {
        sqs: 'sqs:SendMessage',
        events: 'events:PutEvents',
        lambda: 'lambda:InvokeFunction',
        sns: 'sns:Publish',
      }[serviceOfArn(arn)];
      if (!action) throw new Error(`invoke config ${id}: no delivery described for ${arn}`);
      const resourcePolicy = model.resourcePolicyFor(arn);
      requests.push({
        path: `function ${fn.logicalId} ${kind} -> ${serviceOfArn(arn)} (${action})`,
        principal: { kind: 'role', roleArn: fn.roleArn, sessionName: fn.name },
        request: { action, resource: arn },
        identityPolicies,
        ...(resourcePolicy ? { resourcePolicy } : {}),
      });
    }
  }

  // Step Functions -> every function of the definition, and its log delivery.
  for (const id of t.idsOfType('AWS::StepFunctions::StateMachine')) {
    const props = t.properties(id);
    const functionArns = Object.values(
      (props.DefinitionSubstitutions ?? {}) as Record<string, string>,
    ).filter((value) => serviceOfArn(value) === 'lambda');
    const calls: IamRequest[] = functionArns.map((resource) => ({
      action: 'lambda:InvokeFunction',
      resource,
    }));
    for (const action of [
      'logs:CreateLogDelivery',
      'logs:PutResourcePolicy',
      'logs:DescribeResourcePolicies',
      'logs:DescribeLogGroups',
    ]) {
      if (props.LoggingConfiguration) calls.push({ action, resource: '*' });
    }
    if ((props.TracingConfiguration as { Enabled?: boolean } | undefined)?.Enabled) {
      calls.push({ action: 'xray:PutTraceSegments', resource: '*' });
    }
    const stateMachineArn = t.ref(id);
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:run-1`;
    asRole(`state machine ${id}`, 'states.amazonaws.com', String(props.RoleArn), executionArn, calls);
  }

  // FIS -> the experiment role: its actions' targets, its log group, its report bucket.
  for (const id of t.idsOfType('AWS::FIS::ExperimentTemplate')) {
    const props = t.properties(id);
    const experimentArn = `arn:${partition}:fis:${region}:${account}:experiment/EXPdelivery0001`;
    const calls: IamRequest[] = [];
    if (props.LogConfiguration) {
      for (const action of [
        'logs:CreateLogDelivery',
        'logs:PutResourcePolicy',
        'logs:DescribeResourcePolicies',
        'logs:DescribeLogGroups',
      ]) {
        calls.push({ action, resource: '*' });
      }
    }
    const report = (
      props.ExperimentReportConfiguration as
        | { Outputs?: { ExperimentReportS3Configuration?: { BucketName: string; Prefix?: string } } }
        | undefined
    )?.Outputs?.ExperimentReportS3Configuration;
    if (report) {
      calls.push({
        action: 's3:PutObject',
        resource: `arn:${partition}:s3:::${report.BucketName}/${report.Prefix ?? ''}EXPdelivery0001/report.pdf`,
      });
    }
    const targets = (props.Targets ?? {}) as Record<
      string,
      { ResourceType: string; ResourceTags?: Record<string, string> }
    >;
    for (const action of Object.values(
      (props.Actions ?? {}) as Record<
        string,
        { ActionId: string; Parameters?: Record<string, string>; Targets?: Record<string, string> }
      >,
    )) {
      if (action.ActionId !== 'aws:ssm:send-command') continue;
      const documentArn = action.Parameters?.documentArn ?? '';
      calls.push({ action: 'ssm:SendCommand', resource: documentArn });
      for (const targetName of Object.values(action.Targets ?? {})) {
        const tags = targets[targetName]?.ResourceTags ?? {};
        calls.push({
          action: 'ssm:SendCommand',
          resource: `arn:${partition}:ec2:${region}:${account}:instance/i-0delivery00000001`,
          context: {
            ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v])),
            ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`ssm:resourceTag/${k}`, v])),
          },
        });
      }
      for (const read of ['ssm:ListCommands', 'ssm:CancelCommand', 'ec2:DescribeInstances'])
        calls.push({ action: read, resource: '*' });
    }
    asRole(`FIS template ${id}`, 'fis.amazonaws.com', String(props.RoleArn), experimentArn, calls);
  }

  // Lambda -> its own log group, through the function's role.
  for (const fn of model.functions()) {
    const props = t.properties(fn.logicalId);
    const logGroup =
      (props.LoggingConfig as { LogGroup?: string } | undefined)?.LogGroup ?? `/aws/lambda/${fn.name}`;
    const stream = `arn:${partition}:logs:${region}:${account}:log-group:${logGroup}:log-stream:2026/12/01/[$LATEST]0001`;
    asRole(`function ${fn.logicalId} logs`, 'lambda.amazonaws.com', fn.roleArn, fn.arn, [
      { action: 'logs:CreateLogStream', resource: stream },
      { action: 'logs:PutLogEvents', resource: stream },
    ]);
  }
  return requests;
}

/** Evaluates every delivery request. */
export async function evaluateDeliveries(
  requests: readonly DeliveryRequest[],
  account: string,
): Promise<EvaluatedDelivery[]> {
  const evaluated: EvaluatedDelivery[] = [];
  for (const delivery of requests) {
    const decision = await evaluate({
      principal: delivery.principal,
      request: delivery.request,
      identityPolicies: delivery.identityPolicies,
      ...(delivery.resourcePolicy ? { resourcePolicy: delivery.resourcePolicy } : {}),
      account,
    });
    evaluated.push({ ...delivery, allowed: decision.allowed, result: decision.result });
  }
  return evaluated;
}

import * as autoScalingSdk from '@aws-sdk/client-auto-scaling';
import * as cloudWatchSdk from '@aws-sdk/client-cloudwatch';
import * as dynamodbSdk from '@aws-sdk/client-dynamodb';
import * as ec2Sdk from '@aws-sdk/client-ec2';
import * as fisSdk from '@aws-sdk/client-fis';
import * as iamSdk from '@aws-sdk/client-iam';
import * as s3Sdk from '@aws-sdk/client-s3';
import * as schedulerSdk from '@aws-sdk/client-scheduler';
import * as quotasSdk from '@aws-sdk/client-service-quotas';
import * as sfnSdk from '@aws-sdk/client-sfn';
import * as snsSdk from '@aws-sdk/client-sns';
import * as ssmSdk from '@aws-sdk/client-ssm';
import { THROTTLING_ERROR_NAMES, TRANSIENT_ERROR_NAMES } from '../../../lambdas/shared/errors';
import { SIMULATED_SERVICES } from '../scenario';

/**
 * An SDK service the account answers, by IAM action prefix: the scenario's services plus `dynamodb`
 * (the run lock table, which scenarios do not describe: it starts empty, or held by `other-run-1` when
 * the scenario has `runningExecutions`).
 */
export type SimulatedSdkService =
  | (typeof SIMULATED_SERVICES)[number]
  | 'dynamodb'
  // Read by the preflight only (scheduler.ts, iam.ts, service-quotas.ts).
  | 'scheduler'
  | 'iam'
  | 'servicequotas';

interface ServiceModule {
  readonly base: new (options: {
    name: string;
    $fault: 'client' | 'server';
    $metadata: object;
    message?: string;
  }) => Error;
  readonly exports: Record<string, unknown>;
}

const SERVICE_MODULES: Record<SimulatedSdkService, ServiceModule> = {
  fis: { base: fisSdk.FisServiceException, exports: fisSdk },
  ssm: { base: ssmSdk.SSMServiceException, exports: ssmSdk },
  cloudwatch: { base: cloudWatchSdk.CloudWatchServiceException, exports: cloudWatchSdk },
  autoscaling: { base: autoScalingSdk.AutoScalingServiceException, exports: autoScalingSdk },
  ec2: { base: ec2Sdk.EC2ServiceException, exports: ec2Sdk },
  states: { base: sfnSdk.SFNServiceException, exports: sfnSdk },
  s3: { base: s3Sdk.S3ServiceException, exports: s3Sdk },
  sns: { base: snsSdk.SNSServiceException, exports: snsSdk },
  dynamodb: { base: dynamodbSdk.DynamoDBServiceException, exports: dynamodbSdk },
  scheduler: { base: schedulerSdk.SchedulerServiceException, exports: schedulerSdk },
  iam: { base: iamSdk.IAMServiceException, exports: iamSdk },
  servicequotas: { base: quotasSdk.ServiceQuotasServiceException, exports: quotasSdk },
};

/**
 * Builds an error the way the SDK would throw it: the service's own exception class when it models
 * that error (so `instanceof ParameterNotFound` works), else the service's base exception with the
 * name; with `$metadata`, `$fault` and `$retryable` for throttling. Which names are throttling and
 * which are server errors is what the Lambdas' `classifyAwsError` says (lambdas/shared/errors.ts).
 */
export function serviceError(
  service: SimulatedSdkService,
  name: string,
  message = `${name} (simulated)`,
  requestId = 'rehearsal-request',
): Error {
  const module = SERVICE_MODULES[service];
  const throttling = THROTTLING_ERROR_NAMES.has(name);
  const server = TRANSIENT_ERROR_NAMES.has(name);
  const $metadata = {
    httpStatusCode: throttling ? 400 : server ? 500 : name.includes('NotFound') ? 404 : 400,
    requestId,
    attempts: 1,
    totalRetryDelay: 0,
  };
  const candidate = module.exports[name];
  let error: Error;
  if (typeof candidate === 'function' && candidate.prototype instanceof module.base) {
    const Modeled = candidate as new (options: { message: string; $metadata: object }) => Error;
    error = new Modeled({ message, $metadata });
  } else {
    error = new module.base({ name, $fault: server ? 'server' : 'client', $metadata, message });
  }
  if (throttling) Object.assign(error, { $retryable: { throttling: true } });
  else if (server) Object.assign(error, { $retryable: {} });
  return error;
}

/**
 * The error AWS's JSON-protocol services answer when a request breaks a constraint of the model, with
 * the message they use, e.g. `1 validation error detected: Value '[...]' at 'instanceIds' failed to
 * satisfy constraint: Member must have length less than or equal to 50`.
 */
export function validationError(
  service: SimulatedSdkService,
  value: unknown,
  member: string,
  constraint: string,
): Error {
  const shown = Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
  return serviceError(
    service,
    'ValidationException',
    `1 validation error detected: Value '${shown}' at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}

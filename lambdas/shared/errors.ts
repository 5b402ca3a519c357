/**
 * Typed errors the workflow's Retry and Catch rules match by name (`ThrottledError`, `TransientError`
 * are retried with backoff; anything else goes to the Catch that stops the fault).
 */

import { ERROR_NAMES } from './error-names';

/** An AWS API throttled us; the state machine retries with backoff. */
export class ThrottledError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = ERROR_NAMES.throttled;
  }
}

/** A transient failure (5xx, network); the state machine retries with backoff. */
export class TransientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = ERROR_NAMES.transient;
  }
}

/** An AWS call failed for a reason retrying will not fix (access denied, validation...). */
export class AwsCallError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = ERROR_NAMES.awsCall;
  }
}

/** SDK error names that mean throttling (the simulated account throws these as throttling too). */
export const THROTTLING_ERROR_NAMES: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
]);

/** SDK error (and Node network error) names of transient server-side failures. */
export const TRANSIENT_ERROR_NAMES: ReadonlySet<string> = new Set([
  'InternalServerError',
  'InternalServerException',
  'InternalFailure',
  'InternalError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
]);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/**
 * Wraps an AWS SDK error into {@link ThrottledError}, {@link TransientError} or {@link AwsCallError}
 * (cause kept), so the ASL's Retry rules can tell them apart. `what` names the call, e.g.
 * `fis:StartExperiment`.
 */
export function classifyAwsError(error: unknown, what: string): Error {
  if (error instanceof ThrottledError || error instanceof TransientError || error instanceof AwsCallError) {
    return error;
  }
  const shape = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const name = typeof shape.name === 'string' ? shape.name : 'Error';
  const code = typeof shape.code === 'string' ? shape.code : '';
  const status = typeof shape.$metadata?.httpStatusCode === 'number' ? shape.$metadata.httpStatusCode : 0;
  const message = `${what} failed: ${name}: ${error instanceof Error ? error.message : String(error)}`;
  if (THROTTLING_ERROR_NAMES.has(name) || status === 429)
    return new ThrottledError(message, { cause: error });
  if (
    TRANSIENT_ERROR_NAMES.has(name) ||
    TRANSIENT_ERROR_NAMES.has(code) ||
    shape.$fault === 'server' ||
    status >= 500
  ) {
    return new TransientError(message, { cause: error });
  }
  return new AwsCallError(message, { cause: error });
}

/** Runs one AWS call and rethrows its failure classified (see {@link classifyAwsError}). */
export async function awsCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw classifyAwsError(error, what);
  }
}

/** The name of an SDK error (e.g. `ParameterNotFound`), read from a classified error's cause too. */
export function awsErrorName(error: unknown): string | undefined {
  const own = error instanceof Error ? error.name : undefined;
  const cause = error instanceof Error ? (error.cause as { name?: unknown } | undefined) : undefined;
  if (cause && typeof cause.name === 'string') return cause.name;
  return own;
}

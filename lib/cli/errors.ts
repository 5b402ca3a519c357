import { ConfigError } from '../config/errors';
import type { OutcomeExitCode } from './commands/run-exit-codes';

/** Exit codes scripts can rely on. */
export const ExitCode = {
  /** The operation succeeded (`run --wait` and `rehearse`: every experiment passed; see OUTCOME_EXIT_CODES). */
  Ok: 0,
  /** The operation failed: AWS said no, the execution failed, nothing found where expected. */
  Failed: 1,
  /** Bad usage or a bad config/scenario file. */
  Usage: 2,
} as const;

/** One of {@link ExitCode}'s values, or an outcome's code from `run --wait` / `rehearse` (commands/run-exit-codes.ts). */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode] | OutcomeExitCode;

/** A failure the CLI explains in one line, with a hint, and an exit code. */
export class CliError extends Error {
  /** What to try next, appended to the message. */
  readonly hint: string | undefined;
  /** The exit code for this failure. */
  readonly exitCode: ExitCodeValue;

  constructor(message: string, options: { hint?: string; exitCode?: ExitCodeValue; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'CliError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? ExitCode.Failed;
  }
}

/** The command line itself is wrong (a bad value, an unknown experiment name): exit 2. */
export class UsageError extends CliError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { ...options, exitCode: ExitCode.Usage });
    this.name = 'UsageError';
  }
}

/** The CloudFormation stack does not exist in the account and region used. */
export class StackNotFoundError extends CliError {
  constructor(stackName: string, region: string | undefined, cause?: unknown) {
    super(`stack ${stackName} not found${region ? ` in ${region}` : ''}`, {
      hint: 'deploy it with `npx cdk deploy`, or pass --stack <name> / --region <region>',
      cause,
    });
    this.name = 'StackNotFoundError';
  }
}

/** The stack exists but lacks an output the CLI needs (an older deployment). */
export class MissingOutputError extends CliError {
  constructor(stackName: string, outputKey: string) {
    super(`stack ${stackName} has no output ${outputKey}`, {
      hint: 'redeploy the current version with `npx cdk deploy`',
    });
    this.name = 'MissingOutputError';
  }
}

/** The error's `name`, for SDK errors that are plain objects after mocking or wrapping. */
function errorName(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'name' in error) {
    const name = error.name;
    if (typeof name === 'string') return name;
  }
  return '';
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) {
    return String(error.message);
  }
  return String(error);
}

function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const metadata = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  return metadata?.httpStatusCode;
}

/** The first line of a message, without a trailing period. */
export function firstLine(text: string): string {
  return (text.split('\n')[0] ?? text).trim().replace(/\.$/, '');
}

/**
 * Turns an AWS SDK error into a {@link CliError} with a hint, when it is one the user can act on:
 * no credentials, expired credentials, no region, access denied, throttling. Other errors are returned
 * unchanged.
 */
export function explainAwsError(error: unknown): unknown {
  if (error instanceof CliError) return error;
  const name = errorName(error);
  const message = errorMessage(error);
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return new CliError('no AWS credentials found', {
      hint: 'set AWS_PROFILE (after `aws sso login`) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
      cause: error,
    });
  }
  if (/^(ExpiredToken|ExpiredTokenException|TokenRefreshRequired)$/.test(name)) {
    return new CliError('the AWS credentials have expired', {
      hint: 'refresh them (e.g. `aws sso login`) and try again',
      cause: error,
    });
  }
  if (/region is missing/i.test(message)) {
    return new CliError('no AWS region configured', {
      hint: 'pass --region <region> or set AWS_REGION',
      cause: error,
    });
  }
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/.test(name) || httpStatus(error) === 403) {
    return new CliError(`access denied: ${firstLine(message)}`, {
      hint: 'use credentials allowed to operate the chaos-cadence stack (see README, "Permissions")',
      cause: error,
    });
  }
  if (/Throttl|TooManyRequests/.test(name)) {
    return new CliError(`AWS throttled the request: ${firstLine(message)}`, {
      hint: 'wait a moment and try again',
      cause: error,
    });
  }
  return error;
}

/** What the CLI prints for an error and the exit code it ends with. */
export interface ErrorReport {
  /** The text for stderr: one line, except for a config's problem list. */
  readonly text: string;
  readonly exitCode: ExitCodeValue;
}

/**
 * Describes any error for stderr: one line with a hint for a {@link CliError}, the problem list for
 * a {@link ConfigError} (exit 2), `error: <name>: <message>` otherwise (exit 1). Never a stack trace.
 */
export function reportError(error: unknown): ErrorReport {
  const explained = explainAwsError(error);
  if (explained instanceof ConfigError) return { text: explained.message, exitCode: ExitCode.Usage };
  if (explained instanceof CliError) {
    const hint = explained.hint ? ` (hint: ${explained.hint})` : '';
    return { text: `error: ${firstLine(explained.message)}${hint}`, exitCode: explained.exitCode };
  }
  const name = errorName(explained);
  const prefix = name && name !== 'Error' ? `${name}: ` : '';
  return { text: `error: ${prefix}${firstLine(errorMessage(explained))}`, exitCode: ExitCode.Failed };
}

import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';

/** Reads a required environment variable; throws a clear error naming it when missing. */
export function requiredEnv(key: string): string {
  return getStringFromEnv({ key, errorMessage: `environment variable ${key} is not set` });
}

/** Reads an optional environment variable; `undefined` when missing or empty. */
export function optionalEnv(key: string): string | undefined {
  const value = process.env[key];
  return value === undefined || value === '' ? undefined : value;
}

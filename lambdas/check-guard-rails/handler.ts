import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { lambdaRuntime } from '../shared/clients';
import { logger } from '../shared/logger';
import type { GuardRailsResult } from '../shared/types';
import { checkGuardRails, type CheckGuardRailsInput } from './check-guard-rails';
import {
  isReleaseRunLock,
  releaseRunLock,
  type ReleaseRunLockInput,
  type ReleaseRunLockResult,
} from './run-lock';

/** What the function receives: the CheckGuardRails state's input, or ReleaseRunLock's (`mode: 'release'`). */
export type GuardRailsEvent = CheckGuardRailsInput | ReleaseRunLockInput;

/**
 * CheckGuardRails (kill switch, run lock, change calendar, allowed hours) and, with `mode: 'release'`,
 * ReleaseRunLock (frees the run lock if this run holds it).
 */
export const handler = middy<GuardRailsEvent, GuardRailsResult | ReleaseRunLockResult>()
  .use(injectLambdaContext(logger, { clearState: true }))
  .handler(async (event) => {
    if (!isReleaseRunLock(event)) return checkGuardRails(event, lambdaRuntime());
    const result = await releaseRunLock(event.run.runId, lambdaRuntime());
    logger.info('run lock release', { runId: event.run.runId, ...result });
    return result;
  });

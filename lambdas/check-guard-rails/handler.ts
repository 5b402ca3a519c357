import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { lambdaRuntime } from '../shared/clients';
import { logger } from '../shared/logger';
import type { GuardRailsResult } from '../shared/types';
import { checkGuardRails, type CheckGuardRailsInput } from './check-guard-rails';

/** CheckGuardRails: kill switch, single run, change calendar, allowed hours. */
export const handler = middy<CheckGuardRailsInput, GuardRailsResult>()
  .use(injectLambdaContext(logger, { clearState: true }))
  .handler((event) => checkGuardRails(event, lambdaRuntime()));

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { lambdaRuntime } from '../shared/clients';
import { logger } from '../shared/logger';
import type { StopResult } from '../shared/types';
import { stopFault, type StopFaultInput } from './stop-fault';

/** StopFault (and its after-error variants): stop idempotently and confirm. */
export const handler = middy<StopFaultInput, StopResult>()
  .use(injectLambdaContext(logger, { clearState: true }))
  .handler((event) => stopFault(event, lambdaRuntime()));

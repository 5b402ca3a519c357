import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { lambdaRuntime } from '../shared/clients';
import { logger } from '../shared/logger';
import type { SteadyStateCheck } from '../shared/types';
import { checkSteadyState, type CheckSteadyStateInput, type RecoveryProgress } from './check-steady-state';

/** CheckSteadyStateBefore / CheckSteadyStateAfter: the probes, concurrently. */
export const handler = middy<CheckSteadyStateInput, SteadyStateCheck | RecoveryProgress>()
  .use(injectLambdaContext(logger, { clearState: true }))
  .handler((event) => checkSteadyState(event, lambdaRuntime()));

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { lambdaRuntime } from '../shared/clients';
import { logger } from '../shared/logger';
import type { FaultRef } from '../shared/types';
import { startFault, type StartFaultInput } from './start-fault';

/** StartFault: FIS StartExperiment or SSM SendCommand. */
export const handler = middy<StartFaultInput, FaultRef>()
  .use(injectLambdaContext(logger, { clearState: true }))
  .handler((event) => startFault(event, lambdaRuntime()));

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { lambdaRuntime } from '../shared/clients';
import { logger } from '../shared/logger';
import type { PublishInput } from '../shared/types';
import { sweepRun, type ExecutionStatusChangeEvent } from './sweep';

/**
 * The backstop sweep, invoked asynchronously by EventBridge when an execution ends FAILED, TIMED_OUT
 * or ABORTED (it searches twice, about two minutes apart: the function's timeout allows for it). Its return value (a PublishInput) goes to the publish-results function through the
 * function's on-success destination.
 */
export const handler = middy<ExecutionStatusChangeEvent, PublishInput>()
  .use(injectLambdaContext(logger, { clearState: true }))
  .handler(async (event) => {
    const outcome = await sweepRun(event, lambdaRuntime());
    logger.info('sweep done', {
      runId: event.detail.name,
      status: event.detail.status,
      stopped: outcome.stopped,
      stoppedLate: outcome.stoppedLate,
      runLock: outcome.runLock.detail,
    });
    return outcome.publish;
  });

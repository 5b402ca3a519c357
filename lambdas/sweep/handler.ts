import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { lambdaRuntime } from '../shared/clients';
import { logger } from '../shared/logger';
import type { PublishInput } from '../shared/types';
import {
  parseFaultServices,
  SECOND_SEARCH_AFTER_SECONDS,
  SWEEP_FAULT_SERVICES_ENV,
  sweepRun,
  type ExecutionStatusChangeEvent,
} from './sweep';

/**
 * Seconds between the sweep's two searches (`CHAOS_SWEEP_SECOND_SEARCH_SECONDS`, default 120): long
 * enough for a StartFault still in flight when the execution ended to have injected.
 */
const secondSearchAfterSeconds = Number(
  process.env.CHAOS_SWEEP_SECOND_SEARCH_SECONDS ?? String(SECOND_SEARCH_AFTER_SECONDS),
);

/** The services the stack's faults run through (set by the stack). */
const faultServices = parseFaultServices(process.env[SWEEP_FAULT_SERVICES_ENV]);

/**
 * The backstop sweep, invoked asynchronously by EventBridge when an execution ends FAILED, TIMED_OUT
 * or ABORTED (it searches twice, about two minutes apart: the function's timeout allows for it). Its
 * return value (a PublishInput) goes to the publish-results function through the function's
 * on-success destination.
 */
export const handler = middy<ExecutionStatusChangeEvent, PublishInput>()
  .use(injectLambdaContext(logger, { clearState: true }))
  .handler(async (event) => {
    const outcome = await sweepRun(event, lambdaRuntime(), { secondSearchAfterSeconds, faultServices });
    logger.info('sweep done', {
      runId: event.detail.name,
      status: event.detail.status,
      stopped: outcome.stopped,
      stoppedLate: outcome.stoppedLate,
      runLock: outcome.runLock.detail,
    });
    return outcome.publish;
  });

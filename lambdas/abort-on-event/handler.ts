import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { lambdaRuntime } from '../shared/clients';
import { requiredEnv } from '../shared/env';
import { logger } from '../shared/logger';
import {
  abortOnEvent,
  parseStopConditions,
  STOP_CONDITIONS_ENV,
  type AbortEvent,
  type AbortOutcome,
} from './abort-on-event';

/** The stop-condition alarms of each experiment (`CHAOS_STOP_CONDITIONS`, JSON), read once at load. */
const stopConditions = parseStopConditions(requiredEnv(STOP_CONDITIONS_ENV));

/** Invoked by EventBridge (alarm ALARM, kill-switch change): stops the running fault(s) of the run now. */
export const handler = middy<AbortEvent, AbortOutcome>()
  .use(injectLambdaContext(logger, { clearState: true }))
  .handler(async (event) => {
    const outcome = await abortOnEvent(event, lambdaRuntime(), { stopConditions });
    logger.info('abort-on-event', { action: outcome.action, detail: outcome.detail, faults: outcome.faults });
    return outcome;
  });

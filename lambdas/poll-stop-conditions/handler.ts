import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { lambdaRuntime } from '../shared/clients';
import { logger } from '../shared/logger';
import type { PollResult } from '../shared/types';
import { pollStopConditions, type PollInput } from './poll-stop-conditions';

/** PollStopConditions: a batch of polls (alarms, fault state, kill switch, time). */
export const handler = middy<PollInput, PollResult>()
  .use(injectLambdaContext(logger, { clearState: true }))
  .handler((event) => pollStopConditions(event, lambdaRuntime()));

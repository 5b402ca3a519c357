import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../shared/logger';
import type { TravellingResult } from '../shared/types';
import {
  guardRailsFailed,
  verdictState,
  type GuardRailsFailedInput,
  type GuardRailsFailedOutput,
  type VerdictInput,
} from './verdict';

/**
 * Verdict: outcome, impact, conclusions, timings (pure: needs only the clock). Also the
 * GuardRailsFailed state (`kind: 'guard-rails-failed'`): failed results when the guard rails could
 * not be checked.
 */
export const handler = middy<
  VerdictInput | GuardRailsFailedInput,
  TravellingResult | GuardRailsFailedOutput
>()
  .use(injectLambdaContext(logger, { clearState: true }))
  .handler((event) => {
    const clock = { now: () => new Date() };
    return Promise.resolve(
      'kind' in event && event.kind === 'guard-rails-failed'
        ? guardRailsFailed(event, clock)
        : verdictState(event as VerdictInput, clock),
    );
  });

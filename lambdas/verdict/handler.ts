import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../shared/logger';
import type { ExperimentResult } from '../shared/types';
import { verdict, type VerdictInput } from './verdict';

/** Verdict: outcome, impact, conclusions, timings (pure: needs only the clock). */
export const handler = middy<VerdictInput, ExperimentResult>()
  .use(injectLambdaContext(logger, { clearState: true }))
  .handler((event) => Promise.resolve(verdict(event, { now: () => new Date() })));

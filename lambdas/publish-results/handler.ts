/**
 * PublishResults Lambda: Middy wiring only. The core is {@link publishResults}.
 * Environment: CHAOS_RESULTS_BUCKET, CHAOS_TOPIC_ARN, CHAOS_DASHBOARD_NAME, CHAOS_ACCOUNT,
 * CHAOS_PARTITION (the same names as lambdas/shared/settings.ts), AWS_REGION (set by Lambda).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import middy from '@middy/core';
import type { PublishInput, PublishOutput } from '../shared/types';
import { parseCadencePeriods, PUBLISH_ENV } from './env';
import { createClients } from '../shared/clients';
import { publishResults, type PublishRuntime } from './publish-results';

const logger = new Logger({ serviceName: 'chaos-cadence' });

function env(key: string): string {
  return getStringFromEnv({ key, errorMessage: `environment variable ${key} is not set` });
}

/** Reads the settings and builds the clients once per container. */
export function createPublishRuntime(): PublishRuntime {
  const region = env('AWS_REGION');
  return {
    clients: createClients(region),
    settings: {
      region,
      resultsBucket: env(PUBLISH_ENV.resultsBucket),
      topicArn: env(PUBLISH_ENV.topicArn),
      dashboardName: env(PUBLISH_ENV.dashboardName),
      account: env(PUBLISH_ENV.account),
      partition: process.env[PUBLISH_ENV.partition] || 'aws',
      cadencePeriods: parseCadencePeriods(process.env[PUBLISH_ENV.cadencePeriods]),
    },
    now: () => new Date(),
  };
}

let runtime: PublishRuntime | undefined;

/** The Lambda entry point. */
export const handler = middy<PublishInput, PublishOutput>()
  .use(injectLambdaContext(logger, { clearState: true }))
  .handler(async (event) => {
    runtime ??= createPublishRuntime();
    logger.appendKeys({ runId: event.run.runId });
    const output = await publishResults(event, runtime);
    logger.info('results published', {
      outcomes: event.results.map((r) => ({ experiment: r.name, outcome: r.outcome })),
      ...output,
    });
    return output;
  });

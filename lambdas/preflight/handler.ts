import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { IAMClient } from '@aws-sdk/client-iam';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import middy from '@middy/core';
import { createClients } from '../shared/clients';
import { logger } from '../shared/logger';
import { headsUp, manifestSettings, type HeadsUpEvent, type HeadsUpResult } from './heads-up';

const region = process.env.AWS_REGION;
const config = { ...(region !== undefined ? { region } : {}), maxAttempts: 4, retryMode: 'adaptive' };
const clients = createClients(region);
const extra = {
  scheduler: new SchedulerClient(config),
  iam: new IAMClient(config),
  serviceQuotas: new ServiceQuotasClient(config),
};

/**
 * Preflight: fired by the heads-up schedule; announces a run due `headsUp` ahead with the preflight's
 * result (the FIS safety lever is read through the FIS client, fis-safety-lever.ts).
 */
export const handler = middy<HeadsUpEvent, HeadsUpResult>()
  .use(injectLambdaContext(logger, { clearState: true }))
  .handler(async (event) => {
    const result = await headsUp(event, {
      runtime: { clients, settings: manifestSettings(event.manifest), now: () => new Date(), fetch },
      clients: extra,
    });
    logger.info('heads-up', { result });
    return result;
  });

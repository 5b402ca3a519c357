import { Logger } from '@aws-lambda-powertools/logger';

/** The structured logger every chaos-cadence function shares (service `chaos-cadence`). */
export const logger = new Logger({ serviceName: 'chaos-cadence' });

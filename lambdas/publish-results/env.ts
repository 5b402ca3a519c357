import { SETTINGS_ENV } from '../shared/settings';

const { resultsBucket, topicArn, dashboardName, account, partition } = SETTINGS_ENV;

/**
 * The environment variables of the PublishResults function: the workflow settings it reads, under the
 * names {@link SETTINGS_ENV} gives them, and its own cadence periods. The Results construct sets them.
 */
export const PUBLISH_ENV = {
  resultsBucket,
  topicArn,
  dashboardName,
  account,
  partition,
  /** JSON `{ "<experiment>": <cadence period in seconds> }` (lib/cadence/period.ts). */
  cadencePeriods: 'CHAOS_CADENCE_PERIODS',
} as const;

/** Parses {@link PUBLISH_ENV.cadencePeriods}; throws naming the variable when it is not such a JSON object. */
export function parseCadencePeriods(text: string | undefined): Record<string, number> {
  if (text === undefined || text.trim() === '') return {};
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error(
      `${PUBLISH_ENV.cadencePeriods} must be a JSON object of experiment name to seconds (got ${text})`,
    );
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new Error(
      `${PUBLISH_ENV.cadencePeriods} must be a JSON object of experiment name to seconds (got ${text})`,
    );
  }
  const periods: Record<string, number> = {};
  for (const [name, value] of Object.entries(data)) {
    if (typeof value !== 'number' || !(value > 0)) {
      throw new Error(
        `${PUBLISH_ENV.cadencePeriods}.${name} must be a positive number of seconds (got ${JSON.stringify(value)})`,
      );
    }
    periods[name] = value;
  }
  return periods;
}

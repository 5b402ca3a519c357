import type { AllowedHours, WorkflowSettings } from './aws';
import { optionalEnv, requiredEnv } from './env';
import { WEEKDAYS, type Weekday } from './vocabulary';

/** The environment variables that carry {@link WorkflowSettings} into the workflow's functions. */
export const SETTINGS_ENV = {
  account: 'CHAOS_ACCOUNT',
  partition: 'CHAOS_PARTITION',
  killSwitchParameter: 'CHAOS_KILL_SWITCH_PARAMETER',
  changeCalendar: 'CHAOS_CHANGE_CALENDAR',
  allowedHours: 'CHAOS_ALLOWED_HOURS',
  timeZone: 'CHAOS_TIME_ZONE',
  resultsBucket: 'CHAOS_RESULTS_BUCKET',
  topicArn: 'CHAOS_TOPIC_ARN',
  dashboardName: 'CHAOS_DASHBOARD_NAME',
  stackName: 'CHAOS_STACK_NAME',
  runLockTable: 'CHAOS_RUN_LOCK_TABLE',
  runLockSeconds: 'CHAOS_RUN_LOCK_SECONDS',
} as const;

/** A settings value read from the environment is malformed. */
export class SettingsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SettingsError';
  }
}

/** Parses `CHAOS_ALLOWED_HOURS` (JSON `{ days, start, end }`). */
export function parseAllowedHours(text: string): AllowedHours {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SettingsError(`${SETTINGS_ENV.allowedHours} must be JSON (got ${JSON.stringify(text)})`, {
      cause: error,
    });
  }
  const hours = value as Partial<AllowedHours> | null;
  const days = hours?.days;
  if (
    !Array.isArray(days) ||
    !(days as unknown[]).every(
      (d): d is Weekday => typeof d === 'string' && (WEEKDAYS as readonly string[]).includes(d),
    ) ||
    typeof hours?.start !== 'string' ||
    typeof hours.end !== 'string'
  ) {
    throw new SettingsError(
      `${SETTINGS_ENV.allowedHours} must be {"days":["MON",...],"start":"HH:MM","end":"HH:MM"} (got ${text})`,
    );
  }
  return { days, start: hours.start, end: hours.end };
}

/** Parses `CHAOS_RUN_LOCK_SECONDS` (a positive whole number of seconds). */
export function parseRunLockSeconds(text: string): number {
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds <= 0) {
    throw new SettingsError(
      `${SETTINGS_ENV.runLockSeconds} must be a positive whole number of seconds (got ${JSON.stringify(text)})`,
    );
  }
  return seconds;
}

/** Reads the workflow settings from the environment (call once, at load). */
export function settingsFromEnv(): WorkflowSettings {
  const changeCalendar = optionalEnv(SETTINGS_ENV.changeCalendar);
  const runLockTable = optionalEnv(SETTINGS_ENV.runLockTable);
  const runLockSeconds = optionalEnv(SETTINGS_ENV.runLockSeconds);
  return {
    region: requiredEnv('AWS_REGION'),
    account: requiredEnv(SETTINGS_ENV.account),
    partition: optionalEnv(SETTINGS_ENV.partition) ?? 'aws',
    killSwitchParameter: requiredEnv(SETTINGS_ENV.killSwitchParameter),
    ...(changeCalendar !== undefined ? { changeCalendar } : {}),
    allowedHours: parseAllowedHours(requiredEnv(SETTINGS_ENV.allowedHours)),
    timeZone: requiredEnv(SETTINGS_ENV.timeZone),
    resultsBucket: optionalEnv(SETTINGS_ENV.resultsBucket) ?? '',
    topicArn: optionalEnv(SETTINGS_ENV.topicArn) ?? '',
    dashboardName: optionalEnv(SETTINGS_ENV.dashboardName) ?? '',
    stackName: optionalEnv(SETTINGS_ENV.stackName) ?? '',
    ...(runLockTable !== undefined ? { runLockTable } : {}),
    ...(runLockSeconds !== undefined ? { runLockSeconds: parseRunLockSeconds(runLockSeconds) } : {}),
  };
}

/** The environment a function needs so that {@link settingsFromEnv} returns `settings`. */
export function settingsToEnv(settings: Omit<WorkflowSettings, 'region'>): Record<string, string> {
  return {
    [SETTINGS_ENV.account]: settings.account,
    [SETTINGS_ENV.partition]: settings.partition,
    [SETTINGS_ENV.killSwitchParameter]: settings.killSwitchParameter,
    ...(settings.changeCalendar !== undefined
      ? { [SETTINGS_ENV.changeCalendar]: settings.changeCalendar }
      : {}),
    [SETTINGS_ENV.allowedHours]: JSON.stringify(settings.allowedHours),
    [SETTINGS_ENV.timeZone]: settings.timeZone,
    [SETTINGS_ENV.resultsBucket]: settings.resultsBucket,
    [SETTINGS_ENV.topicArn]: settings.topicArn,
    [SETTINGS_ENV.dashboardName]: settings.dashboardName,
    [SETTINGS_ENV.stackName]: settings.stackName,
    ...(settings.runLockTable !== undefined ? { [SETTINGS_ENV.runLockTable]: settings.runLockTable } : {}),
    ...(settings.runLockSeconds !== undefined
      ? { [SETTINGS_ENV.runLockSeconds]: String(settings.runLockSeconds) }
      : {}),
  };
}

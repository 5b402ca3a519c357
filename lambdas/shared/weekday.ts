/** Day names as EventBridge and the config write them. */
export const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

/** A day of the week. */
export type Weekday = (typeof WEEKDAYS)[number];

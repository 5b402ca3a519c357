import { Cron } from 'croner';

/** A parsed EventBridge Scheduler expression. */
export type ScheduleExpression =
  | { readonly kind: 'cron'; readonly pattern: string; readonly years?: ReadonlySet<number> }
  | { readonly kind: 'rate'; readonly seconds: number }
  | { readonly kind: 'at'; readonly localDateTime: string };

const RATE_UNITS: Record<string, number> = {
  minute: 60,
  minutes: 60,
  hour: 3600,
  hours: 3600,
  day: 86400,
  days: 86400,
};

/**
 * Parses an EventBridge Scheduler expression. Cron uses the EventBridge dialect: six fields
 * `minutes hours day-of-month month day-of-week year`, `?` in one of the day fields, `L`, `W`, `#`,
 * day-of-week 1-7 = SUN-SAT or SUN..SAT. The day fields are checked by croner.
 * @throws Error with a message that says what was expected
 */
export function parseScheduleExpression(expression: string): ScheduleExpression {
  const text = expression.trim();
  const rate = /^rate\((\d+)\s+(minutes?|hours?|days?)\)$/.exec(text);
  if (rate) {
    const value = Number(rate[1]);
    const unit = RATE_UNITS[rate[2] ?? ''] ?? 0;
    if (value < 1) throw new Error(`rate value must be at least 1 (got "${expression}")`);
    return { kind: 'rate', seconds: value * unit };
  }
  const at = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(text);
  if (at?.[1]) return { kind: 'at', localDateTime: at[1] };
  const cron = /^cron\((.*)\)$/.exec(text);
  if (!cron?.[1]) {
    throw new Error(
      `expression must be cron(minutes hours day-of-month month day-of-week year), rate(n units) or at(yyyy-mm-ddThh:mm:ss) (got "${expression}")`,
    );
  }
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new Error(
      `cron expression needs 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length} in "${expression}"; e.g. cron(0 10 ? * TUE#1 *)`,
    );
  }
  const [minutes, hours, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) {
    throw new Error(
      `cron expression needs "?" in exactly one of day-of-month and day-of-week (got "${dom}" and "${dow}" in "${expression}")`,
    );
  }
  const years = parseYears(year, expression);
  const pattern = `${minutes} ${hours} ${dom === '?' ? '*' : dom} ${month} ${dow === '?' ? '*' : dow}`;
  try {
    // alternativeWeekdays: Quartz/EventBridge numbering 1-7 = SUN-SAT.
    new Cron(pattern, { paused: true, alternativeWeekdays: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cron expression "${expression}" is not valid: ${reason}`);
  }
  return { kind: 'cron', pattern, ...(years ? { years } : {}) };
}

function parseYears(field: string, expression: string): ReadonlySet<number> | undefined {
  if (field === '*') return undefined;
  const years = new Set<number>();
  for (const part of field.split(',')) {
    const range = /^(\d{4})(?:-(\d{4}))?$/.exec(part);
    if (!range)
      throw new Error(
        `cron year field must be *, a year or a range such as 2026-2030 (got "${field}" in "${expression}")`,
      );
    const from = Number(range[1]);
    const to = Number(range[2] ?? range[1]);
    for (let y = from; y <= to; y += 1) years.add(y);
  }
  return years;
}

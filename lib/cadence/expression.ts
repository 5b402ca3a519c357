import { Cron, type CronOptions } from 'croner';

/** A parsed EventBridge Scheduler expression. */
export type ScheduleExpression =
  | {
      readonly kind: 'cron';
      /** The six EventBridge fields as written: minutes hours day-of-month month day-of-week year. */
      readonly fields: readonly string[];
      /**
       * The same schedule as a 7-part croner pattern (`seconds minutes hours dom month dow year`), read
       * with {@link CRONER_OPTIONS}: `?` is `*`, a lone `L` in day-of-week is `SAT`.
       */
      readonly pattern: string;
    }
  | { readonly kind: 'rate'; readonly seconds: number }
  | {
      readonly kind: 'at';
      /** `yyyy-mm-ddThh:mm:ss`, wall-clock time in the schedule's time zone. */
      readonly localDateTime: string;
    };

/**
 * The croner options that give EventBridge semantics: day-of-week 1-7 = SUN-SAT (Quartz numbering),
 * `0/15` style steps, a year field, and day-of-month OR day-of-week (one of them is always `*` here,
 * because EventBridge requires `?` in one of them, so OR is the same as "the other field decides").
 */
export const CRONER_OPTIONS: Readonly<CronOptions> = {
  alternativeWeekdays: true,
  sloppyRanges: true,
  mode: '7-part',
  paused: true,
};

/** An expression EventBridge Scheduler would refuse (or that we refuse for being ambiguous). */
export class ScheduleExpressionError extends Error {
  /** The expression as received. */
  readonly expression: string;

  constructor(expression: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ScheduleExpressionError';
    this.expression = expression;
  }
}

const RATE_UNITS: Record<string, number> = {
  minute: 60,
  minutes: 60,
  hour: 3600,
  hours: 3600,
  day: 86400,
  days: 86400,
};

/** EventBridge Scheduler accepts years 1970-2199 in the year field. */
const YEAR_MIN = 1970;
const YEAR_MAX = 2199;

/**
 * Parses an EventBridge Scheduler expression: `cron(minutes hours day-of-month month day-of-week
 * year)`, `rate(n minutes|hours|days)` or `at(yyyy-mm-ddThh:mm:ss)`. Cron uses the EventBridge
 * dialect: `?` in exactly one of the day fields, `L` (last day of month / `5L` last Thursday), `W`
 * (nearest weekday, `15W`, `LW`), `#` (`TUE#1` first Tuesday), day-of-week 1-7 = SUN-SAT or SUN..SAT,
 * years 1970-2199.
 * @throws ScheduleExpressionError with a message that names the value and what was expected
 */
export function parseScheduleExpression(expression: string): ScheduleExpression {
  const text = expression.trim();
  const rate = /^rate\((\d+)\s+(minutes?|hours?|days?)\)$/.exec(text);
  if (rate) {
    const value = Number(rate[1]);
    const unit = RATE_UNITS[rate[2] ?? ''] ?? 0;
    if (value < 1) fail(expression, `rate value must be at least 1 (got "${expression}")`);
    return { kind: 'rate', seconds: value * unit };
  }
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(text);
  if (at) {
    const [, y, mo, d, h, mi, s] = at.map(Number) as [number, number, number, number, number, number, number];
    const probe = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
    const real =
      probe.getUTCFullYear() === y &&
      probe.getUTCMonth() === mo - 1 &&
      probe.getUTCDate() === d &&
      h < 24 &&
      mi < 60 &&
      s < 60;
    if (!real) fail(expression, `at() needs a real date and time yyyy-mm-ddThh:mm:ss (got "${expression}")`);
    return { kind: 'at', localDateTime: text.slice(3, -1) };
  }
  const cron = /^cron\((.*)\)$/.exec(text);
  if (!cron?.[1]) {
    fail(
      expression,
      `expression must be cron(minutes hours day-of-month month day-of-week year), rate(n minutes|hours|days) or at(yyyy-mm-ddThh:mm:ss) (got "${expression}")`,
    );
  }
  return parseCron(expression, cron[1]);
}

function parseCron(expression: string, body: string): ScheduleExpression {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) {
    fail(
      expression,
      `cron expression needs 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length} in "${expression}"; e.g. cron(0 10 ? * TUE#1 *)`,
    );
  }
  const [minutes, hours, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) {
    fail(
      expression,
      `cron expression needs "?" in exactly one of day-of-month and day-of-week (got "${dom}" and "${dow}" in "${expression}"); e.g. cron(0 10 ? * TUE#1 *)`,
    );
  }
  if (dow !== '?') checkDayOfWeek(expression, dow);
  checkYears(expression, year);
  const dayOfWeek = dow === '?' ? '*' : /^L$/i.test(dow) ? 'SAT' : dow;
  const pattern = `0 ${minutes} ${hours} ${dom === '?' ? '*' : dom} ${month} ${dayOfWeek} ${year}`;
  try {
    new Cron(pattern, { ...CRONER_OPTIONS });
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^CronPattern:\s*/, '') : String(error);
    fail(expression, `cron expression "${expression}" is not valid: ${reason}`, error);
  }
  return { kind: 'cron', fields, pattern };
}

/** croner reads 0 and 8 as Sunday even in Quartz numbering; EventBridge allows only 1-7. */
function checkDayOfWeek(expression: string, dow: string): void {
  const numbers = dow.replace(/#\d+|#L/gi, '').match(/\d+/g) ?? [];
  const bad = numbers.find((n) => Number(n) < 1 || Number(n) > 7);
  if (bad !== undefined) {
    fail(
      expression,
      `cron day-of-week must be 1-7 (1 = SUN ... 7 = SAT) or SUN-SAT (got "${bad}" in "${expression}")`,
    );
  }
}

function checkYears(expression: string, field: string): void {
  // Numbers after "/" are steps (2026/2), not years.
  const years = field.split(',').flatMap((part) => (part.split('/')[0] ?? '').match(/\d+/g) ?? []);
  const bad = years.find((n) => Number(n) < YEAR_MIN || Number(n) > YEAR_MAX);
  if (bad !== undefined) {
    fail(expression, `cron year must be ${YEAR_MIN}-${YEAR_MAX} (got "${bad}" in "${expression}")`);
  }
}

function fail(expression: string, message: string, cause?: unknown): never {
  throw new ScheduleExpressionError(expression, message, cause === undefined ? undefined : { cause });
}

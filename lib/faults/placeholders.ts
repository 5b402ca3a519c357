/**
 * Placeholders in published FIS templates: `<YOUR AWS ACCOUNT>`, `<ACCOUNT_ID>`, `<YOUR-ACCOUNT-ID>`,
 * `<REGION>`, `<YOUR REGION>`, `{{ aws:region }}`... The account, region and partition come from the
 * stack; everything else (`<YOUR SUBNET ID>`, `<CLOUDWATCH_ALARM>`...) from values the user gives.
 */

/** Matches one `<...>` placeholder: starts with a letter, then letters, digits, spaces, `_ - . :`. */
const ANGLE_PLACEHOLDER = /<([A-Za-z][A-Za-z0-9 _.:-]{0,80})>/g;
/** Matches `{{ aws:region }}`-style placeholders some templates use (not resolved by FIS itself). */
const BRACE_PLACEHOLDER = /\{\{\s*aws:(region|account-id|partition)\s*\}\}/gi;

const ACCOUNT_NAME = /^(YOUR[ _-]?)?(AWS[ _-]?)?ACCOUNT([ _-]?(ID|NUMBER))?$/i;
const REGION_NAME = /^(YOUR[ _-]?)?(AWS[ _-]?)?REGION([ _-]?(NAME|CODE))?$/i;
const PARTITION_NAME = /^(YOUR[ _-]?)?(AWS[ _-]?)?PARTITION$/i;

/** The values the stack provides (plain strings or CDK tokens). */
export interface StackValues {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
}

/** Normalizes a placeholder name for lookup: `<Your Subnet-ID>` and `YOUR_SUBNET_ID` are the same key. */
export function placeholderKey(name: string): string {
  return name
    .replace(/^<|>$/g, '')
    .trim()
    .toUpperCase()
    .replace(/[\s_-]+/g, '_');
}

/** Which stack value a placeholder name stands for, if any. */
export function stackPlaceholder(name: string): keyof StackValues | undefined {
  const trimmed = name.trim();
  if (ACCOUNT_NAME.test(trimmed)) return 'account';
  if (REGION_NAME.test(trimmed)) return 'region';
  if (PARTITION_NAME.test(trimmed)) return 'partition';
  return undefined;
}

/** Resolves placeholders in one string; unknown ones are left as they are (see {@link findPlaceholders}). */
export function resolveString(
  text: string,
  stack: StackValues,
  values: Readonly<Record<string, string>>,
): string {
  const byKey = new Map(Object.entries(values).map(([k, v]) => [placeholderKey(k), v]));
  return text
    .replace(ANGLE_PLACEHOLDER, (whole, name: string) => {
      const given = byKey.get(placeholderKey(name));
      if (given !== undefined) return given;
      const fromStack = stackPlaceholder(name);
      return fromStack ? stack[fromStack] : whole;
    })
    .replace(BRACE_PLACEHOLDER, (_whole, name: string) => {
      const lower = name.toLowerCase();
      return lower === 'region' ? stack.region : lower === 'partition' ? stack.partition : stack.account;
    });
}

/** Resolves placeholders in every string of a JSON-like value (keys are left alone). */
export function resolveDeep<T>(value: T, stack: StackValues, values: Readonly<Record<string, string>>): T {
  if (typeof value === 'string') return resolveString(value, stack, values) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => resolveDeep(item, stack, values)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, resolveDeep(v, stack, values)]),
    ) as T;
  }
  return value;
}

/** One placeholder still present after resolution, with where it is (a dotted path). */
export interface UnresolvedPlaceholder {
  readonly placeholder: string;
  readonly path: string;
}

/** Lists the `<...>` placeholders left in a JSON-like value. */
export function findPlaceholders(value: unknown, path = ''): UnresolvedPlaceholder[] {
  if (typeof value === 'string') {
    return [...value.matchAll(ANGLE_PLACEHOLDER)].map((m) => ({ placeholder: m[0], path }));
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => findPlaceholders(item, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
      findPlaceholders(v, path ? `${path}.${k}` : k),
    );
  }
  return [];
}

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../config/errors';
import { parseYamlOrJson, toProblems } from '../config/load';

/**
 * A moment in a timeline: `<n>s` (or `<n>m`) after the run start, or `fault+<n>s` after the moment the
 * fault started. Parsed into {@link TimeRef}.
 */
export type TimeRef = { readonly base: 'run' | 'fault'; readonly offsetSeconds: number };

const TIME_PATTERN = /^(fault\+)?(\d+(?:\.\d+)?)(s|m)$/;

/** Parses `90s`, `4m`, `fault+60s`. Returns undefined when the text is not a time. */
export function parseTimeRef(text: string): TimeRef | undefined {
  const match = TIME_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const amount = Number(match[2]);
  return { base: match[1] ? 'fault' : 'run', offsetSeconds: match[3] === 'm' ? amount * 60 : amount };
}

const timeSchema = z.union([z.string(), z.number()]).transform((value, ctx): TimeRef => {
  const parsed =
    typeof value === 'number' ? { base: 'run' as const, offsetSeconds: value } : parseTimeRef(value);
  if (!parsed || parsed.offsetSeconds < 0) {
    ctx.addIssue({
      code: 'custom',
      message: `time must be "<n>s" from the run start or "fault+<n>s" from the fault start (got ${JSON.stringify(value)})`,
    });
    return z.NEVER;
  }
  return parsed;
});

function isRunStart(at: TimeRef): boolean {
  return at.base === 'run' && at.offsetSeconds === 0;
}

/** A timeline: entries `{ at, ...value }`; the value at a moment is the last entry whose time has come. */
function timeline<T extends z.ZodRawShape>(shape: T) {
  return z
    .array(z.strictObject({ at: timeSchema, ...shape }))
    .min(1, 'a timeline needs at least one entry')
    .refine((entries) => entries.some((e) => isRunStart((e as { at: TimeRef }).at)), {
      error: 'a timeline needs an entry at 0s: its value from the run start',
    });
}

const alarmState = z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']);

const instanceSchema = z.strictObject({
  id: z.string().regex(/^i-[0-9a-zA-Z]+$/, 'instance ids look like i-0123abcd'),
  tags: z.record(z.string(), z.string()).default({}),
  state: z
    .enum(['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated'])
    .default('running'),
  /** CloudWatch monitoring: `detailed` publishes CPUUtilization every 60 s, `basic` (AWS's default) every 300 s. */
  monitoring: z.enum(['basic', 'detailed']).default('basic'),
  /** This instance's CPUUtilization (%); default: the `AWS/EC2/CPUUtilization` metric timeline. */
  cpu: z
    .array(z.strictObject({ at: timeSchema, value: z.number().min(0).max(100) }))
    .min(1)
    .optional(),
});

/** The services a scenario can inject failures into, by IAM action prefix. */
export const SIMULATED_SERVICES = [
  'fis',
  'ssm',
  'cloudwatch',
  'autoscaling',
  'ec2',
  'states',
  's3',
  'sns',
] as const;

const apiFailureSchema = z.strictObject({
  /** `<service>:<Command>` with the IAM action prefix, e.g. `fis:StartExperiment`, `states:ListExecutions`. */
  call: z
    .string()
    .regex(
      new RegExp(`^(${SIMULATED_SERVICES.join('|')}):[A-Z][A-Za-z0-9]+$`),
      `call must be <service>:<Command> with service one of ${SIMULATED_SERVICES.join(', ')} (e.g. fis:StartExperiment)`,
    ),
  /** The error name, e.g. `ThrottlingException`, `AccessDeniedException`. */
  error: z.string().min(1),
  message: z.string().optional(),
  times: z.number().int().min(1).default(1),
});

/**
 * The account as the preflight sees it, beyond what a run reads. Every default is the healthy answer:
 * schedules enabled, agents Online on Linux, the stress document present, group metrics collected,
 * the safety lever disengaged, the roles allowed every call, the deployed config the local one.
 */
export const preflightScenarioSchema = z.strictObject({
  /** The config hash the deployed stack reports; absent = the local config's (no drift). */
  deployedConfigHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'deployedConfigHash is a sha256 in hex')
    .optional(),
  /** Schedule state by cadence group (`missing`: the schedule does not exist). @default ENABLED */
  schedules: z.record(z.string(), z.enum(['ENABLED', 'DISABLED', 'missing'])).default({}),
  /** The change calendar's state at the next run (GetCalendarState with AtTime). @default changeCalendar */
  changeCalendarAtNextRun: z.enum(['OPEN', 'CLOSED']).optional(),
  safetyLever: z
    .strictObject({
      status: z.enum(['engaged', 'disengaged', 'engaging', 'disengaging']).default('disengaged'),
      reason: z.string().optional(),
    })
    .prefault({}),
  /** SSM agent per instance id; instances not listed are Online on Linux. */
  agents: z
    .record(
      z.string().regex(/^i-[0-9a-zA-Z]+$/, 'agents keys are instance ids'),
      z.strictObject({
        /** `unmanaged`: SSM does not know the instance at all. */
        pingStatus: z.enum(['Online', 'ConnectionLost', 'Inactive', 'unmanaged']).default('Online'),
        platform: z.enum(['Linux', 'Windows', 'MacOS']).default('Linux'),
      }),
    )
    .default({}),
  /** SSM documents that do not exist in the account's region. */
  missingDocuments: z.array(z.string()).default([]),
  /** Email subscriptions of the results topic. */
  subscriptions: z
    .array(
      z.strictObject({
        endpoint: z.string().min(1),
        status: z.enum(['confirmed', 'pending']).default('confirmed'),
      }),
    )
    .default([]),
  /** Auto Scaling group -> whether group metrics collection is enabled. @default true */
  asgMetricsCollection: z.record(z.string(), z.boolean()).default({}),
  /** FIS's target quota for aws:ssm:send-command; absent = Service Quotas lists none. */
  fisSendCommandTargetQuota: z.number().int().min(0).optional(),
  /** `<role name> <service:Action>` pairs SimulatePrincipalPolicy answers as implicitDeny. */
  iamDenied: z
    .array(
      z.string().regex(/^\S+ [a-z0-9-]+:[A-Za-z]+$/, 'iamDenied entries are "<role name> <service:Action>"'),
    )
    .default([]),
  /** IAM role names that do not exist (GetRole: NoSuchEntity). */
  missingRoles: z.array(z.string()).default([]),
});

/** The scenario schema (see issue 7 and `scenarios/*.yaml`). */
export const scenarioSchema = z.strictObject({
  description: z.string().optional(),
  /** Wall-clock time of the run start (allowed hours are checked against it). */
  now: z.union([z.string(), z.date()]).transform((value, ctx) => {
    const date = value instanceof Date ? value : new Date(value);
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({
        code: 'custom',
        message: `now must be an ISO 8601 date-time (got ${JSON.stringify(value)})`,
      });
      return z.NEVER;
    }
    return date;
  }),
  instances: z.array(instanceSchema).default([]),
  alarms: z.record(z.string(), timeline({ state: alarmState })).default({}),
  /**
   * The metric behind an alarm, as DescribeAlarms reports it, so the report can chart it:
   * `{ sock-shop-5xx: { metric: AWS/ApplicationELB/HTTPCode_Target_5XX_Count, threshold: 10 } }`.
   * Its values come from `metrics`. An alarm without one is reported as a metric-math alarm.
   */
  alarmMetrics: z
    .record(
      z.string(),
      z.strictObject({
        metric: z.string().regex(/\/[^/]+$/, 'alarmMetrics.*.metric is <Namespace>/<MetricName>'),
        dimensions: z.record(z.string(), z.string()).default({}),
        statistic: z.enum(['Average', 'Sum', 'Minimum', 'Maximum', 'SampleCount']).default('Sum'),
        periodSeconds: z.number().int().min(10).default(60),
        threshold: z.number(),
        comparison: z
          .enum([
            'GreaterThanOrEqualToThreshold',
            'GreaterThanThreshold',
            'LessThanThreshold',
            'LessThanOrEqualToThreshold',
          ])
          .default('GreaterThanOrEqualToThreshold'),
      }),
    )
    .default({}),
  http: z
    .record(
      z.url({ error: 'http keys must be URLs' }),
      timeline({
        status: z.number().int().min(100).max(599),
        body: z.string().optional(),
        /** Seconds (virtual) before the answer comes; a probe's timeout may fire first. */
        delaySeconds: z.number().min(0).optional(),
      }),
    )
    .default({}),
  asgs: z.record(z.string(), timeline({ inService: z.number().int().min(0) })).default({}),
  /** Keyed `<Namespace>/<MetricName>`, e.g. `AWS/ApplicationELB/TargetResponseTime`. */
  metrics: z
    .record(
      z.string().regex(/\/[^/]+$/, 'metric keys are <Namespace>/<MetricName>'),
      timeline({ value: z.number() }),
    )
    .default({}),
  /**
   * How late CloudWatch makes a per-instance EC2 datapoint readable after its period ends (seconds).
   * Applies to `AWS/EC2/CPUUtilization` by `InstanceId`, which effect verification reads.
   */
  metricDelaySeconds: z.number().int().min(0).default(120),
  fis: z
    .strictObject({
      /** What a FIS experiment does when nobody stops it. */
      end: z.enum(['completed', 'failed', 'cancelled', 'stopped']).default('completed'),
      /** When it reaches `end` (default: after the planned duration). */
      at: timeSchema.optional(),
      reason: z.string().optional(),
    })
    .prefault({}),
  ssm: z
    .strictObject({
      /** What an SSM Run Command does when nobody cancels it. */
      end: z.enum(['Success', 'Failed', 'TimedOut', 'Cancelled']).default('Success'),
      at: timeSchema.optional(),
    })
    .prefault({}),
  /** Values of the kill switch parameter; absent = the parameter does not exist. */
  killSwitch: timeline({ value: z.string() }).optional(),
  changeCalendar: z.enum(['OPEN', 'CLOSED']).default('OPEN'),
  /** Other executions of the workflow in flight (this run's own execution is listed too, as in AWS). */
  runningExecutions: z.number().int().min(0).default(0),
  apiFailures: z.array(apiFailureSchema).default([]),
  /**
   * EventBridge delivery of the events the abort-on-event function listens to (a stop-condition
   * alarm entering ALARM, the kill-switch parameter changing), at their virtual time.
   */
  events: z
    .strictObject({
      /** Seconds from the transition to the function's invocation. */
      deliveryDelaySeconds: z.number().min(0).max(300).default(1),
      /** `true`: no event is delivered (the poll is the only way the run stops the fault). */
      drop: z.boolean().default(false),
    })
    .prefault({}),
  /** What the preflight reads beyond a run (see {@link preflightScenarioSchema}). */
  preflight: preflightScenarioSchema.prefault({}),
});

/** A validated scenario. */
export type Scenario = z.output<typeof scenarioSchema>;
/** A scenario as written. */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** One timeline entry after parsing. */
export type TimelineEntry<T> = T & { readonly at: TimeRef };

/** Validates parsed scenario data. @throws ConfigError naming the file and each bad path */
export function parseScenario(data: unknown, file = 'scenario'): Scenario {
  const result = scenarioSchema.safeParse(data);
  if (result.success) return result.data;
  throw new ConfigError(file, toProblems(result.error, data));
}

/** Reads a YAML or JSON scenario file. @throws ConfigError naming the file and each bad path */
export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [{ path: '', message: 'scenario file not found or not readable' }], {
      cause: error,
    });
  }
  return parseScenario(parseYamlOrJson(text, file), file);
}

/**
 * Resolves a time reference to epoch milliseconds; `undefined` while a `fault+` time has no fault
 * start yet (the entry is not reached).
 */
export function resolveTime(
  at: TimeRef,
  runStartMs: number,
  faultStartMs: number | undefined,
): number | undefined {
  if (at.base === 'run') return runStartMs + at.offsetSeconds * 1000;
  return faultStartMs === undefined ? undefined : faultStartMs + at.offsetSeconds * 1000;
}

/** The entry in force at `nowMs` (the latest one whose time has come), and when it began. */
export function valueAt<T extends { readonly at: TimeRef }>(
  entries: readonly T[],
  nowMs: number,
  runStartMs: number,
  faultStartMs: number | undefined,
): { readonly entry: T; readonly sinceMs: number } | undefined {
  let best: { entry: T; sinceMs: number } | undefined;
  for (const entry of entries) {
    const at = resolveTime(entry.at, runStartMs, faultStartMs);
    if (at === undefined || at > nowMs) continue;
    if (!best || at >= best.sinceMs) best = { entry, sinceMs: at };
  }
  return best;
}

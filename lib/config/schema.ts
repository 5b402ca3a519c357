import { z } from 'zod';
import { durationSeconds } from './duration';
import { cadenceProblems } from '../cadence/config-rules';
import { checkCadence, checkTimeZone } from '../cadence/validate';
import { FAULT_KINDS, IMPACTS, PROBE_KINDS, WEEKDAYS, WORKING_DAYS } from '../../lambdas/shared/vocabulary';

/** The heads-up comes at least an hour and at most a week before a run. */
export const HEADS_UP_MIN_SECONDS = 3600;
/** See {@link HEADS_UP_MIN_SECONDS}. */
export const HEADS_UP_MAX_SECONDS = 7 * 86_400;

/** FIS refuses experiments longer than 12 hours; so do we. */
export const FIS_MAX_DURATION_SECONDS = 12 * 3600;

const NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const SELECTION_PATTERN = /^(ALL|COUNT\((\d+)\)|PERCENT\((\d+)\))$/;
const HHMM_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;
const STATISTIC_PATTERN = /^(Average|Sum|Minimum|Maximum|SampleCount|p\d{1,2}(\.\d+)?|p100|tm\d{1,2}|IQM)$/;

/**
 * An ISO 8601 duration (`PT6M`), kept as written in the parsed config; `durationSeconds()` converts it.
 * @param min the smallest allowed value in seconds
 */
function isoDuration(what: string, min = 1, max?: number) {
  return z.string().superRefine((text, ctx) => {
    const seconds = durationSeconds(text);
    if (seconds === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `${what} must be an ISO 8601 duration such as PT30S, PT6M or PT1H (got "${text}")`,
      });
      return;
    }
    if (seconds < min) {
      ctx.addIssue({ code: 'custom', message: `${what} must be at least ${min} s (got "${text}")` });
    }
    if (max !== undefined && seconds > max) {
      ctx.addIssue({ code: 'custom', message: `${what} must be at most ${max} s (got "${text}")` });
    }
  });
}

const resourceName = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .min(1, `${what} must not be empty`)
    .max(255, `${what} is longer than 255 characters`);

/**
 * What every probe may add: `during: false` skips the checks while the fault runs; `stopAfter` makes
 * the probe a stop condition (failing continuously this long during the fault stops it).
 */
function probeOptions(kind: string) {
  return {
    during: z
      .boolean()
      .optional()
      .describe(
        `false: ${kind} is not checked while the fault runs, only before and after it (default true).`,
      ),
    stopAfter: isoDuration(`${kind}.stopAfter`, 1, FIS_MAX_DURATION_SECONDS)
      .optional()
      .describe(
        `A probe stop condition: when ${kind} fails continuously this long during the fault, the fault is stopped (outcome aborted).`,
      ),
  };
}

/** A CloudWatch alarm that must be `OK`. */
export const alarmProbeSchema = z.strictObject({
  alarm: z.strictObject({
    ...probeOptions('alarm'),
    name: resourceName('alarm.name'),
    /** Treat INSUFFICIENT_DATA as steady (e.g. a low-traffic metric). @default false */
    allowInsufficientData: z.boolean().default(false),
  }),
});

/** An HTTP(S) URL that must answer with the expected status (and optional body match) in time. */
export const httpProbeSchema = z.strictObject({
  http: z.strictObject({
    ...probeOptions('http'),
    url: z.url({
      protocol: /^https?$/,
      error: (issue) => `http.url must be an http:// or https:// URL (got ${JSON.stringify(issue.input)})`,
    }),
    method: z.enum(['GET', 'HEAD']).default('GET'),
    status: z.number().int().min(100).max(599).default(200),
    timeout: isoDuration('http.timeout', 1, 60).default('PT3S'),
    /** A regular expression the response body must match. */
    bodyMatch: z
      .string()
      .refine(
        (pattern) => {
          try {
            new RegExp(pattern);
            return true;
          } catch {
            return false;
          }
        },
        {
          error: (issue) =>
            `http.bodyMatch must be a valid regular expression (got ${JSON.stringify(issue.input)})`,
        },
      )
      .optional(),
  }),
});

/** An Auto Scaling group with at least `minInService` instances `InService`. */
export const asgCapacityProbeSchema = z.strictObject({
  asgCapacity: z.strictObject({
    ...probeOptions('asgCapacity'),
    name: resourceName('asgCapacity.name'),
    minInService: z.number().int().min(0),
  }),
});

/** A CloudWatch metric statistic over a window that must stay within bounds. */
export const metricProbeSchema = z.strictObject({
  metric: z
    .strictObject({
      ...probeOptions('metric'),
      namespace: resourceName('metric.namespace'),
      name: resourceName('metric.name'),
      dimensions: z.record(z.string(), z.string()).default({}),
      statistic: z
        .string()
        .regex(
          STATISTIC_PATTERN,
          'metric.statistic must be Average, Sum, Minimum, Maximum, SampleCount or a percentile such as p99',
        ),
      period: isoDuration('metric.period', 1).default('PT1M'),
      /** How far back to look. @default PT5M */
      window: isoDuration('metric.window', 60).default('PT5M'),
      min: z.number().optional(),
      max: z.number().optional(),
    })
    .refine((m) => m.min !== undefined || m.max !== undefined, {
      error: 'metric needs at least one bound: min or max',
    })
    .refine((m) => m.min === undefined || m.max === undefined || m.min <= m.max, {
      error: 'metric.min must not be greater than metric.max',
    }),
});

/** One steady-state probe: exactly one of alarm, http, asgCapacity, metric. */
export const probeSchema = z.union(
  [alarmProbeSchema, httpProbeSchema, asgCapacityProbeSchema, metricProbeSchema],
  {
    error: `a probe must be exactly one of: ${PROBE_KINDS.join(', ')} (each with its own fields)`,
  },
);

const selectionSchema = z
  .string()
  .default('ALL')
  .superRefine((text, ctx) => {
    const match = SELECTION_PATTERN.exec(text);
    const count = match?.[2] !== undefined ? Number(match[2]) : undefined;
    const percent = match?.[3] !== undefined ? Number(match[3]) : undefined;
    if (!match || count === 0 || (percent !== undefined && (percent < 1 || percent > 100))) {
      ctx.addIssue({
        code: 'custom',
        message: `selection must be ALL, COUNT(n) with n >= 1 or PERCENT(p) with p 1-100 (got "${text}")`,
      });
    }
  });

/** The blast radius: EC2 instances by tags, then a selection mode. */
export const targetsSchema = z.strictObject({
  tags: z
    .record(z.string().min(1), z.string())
    .refine((tags) => Object.keys(tags).length > 0, {
      error: 'targets.tags needs at least one tag, so a fault never hits a whole fleet by accident',
    })
    .refine((tags) => Object.keys(tags).length <= 50, { error: 'targets.tags allows at most 50 tags' }),
  selection: selectionSchema.describe(
    'The blast radius: ALL, COUNT(n) or PERCENT(p) of the tagged running instances.',
  ),
});

/** CPU stress through `AWSFIS-Run-CPU-Stress`, via a FIS experiment template or SSM Run Command. */
export const cpuStressSchema = z.strictObject({
  loadPercent: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(80)
    .describe('Target CPU load per stressed core, 1-100 (default 80).'),
  /** Number of cores to stress; 0 = all. */
  cores: z.number().int().min(0).default(0).describe('Number of cores to stress; 0 = all cores (default).'),
  duration: isoDuration('cpuStress.duration', 1, FIS_MAX_DURATION_SECONDS)
    .default('PT6M')
    .describe('How long the stress runs, ISO 8601 (default PT6M); at most maxFaultDuration.'),
  targets: targetsSchema,
  via: z
    .enum(FAULT_KINDS)
    .default('fis')
    .describe('fis: a FIS experiment template (default); ssm: SSM Run Command, for accounts without FIS.'),
  /** Let the document install stress-ng when missing. @default true */
  installDependencies: z.boolean().default(true),
});

/** An existing FIS experiment template JSON file to import into the stack. */
export const fisTemplateFileSchema = z.strictObject({
  file: z.string().min(1, 'fisTemplate.file must name a JSON file'),
  /** The role FIS assumes; by default the stack creates one. */
  roleArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'fisTemplate.roleArn must be an IAM role ARN')
    .optional(),
  /**
   * Values for placeholders the stack cannot know, e.g. `{ "<YOUR SUBNET ID>": "subnet-0abc" }`.
   * Account, region and role placeholders are filled in automatically.
   */
  placeholders: z.record(z.string().min(1), z.string()).default({}),
});

/** The fault: exactly one of `cpuStress`, `fisTemplate`, `fisTemplateId`. */
export const faultSchema = z
  .strictObject({
    cpuStress: cpuStressSchema.optional(),
    fisTemplate: fisTemplateFileSchema.optional(),
    fisTemplateId: z
      .string()
      .regex(
        /^EXT[A-Za-z0-9]{6,}$/,
        'fisTemplateId must be a FIS experiment template id such as EXT1a2b3c4d5e6f7',
      )
      .optional(),
    /**
     * For `fisTemplate` / `fisTemplateId`: how long the experiment may run before the workflow stops it.
     * @default the template's longest action duration, else maxFaultDuration
     */
    duration: isoDuration('fault.duration', 1, FIS_MAX_DURATION_SECONDS).optional(),
  })
  .superRefine((fault, ctx) => {
    const kinds = (['cpuStress', 'fisTemplate', 'fisTemplateId'] as const).filter(
      (k) => fault[k] !== undefined,
    );
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `fault must have exactly one of cpuStress, fisTemplate, fisTemplateId (got ${kinds.length ? kinds.join(' and ') : 'none'})`,
      });
    }
    if (fault.cpuStress && fault.duration !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['duration'],
        message: 'fault.duration is for fisTemplate/fisTemplateId; set cpuStress.duration instead',
      });
    }
  });

/** The share of `loadPercent` the targets' CPU must reach by default: the stress tool's per-core target is approximate and a minute's average includes its ramp-up. */
export const DEFAULT_EFFECT_SHARE = 0.75;

/** The default `effect.minCpuPercent` for a CPU stress at `loadPercent` on all cores. */
export function defaultMinCpuPercent(loadPercent: number): number {
  return Math.max(1, Math.floor(loadPercent * DEFAULT_EFFECT_SHARE));
}

/**
 * How the run verifies that the fault acted. `cpuStress`: `minCpuPercent` (default: 3/4 of
 * `loadPercent`). Imported templates: a `metric` that must reach `min` (or fall to `max`) during the
 * fault; without it the effect is reported as unverified.
 */
export const effectSchema = z
  .strictObject({
    minCpuPercent: z
      .number()
      .min(1)
      .max(100)
      .optional()
      .describe(
        'cpuStress: the CPUUtilization (%) every target must reach during the fault (default: 3/4 of loadPercent).',
      ),
    metric: z
      .strictObject({
        namespace: resourceName('effect.metric.namespace'),
        name: resourceName('effect.metric.name'),
        dimensions: z.record(z.string(), z.string()).default({}),
        statistic: z
          .string()
          .regex(
            STATISTIC_PATTERN,
            'effect.metric.statistic must be Average, Sum, Minimum, Maximum, SampleCount or a percentile such as p99',
          )
          .default('Average'),
        period: isoDuration('effect.metric.period', 1).default('PT1M'),
      })
      .optional()
      .describe('fisTemplate/fisTemplateId: the metric that shows the fault acting.'),
    min: z.number().optional().describe('effect.metric must reach at least this during the fault.'),
    max: z.number().optional().describe('effect.metric must fall to at most this during the fault.'),
  })
  .superRefine((effect, ctx) => {
    if (effect.metric && effect.min === undefined && effect.max === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'effect.metric needs min or max: the value that shows the fault acting',
      });
    }
    if (!effect.metric && (effect.min !== undefined || effect.max !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'effect.min/max need effect.metric (for cpuStress use effect.minCpuPercent)',
      });
    }
  });

/** A stop condition: a CloudWatch alarm that aborts the fault when it enters ALARM. */
export const stopConditionSchema = z.strictObject({ alarm: resourceName('stopConditions[].alarm') });

/** One experiment, modelled on the experiment card and Chaos Toolkit's steady-state hypothesis. */
export const experimentSchema = z.strictObject({
  name: z
    .string()
    .regex(
      NAME_PATTERN,
      'name must be lower-case letters, digits and dashes (e.g. web-cpu-80), at most 64 characters',
    ),
  description: z.string().max(1024).optional(),
  application: z.string().min(1, 'application must name the system under test').max(128),
  hypothesis: z
    .string()
    .min(10, 'hypothesis must be a sentence (at least 10 characters)')
    .max(1024)
    .describe(
      'The sentence the run tests, e.g. "If CPU on all web hosts rises to 80 %, availability is not impacted".',
    ),
  expectedImpact: z
    .enum(IMPACTS)
    .default('none')
    .describe('The impact the hypothesis expects, as on the experiment card.'),
  /** The cadence group this experiment runs in. @default "default" (the top-level cadence) */
  cadence: z
    .string()
    .regex(NAME_PATTERN, 'cadence must name a cadence group (lower-case, digits, dashes)')
    .optional(),
  /** A disabled experiment is deployed but never scheduled. @default true */
  enabled: z.boolean().default(true),
  steadyState: z
    .array(probeSchema)
    .min(1, 'steadyState needs at least one probe')
    .describe('Probes checked before the fault (not steady: skipped, nothing injected) and again after it.'),
  fault: faultSchema,
  effect: effectSchema
    .optional()
    .describe(
      'How the run verifies the fault acted: cpuStress { minCpuPercent } (default 3/4 of loadPercent); imported templates { metric, min | max } (else unverified).',
    ),
  stopConditions: z
    .array(stopConditionSchema)
    .min(1, 'stopConditions needs at least one alarm: a fault with no abort condition is never allowed')
    .max(5, 'stopConditions allows at most 5 alarms (FIS limit)')
    .describe(
      'CloudWatch alarms that abort the fault when one enters ALARM (FIS native stop conditions too).',
    ),
  recovery: z
    .strictObject({
      window: isoDuration('recovery.window', 0, 6 * 3600).default('PT5M'),
      /** How long to wait between re-checks of the steady state. @default PT30S */
      interval: isoDuration('recovery.interval', 5, 600).default('PT30S'),
      expect: z.array(probeSchema).default([]),
    })
    .prefault({}),
});

const allowedHoursSchema = z
  .strictObject({
    days: z
      .array(z.enum(WEEKDAYS))
      .min(1, 'allowedHours.days needs at least one day')
      .default([...WORKING_DAYS]),
    start: z.string().regex(HHMM_PATTERN, 'allowedHours.start must be HH:MM (24 h)').default('09:00'),
    end: z.string().regex(HHMM_PATTERN, 'allowedHours.end must be HH:MM (24 h)').default('16:00'),
  })
  .refine((h) => h.start < h.end, { error: 'allowedHours.start must be before allowedHours.end' });

/** When runs happen: an EventBridge Scheduler expression in an IANA time zone. */
export const cadenceSchema = z
  .strictObject({
    expression: z.string().default('cron(0 10 ? * TUE#1 *)'),
    timeZone: z.string().default('UTC'),
    /** `false` deploys the schedule disabled. @default true */
    enabled: z.boolean().default(true),
    /**
     * How long before each run the preflight runs and emails a heads-up card; `false`: no heads-up.
     * @default PT24H
     */
    headsUp: z
      .union([z.literal(false), isoDuration('cadence.headsUp', HEADS_UP_MIN_SECONDS, HEADS_UP_MAX_SECONDS)])
      .default('PT24H')
      .describe(
        'How long before each run the preflight checks run and a heads-up email is sent (ISO 8601, PT1H-P7D; default PT24H); false: no heads-up.',
      ),
  })
  .superRefine((cadence, ctx) => {
    const tzProblem = checkTimeZone(cadence.timeZone);
    if (tzProblem) ctx.addIssue({ code: 'custom', path: ['timeZone'], message: tzProblem });
    const cronProblem = checkCadence(cadence.expression);
    if (cronProblem) ctx.addIssue({ code: 'custom', path: ['expression'], message: cronProblem });
  });

/** The whole `chaos-cadence.config.yaml`. */
export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    notifications: z
      .strictObject({
        emails: z
          .array(z.email({ error: (i) => `not a valid email address: ${JSON.stringify(i.input)}` }))
          .default([]),
      })
      .prefault({}),
    cadence: cadenceSchema
      .prefault({})
      .describe('When runs happen (default: first Tuesday of the month, 10:00 UTC).'),
    /** Extra cadence groups, each its own schedule; experiments name one with `cadence:`. */
    cadences: z.record(z.string().regex(NAME_PATTERN), cadenceSchema).default({}),
    /** Allow cadences that fire more often than weekly. @default false */
    allowFrequentRuns: z
      .boolean()
      .default(false)
      .describe('Allow a cadence that fires more often than weekly.'),
    pollInterval: isoDuration('pollInterval', 5, 300)
      .default('PT15S')
      .describe(
        'How often stop conditions, the kill switch and the fault are checked while it runs (PT5S-PT5M).',
      ),
    maxFaultDuration: isoDuration('maxFaultDuration', 60, FIS_MAX_DURATION_SECONDS)
      .default('PT1H')
      .describe('No fault may be configured longer (default PT1H, at most PT12H).'),
    guardRails: z
      .strictObject({
        /** SSM parameter holding the kill switch (`off`/`on`). @default /chaos-cadence/<stack>/kill-switch */
        killSwitchParameter: z
          .string()
          .regex(/^\/[\w./-]+$/, 'killSwitchParameter must be an SSM parameter path')
          .optional(),
        /** SSM Change Calendar name; runs only while it is OPEN. */
        changeCalendar: z.string().min(1).optional(),
        allowedHours: allowedHoursSchema.prefault({}),
      })
      .prefault({}),
    /** Ask FIS for its own PDF experiment report in the results bucket. @default false */
    fisReports: z
      .boolean()
      .default(false)
      .describe('Also ask FIS for its own PDF experiment report in the results bucket.'),
    experiments: z
      .array(experimentSchema)
      .min(1, 'experiments needs at least one experiment')
      .describe('The experiments this stack runs, each an experiment card.'),
  })
  .superRefine((config, ctx) => {
    for (const problem of cadenceProblems(config)) {
      ctx.addIssue({
        code: 'custom',
        path: problem.path ? problem.path.split(/\.|(?=\[)/).map(pathKey) : [],
        message: problem.message,
      });
    }
    const maxFault = durationSeconds(config.maxFaultDuration) ?? 3600;
    const seen = new Map<string, number>();
    config.experiments.forEach((experiment, index) => {
      const previous = seen.get(experiment.name);
      if (previous !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['experiments', index, 'name'],
          message: `name "${experiment.name}" is already used by experiments[${previous}]; names must be unique`,
        });
      }
      seen.set(experiment.name, index);
      const stress = experiment.fault.cpuStress;
      const faultSeconds = durationSeconds(stress?.duration ?? experiment.fault.duration ?? 'PT0S') ?? 0;
      if (faultSeconds > maxFault) {
        ctx.addIssue({
          code: 'custom',
          path: ['experiments', index, 'fault', ...(stress ? ['cpuStress'] : []), 'duration'],
          message: `fault duration ${stress?.duration ?? experiment.fault.duration} is longer than maxFaultDuration ${config.maxFaultDuration}; shorten it or raise maxFaultDuration (at most PT12H)`,
        });
      }
      for (const problem of effectProblems(experiment)) {
        ctx.addIssue({
          code: 'custom',
          path: ['experiments', index, ...problem.path],
          message: problem.message,
        });
      }
      if (
        experiment.cadence &&
        experiment.cadence !== 'default' &&
        !(experiment.cadence in config.cadences)
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['experiments', index, 'cadence'],
          message: `cadence "${experiment.cadence}" is not defined; add it under cadences: or remove the key to use the default cadence`,
        });
      }
    });
  });

type ProbeInput = z.output<typeof probeSchema>;

/** The options part of a probe, whatever its kind. */
function optionsOf(probe: ProbeInput): { during?: boolean; stopAfter?: string } {
  return 'alarm' in probe
    ? probe.alarm
    : 'http' in probe
      ? probe.http
      : 'asgCapacity' in probe
        ? probe.asgCapacity
        : probe.metric;
}

/** Problems of an experiment's effect and probe options that need the whole experiment to see. */
function effectProblems(
  experiment: z.output<typeof experimentSchema>,
): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const { effect, fault } = experiment;
  if (fault.cpuStress) {
    if (effect?.metric) {
      problems.push({
        path: ['effect', 'metric'],
        message: 'effect.metric is for fisTemplate/fisTemplateId; for cpuStress set effect.minCpuPercent',
      });
    }
    if (fault.cpuStress.cores > 0 && effect?.minCpuPercent === undefined) {
      problems.push({
        path: ['effect', 'minCpuPercent'],
        message: `fault.cpuStress.cores is ${fault.cpuStress.cores}, so the instance's CPU depends on its core count: set effect.minCpuPercent (e.g. loadPercent x cores / vCPUs)`,
      });
    }
  } else if (effect?.minCpuPercent !== undefined) {
    problems.push({
      path: ['effect', 'minCpuPercent'],
      message:
        'effect.minCpuPercent is for cpuStress; for an imported template set effect.metric with min or max',
    });
  }
  experiment.steadyState.forEach((probe, p) => {
    const options = optionsOf(probe);
    if (options.during === false && options.stopAfter !== undefined) {
      const kind = Object.keys(probe)[0] ?? 'probe';
      problems.push({
        path: ['steadyState', p, kind, 'stopAfter'],
        message: `${kind}.stopAfter needs the probe to run during the fault; remove during: false or stopAfter`,
      });
    }
  });
  experiment.recovery.expect.forEach((probe, p) => {
    const options = optionsOf(probe);
    if (options.during !== undefined || options.stopAfter !== undefined) {
      const kind = Object.keys(probe)[0] ?? 'probe';
      problems.push({
        path: ['recovery', 'expect', p, kind],
        message: `recovery.expect probes run after the fault only: remove ${kind}.during and ${kind}.stopAfter (put the probe under steadyState to check it during the fault)`,
      });
    }
  });
  return problems;
}

function pathKey(part: string): string | number {
  const index = /^\[(\d+)\]$/.exec(part);
  return index ? Number(index[1]) : part;
}

/** The config as written (before defaults). */
export type ConfigInput = z.input<typeof configSchema>;
/** The config after validation, with every default filled in. */
export type Config = z.output<typeof configSchema>;
/** One experiment after validation. */
export type ExperimentConfig = Config['experiments'][number];
/** One probe after validation. */
export type ProbeConfig = z.output<typeof probeSchema>;
/** A cadence after validation. */
export type CadenceConfig = z.output<typeof cadenceSchema>;
/** CPU stress after validation. */
export type CpuStressConfig = z.output<typeof cpuStressSchema>;

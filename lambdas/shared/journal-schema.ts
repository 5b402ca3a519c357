/**
 * The run journal in zod, defined once: `schema/run-journal.schema.json` is generated from it
 * (`npm run schema`, a test fails when the file is stale) and readers parse journals through it.
 * It describes exactly what `buildJournal` writes; every object is strict (no unknown properties).
 * Older journals are brought up to date by {@link upgradeJournal} before they are parsed.
 */
import { z } from 'zod';
import { EFFECT_STATUSES, FINDING_ANSWERS, IMPACTS, OUTCOMES } from './vocabulary';

/** The journal's named definitions: each becomes an entry of the JSON Schema's `$defs`. */
export const journalDefs = z.registry<{ id: string; description?: string }>();

const instant = z.iso.datetime({ offset: true });
const text = z.string();
const count = z.number().int().min(0);
const seconds = z.number().min(0);
const stringMap = z.record(z.string(), z.string());

const outcome = z.enum(OUTCOMES).register(journalDefs, {
  id: 'outcome',
  description:
    'passed: the fault acted, the impact stayed within the expectation during and after it, steady again in time; deviated: the impact exceeded the expectation (during or after the fault) or not steady again in time; aborted: a stop condition (alarm, probe stopAfter, kill switch) ended the fault early; inconclusive: the fault had no observable effect, nothing was proven; skipped: nothing injected (guard rails or steady state before); failed: the orchestration failed, the stop was requested and its confirmation recorded.',
});
const impact = z
  .enum(IMPACTS)
  .register(journalDefs, { id: 'impact', description: 'none | degraded | outage' });
const probeKind = z.enum(['alarm', 'http', 'asgCapacity', 'metric']);
const faultState = z
  .enum([
    'pending',
    'initiating',
    'running',
    'completed',
    'stopping',
    'stopped',
    'failed',
    'cancelled',
    'dry-run',
  ])
  .register(journalDefs, { id: 'faultState' });
const stopReason = z
  .enum(['stop-condition', 'probe', 'kill-switch', 'time-over', 'error'])
  .register(journalDefs, { id: 'stopReason' });
const stoppedBy = z
  .enum(['poll', 'event', 'fis-native', 'halt'])
  .register(journalDefs, { id: 'stoppedBy', description: 'Who stopped the fault early.' });

const guardRails = z
  .strictObject({
    allowed: z.boolean(),
    reason: text.optional().describe('Why not, when allowed is false.'),
    checks: z.array(
      z.strictObject({
        name: z.enum(['killSwitch', 'singleRun', 'changeCalendar', 'allowedHours', 'experiments']),
        ok: z.boolean(),
        detail: text.describe('What was seen.'),
      }),
    ),
    checkedAt: instant,
  })
  .register(journalDefs, {
    id: 'guardRails',
    description: 'The guard-rail decision at the start of the run.',
  });

// ---------------------------------------------------------------------------------------------
// The plan, as it ran.
// ---------------------------------------------------------------------------------------------

const probeOptions = {
  during: z.boolean().optional(),
  stopAfterSeconds: seconds.optional(),
};

const probeSpec = z
  .discriminatedUnion('kind', [
    z.strictObject({
      ...probeOptions,
      kind: z.literal('alarm'),
      id: text,
      alarmName: text,
      allowInsufficientData: z.boolean(),
    }),
    z.strictObject({
      ...probeOptions,
      kind: z.literal('http'),
      id: text,
      url: text,
      method: z.enum(['GET', 'HEAD']),
      expectedStatus: z.number().int(),
      timeoutSeconds: seconds,
      bodyMatch: text.optional(),
    }),
    z.strictObject({
      ...probeOptions,
      kind: z.literal('asgCapacity'),
      id: text,
      groupName: text,
      minInService: count,
    }),
    z.strictObject({
      ...probeOptions,
      kind: z.literal('metric'),
      id: text,
      namespace: text,
      metricName: text,
      dimensions: stringMap,
      statistic: text,
      periodSeconds: seconds,
      windowSeconds: seconds,
      min: z.number().optional(),
      max: z.number().optional(),
    }),
  ])
  .register(journalDefs, { id: 'probeSpec', description: 'A steady-state probe as planned.' });

const effectSpec = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('cpu'), minCpuPercent: z.number(), derived: z.boolean() }),
    z.strictObject({
      kind: z.literal('metric'),
      namespace: text,
      metricName: text,
      dimensions: stringMap,
      statistic: text,
      periodSeconds: seconds,
      min: z.number().optional(),
      max: z.number().optional(),
    }),
  ])
  .register(journalDefs, { id: 'effectSpec', description: 'How the fault’s effect is verified.' });

const cpuStress = z
  .strictObject({
    loadPercent: z.number(),
    cores: count,
    durationSeconds: seconds,
    installDependencies: z.boolean(),
    targets: z.strictObject({
      tags: stringMap,
      selection: text.regex(/^(ALL|COUNT\(\d+\)|PERCENT\(\d+\))$/),
    }),
  })
  .register(journalDefs, { id: 'cpuStress' });

const faultPlan = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('fis'),
    source: z.enum(['cpuStress', 'fisTemplate', 'fisTemplateId']),
    templateId: text,
    durationSeconds: seconds,
    maxRunSeconds: seconds,
    scope: text.describe('One line: what is hit and how.'),
    cpuStress: cpuStress.optional(),
  }),
  z.strictObject({
    kind: z.literal('ssm'),
    source: z.literal('cpuStress'),
    documentName: text,
    durationSeconds: seconds,
    maxRunSeconds: seconds,
    scope: text.describe('One line: what is hit and how.'),
    cpuStress,
  }),
]);

const plan = z
  .strictObject({
    name: text,
    application: text,
    description: text.optional(),
    hypothesis: text,
    expectedImpact: impact,
    steadyState: z.array(probeSpec),
    fault: faultPlan,
    effect: effectSpec.optional(),
    stopConditions: z.array(z.strictObject({ alarmName: text })),
    recovery: z.strictObject({
      windowSeconds: seconds,
      intervalSeconds: seconds,
      expect: z.array(probeSpec),
    }),
    pollIntervalSeconds: seconds,
  })
  .register(journalDefs, {
    id: 'plan',
    description: 'The experiment definition as it ran (snapshot of the deployed config).',
  });

// ---------------------------------------------------------------------------------------------
// What the run saw.
// ---------------------------------------------------------------------------------------------

const probeResult = z
  .strictObject({
    id: text.describe('Stable, readable probe id, e.g. alarm:sock-shop-5xx.'),
    kind: probeKind,
    ok: z.boolean(),
    expected: text.describe('What the probe expects, e.g. state OK, HTTP 200 within 3 s.'),
    observed: text.describe('What was seen.'),
    checkedAt: instant,
    error: text.optional().describe('Why the probe could not be evaluated (counts as not ok).'),
    value: z.number().optional().describe('The numeric value seen, when there is one.'),
  })
  .register(journalDefs, { id: 'probeResult' });

const steadyStateCheck = z
  .strictObject({
    phase: z.enum(['before', 'after']),
    steady: z.boolean(),
    attempt: z.number().int().min(1),
    checkedAt: instant,
    probes: z.array(probeResult),
  })
  .register(journalDefs, { id: 'steadyStateCheck' });

const fault = z
  .strictObject({
    kind: z.enum(['fis', 'ssm']),
    id: text.describe('FIS experiment id (EXP...) or SSM command id (the first, when there are several).'),
    commandIds: z
      .array(text)
      .optional()
      .describe('SSM: every command id, one per chunk of at most 50 targets.'),
    startedAt: instant,
    state: faultState,
    targets: z.array(text).optional().describe('Instance ids targeted, when known.'),
    dryRun: z.boolean(),
    templateId: text.optional().describe('FIS experiment template id.'),
  })
  .register(journalDefs, { id: 'fault', description: 'The started fault.' });

const stop = z
  .strictObject({
    requestedAt: instant.describe('When the stop request was sent (before any read).'),
    confirmation: z
      .enum(['confirmed', 'not-confirmed'])
      .describe(
        'confirmed: a read saw the fault ended or rolling back; not-confirmed: no read could confirm it.',
      ),
    confirmedState: faultState.optional(),
    alreadyEnded: z.boolean(),
    reason: stopReason,
    readError: text.optional(),
    checkCommand: text.optional(),
    earlierFaults: z.array(text).optional(),
  })
  .register(journalDefs, { id: 'stop' });

const alarmTransition = z
  .strictObject({ alarmName: text, from: text, to: text, at: instant })
  .register(journalDefs, { id: 'alarmTransition' });

const finding = z
  .strictObject({
    answer: z.enum(FINDING_ANSWERS),
    text: text.describe('The evidence, rendered from the facts of the run.'),
  })
  .register(journalDefs, { id: 'finding' });

const conclusions = z
  .strictObject({
    expected: finding,
    detected: finding,
    handled: finding,
    automate: z.array(text).describe('What to automate, derived from the findings.'),
    digDeeper: z.array(text).describe('What to look into next, derived from the findings.'),
  })
  .register(journalDefs, {
    id: 'conclusions',
    description: 'The experiment card’s conclusions, as measurements.',
  });

const probeSegment = z.strictObject({
  from: instant,
  to: instant,
  ok: z.boolean(),
  checks: count,
  observed: text,
});

const duringProbe = z.strictObject({
  id: text,
  kind: probeKind,
  checks: count,
  failures: count,
  unevaluated: count,
  firstFailureAt: instant.optional(),
  lastFailureAt: instant.optional(),
  failingSince: instant.optional(),
  longestFailureSeconds: seconds,
  worst: z.strictObject({ observed: text, at: instant, value: z.number().optional() }).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  segments: z.array(probeSegment),
  droppedSegments: count,
});

const duringSummary = z
  .strictObject({
    checks: count,
    firstAt: instant.optional(),
    lastAt: instant.optional(),
    probes: z.array(duringProbe),
    series: z
      .strictObject({
        batches: count,
        checks: count,
        unwritten: count.optional().describe('Batches the poll could not write.'),
        lastError: text.optional(),
      })
      .optional()
      .describe('Where the full series went: one S3 object per poll batch.'),
  })
  .register(journalDefs, {
    id: 'duringSummary',
    description: 'The steady-state probes while the fault ran: a compact summary per probe.',
  });

const probeObservation = z.strictObject({
  at: instant,
  ok: z.boolean().optional(),
  observed: text.optional(),
  value: z.number().optional(),
  error: text.optional(),
});

const duringSeries = z
  .strictObject({
    probes: z.record(z.string(), z.array(probeObservation)),
    batches: count,
    missing: text.optional(),
  })
  .register(journalDefs, {
    id: 'duringSeries',
    description: 'Every during-fault check, per probe, joined from probe-series/ by PublishResults.',
  });

const effect = z
  .strictObject({
    status: z.enum(EFFECT_STATUSES),
    detail: text,
    threshold: text.optional(),
    targets: z
      .array(
        z.strictObject({
          id: text,
          periodSeconds: seconds,
          maxCpu: z.number().optional(),
          datapoints: count,
          command: text.optional(),
        }),
      )
      .optional(),
    targetsLeftOut: count.optional(),
    value: z.number().optional(),
    command: text.optional(),
    checkedAt: instant,
  })
  .register(journalDefs, { id: 'effect', description: 'Effect verification: did the fault act?' });

const capacityTrace = z.strictObject({
  group: text,
  before: z.number().optional(),
  peak: z.number().optional(),
  after: z.number().optional(),
});

const experimentResult = z
  .strictObject({
    name: text,
    application: text,
    outcome,
    reason: text.describe('One line: why this outcome (the email subject uses it).'),
    advice: text.optional().describe('What to do about it (skipped, failed).'),
    hypothesis: text,
    expectedImpact: impact,
    observedImpact: impact,
    conclusions,
    timeToStopSeconds: seconds.optional(),
    stoppedBy: stoppedBy.optional(),
    recoverySeconds: seconds.optional(),
    timeToDetectSeconds: seconds.optional(),
    during: duringSummary.optional(),
    duringSeries: duringSeries.optional(),
    effect: effect.optional(),
    capacity: z.array(capacityTrace).optional(),
    startedAt: instant,
    endedAt: instant,
    steadyStateBefore: steadyStateCheck.optional(),
    steadyStateAfter: z.array(steadyStateCheck),
    fault: fault.optional(),
    faultEndedAt: instant.optional(),
    stop: stop.optional(),
    alarmTransitions: z.array(alarmTransition),
    error: z.strictObject({ error: text, cause: text, state: text.optional() }).optional(),
    plan,
  })
  .register(journalDefs, { id: 'experimentResult', description: 'The result of one experiment.' });

const stateArn = z.string().regex(/^arn:aws[a-z-]*:states:/);

/** The run journal: `s3://<bucket>/runs/<yyyy>/<mm>/<run id>.json`, as `buildJournal` writes it. */
export const runJournalSchema = z.strictObject({
  schemaVersion: z.literal(1).describe('Version of this format; changes only for incompatible changes.'),
  runId: z.string().min(1).describe('The Step Functions execution name.'),
  executionArn: stateArn,
  stateMachineArn: stateArn,
  trigger: z.enum(['schedule', 'manual']),
  dryRun: z.boolean(),
  startedAt: instant,
  endedAt: instant.describe('When the results were published.'),
  configHash: z.string().min(1).describe('sha256 of the config file the deployment was built from.'),
  guardRails: guardRails.optional(),
  experiments: z
    .array(experimentResult)
    .describe('One entry per experiment, in run order. Empty when the guard rails did not allow the run.'),
});

/** A run journal as the zod schema reads it. */
export type RunJournalData = z.output<typeof runJournalSchema>;

/**
 * Brings a journal written by an earlier version up to today's shape (a copy; `value` is not
 * changed): `stop.confirmation` (added with the confirmed stop; a confirmed state meant confirmed),
 * conclusions recorded as booleans (the first journals: the answer without its evidence) and
 * `conclusions.automate` (added with the findings; none). Anything else is left for the schema to judge.
 */
export function upgradeJournal(value: unknown): unknown {
  if (!isRecord(value) || !Array.isArray(value.experiments)) return value;
  return {
    ...value,
    experiments: value.experiments.map((experiment: unknown) => {
      if (!isRecord(experiment)) return experiment;
      const upgraded: Record<string, unknown> = { ...experiment };
      const { stop: oldStop, conclusions: oldConclusions } = experiment;
      if (isRecord(oldStop) && oldStop.confirmation === undefined) {
        upgraded.stop = {
          ...oldStop,
          confirmation: oldStop.confirmedState === undefined ? 'not-confirmed' : 'confirmed',
        };
      }
      if (isRecord(oldConclusions)) {
        upgraded.conclusions = {
          ...oldConclusions,
          ...Object.fromEntries(
            (['expected', 'detected', 'handled'] as const)
              .filter((key) => typeof oldConclusions[key] === 'boolean')
              .map((key) => [
                key,
                { answer: oldConclusions[key] === true ? 'yes' : 'no', text: OLD_FINDING_TEXT },
              ]),
          ),
          ...(oldConclusions.automate === undefined ? { automate: [] } : {}),
        };
      }
      return upgraded;
    }),
  };
}

/** The evidence of a finding the first journals recorded as a bare yes or no. */
export const OLD_FINDING_TEXT = 'recorded as a bare yes or no by an earlier version, without its evidence';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first problem zod found, naming the field: `experiments[0].outcome: Invalid option...`. */
export function describeJournalProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'not a run journal';
  const path = issue.path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return `${path || '(journal)'}: ${issue.message}${more}`;
}

/** The run journal's JSON Schema (draft 2020-12), generated from {@link runJournalSchema}. */
export function runJournalJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(runJournalSchema, {
    target: 'draft-2020-12',
    metadata: journalDefs,
    io: 'output',
  });
  return {
    $schema: schema.$schema,
    $id: 'https://github.com/chaos-cadence/chaos-cadence/schema/run-journal.schema.json',
    title: 'chaos-cadence run journal',
    description:
      'One object per run at s3://<results bucket>/runs/<yyyy>/<mm>/<run id>.json, written by the PublishResults state. The history the CLI (`chaos-cadence history`) and the HTML report read. Generated from lambdas/shared/journal-schema.ts (`npm run schema`).',
    ...schema,
  };
}

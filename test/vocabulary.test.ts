// The outcome and impact vocabularies are defined once (lambdas/shared/vocabulary.ts); the files that
// must repeat them (JSON Schemas, the ASL's minimal failed result) are checked against it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import journalSchema from '../schema/run-journal.schema.json';
import configSchema from '../schema/chaos-cadence.config.schema.json';
import { OUTCOME_COLOURS } from '../lambdas/shared/render/html';
import { OUTCOME_MEANING } from '../lambdas/shared/render/format';
import { METRIC_NAMES } from '../lambdas/shared/render/metrics';
import type { ProbeSpec } from '../lambdas/shared/types';
import {
  CHECK_PHASES,
  EFFECT_STATUSES,
  ENDED_FAULT_STATES,
  FAULT_KINDS,
  FAULT_STATES,
  FINDING_ANSWERS,
  IMPACTS,
  INJECTING_FAULT_STATES,
  OUTCOMES,
  PROBE_KINDS,
  STOP_REASONS,
  TERMINAL_FAULT_STATES,
  TRIGGERS,
  type ProbeKind,
} from '../lambdas/shared/vocabulary';
import { isVerdictLine } from '../lib/cli/verdict';

describe('the outcome and impact vocabularies', () => {
  it('are the enums of the run journal schema', () => {
    const defs = journalSchema.$defs as Record<
      string,
      { enum?: unknown; properties?: Record<string, { enum?: unknown }> }
    >;

    expect([defs.outcome?.enum, defs.impact?.enum]).toEqual([[...OUTCOMES], [...IMPACTS]]);
    expect(defs.finding?.properties?.answer?.enum).toEqual([...FINDING_ANSWERS]);
    expect(defs.effect?.properties?.status?.enum).toEqual([...EFFECT_STATUSES]);
  });

  it('are, as sets, the other enums of the run journal schema', () => {
    const defs = journalSchema.$defs as Record<string, { enum?: string[] }>;
    const sorted = (values: readonly string[] | undefined): string[] => [...(values ?? [])].sort();

    expect(sorted(defs.faultState?.enum)).toEqual(sorted(FAULT_STATES));
    expect(sorted(defs.stopReason?.enum)).toEqual(sorted(STOP_REASONS));
    expect(sorted(journalSchema.properties.trigger.enum)).toEqual(sorted(TRIGGERS));
    const text = JSON.stringify(journalSchema);
    for (const values of [PROBE_KINDS, CHECK_PHASES, FAULT_KINDS]) {
      expect(text).toContain(JSON.stringify(values));
    }
  });

  it('is the expectedImpact enum of the config schema', () => {
    const experiment = (
      configSchema as {
        properties: { experiments: { items: { properties: Record<string, { enum?: unknown }> } } };
      }
    ).properties.experiments.items;

    expect(experiment.properties.expectedImpact?.enum).toEqual([...IMPACTS]);
  });

  it('gives every outcome a meaning, a colour and a metric or HypothesisHeld', () => {
    const metrics = Object.values(METRIC_NAMES) as string[];

    for (const outcome of OUTCOMES) {
      expect([typeof OUTCOME_MEANING[outcome], typeof OUTCOME_COLOURS[outcome]]).toEqual([
        'string',
        'object',
      ]);
      expect(outcome === 'passed' || metrics.includes(outcome[0]?.toUpperCase() + outcome.slice(1))).toBe(
        true,
      );
    }
  });

  it('lets the CLI read every outcome from an execution output', () => {
    expect(OUTCOMES.filter((outcome) => !isVerdictLine({ name: 'x', outcome, reason: 'y' }))).toEqual([]);
  });

  it.each([
    [
      'outcome or impact list',
      [
        'lambdas/shared/render/subject.ts',
        'lambdas/shared/render/metrics.ts',
        'lib/cli/verdict.ts',
        'lib/config/schema.ts',
      ],
      /'passed',\s*'deviated'|'none',\s*'degraded',\s*'outage'/,
    ],
    [
      'list of fault states or SSM statuses',
      [
        'lambdas/shared/faults.ts',
        'lambdas/shared/stop.ts',
        'lambdas/shared/stop-text.ts',
        'lambdas/stop-fault/stop-fault.ts',
        'lambdas/verdict/verdict.ts',
        'lambdas/abort-on-event/abort-on-event.ts',
        'lib/cli/commands/halt.ts',
      ],
      /'completed',\s*'stopped'|'stopped',\s*'failed'|'pending',\s*'initiating'|'Pending',\s*'InProgress'/,
    ],
  ])('leaves no hand-written %s in the code', (_what, files, pattern) => {
    for (const file of files) {
      expect(readFileSync(join(__dirname, '..', file), 'utf8')).not.toMatch(pattern);
    }
  });
});

describe('the fault states', () => {
  it('split into injecting and ended, the ended ones being stopping and the terminal ones', () => {
    expect([...INJECTING_FAULT_STATES, ...ENDED_FAULT_STATES]).toEqual([...FAULT_STATES]);
    expect(ENDED_FAULT_STATES).toEqual(['stopping', ...TERMINAL_FAULT_STATES]);
  });

  it('name every kind a probe spec may have', () => {
    // Type-checked both ways: each ProbeKind is a spec's kind, and each spec's kind a ProbeKind.
    const specKinds: ProbeSpec['kind'][] = [...PROBE_KINDS];
    const kinds: ProbeKind[] = specKinds;

    expect(kinds).toEqual([...PROBE_KINDS]);
  });
});

// The outcome and impact vocabularies are defined once (lambdas/shared/vocabulary.ts); the files that
// must repeat them (JSON Schemas, the ASL's minimal failed result) are checked against it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import journalSchema from '../schema/run-journal.schema.json';
import configSchema from '../schema/chaos-cadence.config.schema.json';
import { OUTCOME_COLOURS } from '../lambdas/shared/render/html';
import { OUTCOME_MEANING } from '../lambdas/shared/render/format';
import { METRIC_NAMES } from '../lambdas/shared/render/metrics';
import { EFFECT_STATUSES, FINDING_ANSWERS, IMPACTS, OUTCOMES } from '../lambdas/shared/vocabulary';
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

  it('leaves no hand-written outcome list in the code', () => {
    const files = [
      'lambdas/shared/render/subject.ts',
      'lambdas/shared/render/metrics.ts',
      'lib/cli/verdict.ts',
      'lib/config/schema.ts',
    ];
    for (const file of files) {
      expect(readFileSync(join(__dirname, '..', file), 'utf8')).not.toMatch(
        /'passed',\s*'deviated'|'none',\s*'degraded',\s*'outage'/,
      );
    }
  });
});

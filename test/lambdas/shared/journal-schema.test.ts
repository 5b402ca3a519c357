// The run journal is defined once, in zod (lambdas/shared/journal-schema.ts): the JSON Schema file is
// generated from it, readers parse through it, and the TypeScript types agree with it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import {
  OLD_FINDING_TEXT,
  runJournalJsonSchema,
  runJournalSchema,
} from '../../../lambdas/shared/journal-schema';
import { buildJournal } from '../../../lambdas/shared/render/journal';
import { parseRunJournal, readRunJournalText } from '../../../lambdas/shared/resilience/journals';
import type { RunJournal } from '../../../lambdas/shared/types';
import { yearOfJournals } from '../../fixtures/history';
import { deviatedDuringResult, inconclusiveResult } from '../../fixtures/observed-results';
import { publishInput, resultsByOutcome } from '../../fixtures/results';

const root = join(__dirname, '..', '..', '..');

/** Every journal the fixtures (and so the golden files) are rendered from. */
const fixtureJournals: readonly (readonly [string, RunJournal])[] = [
  ...Object.entries({
    ...resultsByOutcome,
    'deviated-during': deviatedDuringResult,
    inconclusive: inconclusiveResult,
  }).map(([name, result]) => [name, buildJournal(publishInput(result), '2026-03-03T09:20:00.000Z')] as const),
  ['several', buildJournal(publishInput(...Object.values(resultsByOutcome)), '2026-03-03T09:20:00.000Z')],
  ...yearOfJournals().map((journal) => [`history ${journal.runId}`, journal] as const),
];

/** A journal as S3 holds it: plain JSON text. */
const stored = (journal: unknown): string => JSON.stringify(journal);

function passedJournal(): Record<string, unknown> & { experiments: Record<string, unknown>[] } {
  return JSON.parse(stored(fixtureJournals[0]?.[1])) as Record<string, unknown> & {
    experiments: Record<string, unknown>[];
  };
}

describe('runJournalJsonSchema', () => {
  it('matches the committed schema file (run `npm run schema` after changing the journal schema)', () => {
    const committed: unknown = JSON.parse(
      readFileSync(join(root, 'schema', 'run-journal.schema.json'), 'utf8'),
    );

    expect(committed).toEqual(runJournalJsonSchema());
  });

  it('closes every object of the journal (additionalProperties: false)', () => {
    const open: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${at}/${i}`));
      else if (typeof node === 'object' && node !== null) {
        const o = node as Record<string, unknown>;
        if (o.type === 'object' && o.properties !== undefined && o.additionalProperties !== false)
          open.push(at);
        for (const [k, v] of Object.entries(o)) walk(v, `${at}/${k}`);
      }
    };

    walk(runJournalJsonSchema(), '#');

    expect(open).toEqual([]);
  });
});

describe('parseRunJournal', () => {
  it.each(fixtureJournals)('reads the %s journal as buildJournal wrote it', (_name, journal) => {
    const reading = readRunJournalText(stored(journal));

    expect(reading).toEqual({ journal: JSON.parse(stored(journal)) as unknown });
  });

  it('reads a journal written before stops were confirmed and conclusions named what to automate', () => {
    const old = passedJournal();
    const aborted = JSON.parse(stored(resultsByOutcome.aborted)) as Record<string, unknown>;
    const { confirmation: _c, ...oldStop } = aborted.stop as Record<string, unknown>;
    const { automate: _a, ...oldConclusions } = aborted.conclusions as Record<string, unknown>;
    old.experiments = [{ ...aborted, stop: oldStop, conclusions: oldConclusions }];

    const journal = parseRunJournal(stored(old));

    expect([
      journal?.experiments[0]?.stop?.confirmation,
      journal?.experiments[0]?.conclusions.automate,
    ]).toEqual([oldStop.confirmedState === undefined ? 'not-confirmed' : 'confirmed', []]);
  });

  it('reads a journal of the first version, whose conclusions were booleans', () => {
    const old = passedJournal();
    const first = old.experiments[0] ?? {};
    const { automate: _a, ...findings } = first.conclusions as Record<string, unknown>;
    old.experiments = [
      { ...first, conclusions: { ...findings, expected: true, detected: false, handled: true } },
    ];

    const journal = parseRunJournal(stored(old));

    expect(journal?.experiments[0]?.conclusions).toEqual({
      expected: { answer: 'yes', text: OLD_FINDING_TEXT },
      detected: { answer: 'no', text: OLD_FINDING_TEXT },
      handled: { answer: 'yes', text: OLD_FINDING_TEXT },
      automate: [],
      digDeeper: (findings as { digDeeper: unknown }).digDeeper,
    });
  });

  it('rejects a journal with an unknown outcome, naming the field', () => {
    const bad = passedJournal();
    bad.experiments[0] = { ...bad.experiments[0], outcome: 'great' };

    const reading = readRunJournalText(stored(bad));

    expect(reading).toEqual({ problem: expect.stringMatching(/^experiments\[0\]\.outcome: /) as unknown });
  });

  it('rejects a journal with a property the format does not have, naming it', () => {
    const bad = passedJournal();
    bad.experiments[0] = { ...bad.experiments[0], verdict: 'great' };

    const reading = readRunJournalText(stored(bad));

    expect(reading).toEqual({ problem: expect.stringMatching(/^experiments\[0\]: .*verdict/) as unknown });
  });

  it('rejects text that is not JSON', () => {
    expect(readRunJournalText('{')).toEqual({ problem: 'not valid JSON' });
  });
});

// Type level: the zod output and the TypeScript RunJournal describe the same journal.
type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const typesAgree: Same<DeepReadonly<z.output<typeof runJournalSchema>>, DeepReadonly<RunJournal>> = true;

describe('the RunJournal type', () => {
  it('is the zod schema’s output type (checked by the compiler)', () => {
    expect(typesAgree).toBe(true);
  });
});

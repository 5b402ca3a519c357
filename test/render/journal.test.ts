import { buildJournal, journalKey, reportKey } from '../../lambdas/shared/render/journal';
import { publishInput, resultsByOutcome as fixtures, run } from '../fixtures/results';
import { deviatedDuringResult, inconclusiveResult } from '../fixtures/observed-results';

const resultsByOutcome = {
  ...fixtures,
  'deviated-during': deviatedDuringResult,
  inconclusive: inconclusiveResult,
};
import { journalValidator } from './journal-schema';

describe('journalKey', () => {
  it('files the journal under the year and month of the run start', () => {
    expect(journalKey('sched-1', '2026-03-03T09:00:02.000Z')).toBe('runs/2026/03/sched-1.json');
  });

  it('keeps slashes out of the key whatever the run id', () => {
    expect(journalKey('../evil/x', '2026-12-31T23:59:59.000Z')).toBe('runs/2026/12/.._evil_x.json');
  });
});

describe('reportKey', () => {
  it('puts the report under reports/', () => {
    expect(reportKey('sched-1')).toBe('reports/sched-1.html');
  });
});

describe('buildJournal', () => {
  it('records the run, the guard rails and every result', () => {
    const input = publishInput(resultsByOutcome.passed);

    const journal = buildJournal(input, '2026-03-03T09:08:42.000Z');

    expect(journal).toMatchObject({
      schemaVersion: 1,
      runId: run.runId,
      trigger: 'schedule',
      configHash: run.configHash,
      endedAt: '2026-03-03T09:08:42.000Z',
      guardRails: input.guardRails,
      experiments: [resultsByOutcome.passed],
    });
  });

  it.each(Object.keys(resultsByOutcome) as (keyof typeof resultsByOutcome)[])(
    'writes a %s journal valid against schema/run-journal.schema.json',
    (outcome) => {
      const validate = journalValidator();
      const journal = JSON.parse(
        JSON.stringify(buildJournal(publishInput(resultsByOutcome[outcome]), '2026-03-03T09:20:00.000Z')),
      ) as unknown;

      const valid = validate(journal);

      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    },
  );

  it('fails schema validation when an experiment has an unknown outcome', () => {
    const validate = journalValidator();
    const journal = buildJournal(
      publishInput({ ...resultsByOutcome.passed, outcome: 'great' as never }),
      '2026-03-03T09:20:00.000Z',
    );

    expect(validate(JSON.parse(JSON.stringify(journal)))).toBe(false);
  });
});

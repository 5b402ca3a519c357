import { emailOf, reportOf } from './report-fixtures';
import { expectGolden } from './golden';
import { resultsByOutcome, abortedResult, passedResult, skippedResult } from '../fixtures/results';
import { deviatedDuringResult, inconclusiveResult } from '../fixtures/observed-results';

/** Every outcome, plus `deviated` during the fault (recovered afterwards); the last two from the real verdict. */
const cards = {
  ...resultsByOutcome,
  'deviated-during': deviatedDuringResult,
  inconclusive: inconclusiveResult,
} as const;
const outcomes = Object.keys(cards) as (keyof typeof cards)[];

describe('renderEmailText (golden files)', () => {
  it.each(outcomes)('lays out the %s experiment card as plain text', (outcome) => {
    const text = emailOf(cards[outcome]);

    expectGolden(`${outcome}.email.txt`, text);
  });

  it('lists every experiment of a run with several experiments before their cards', () => {
    const text = emailOf(
      passedResult,
      { ...abortedResult, name: 'api-cpu-90' },
      { ...skippedResult, name: 'db-cpu' },
    );

    expectGolden('several.email.txt', text);
  });
});

describe('renderReportHtml (golden files)', () => {
  it.each(outcomes)('renders the %s experiment card as HTML', (outcome) => {
    const html = reportOf(cards[outcome]);

    expectGolden(`${outcome}.report.html`, html);
  });
});

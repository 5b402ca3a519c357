import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  OUTCOME_EXIT_CODES,
  OUTCOME_EXIT_PRECEDENCE,
  outcomeExitTable,
  outcomesExitCode,
} from '../../lib/cli/commands/run-exit-codes';
import { ExitCode } from '../../lib/cli/errors';
import { OUTCOMES } from '../../lambdas/shared/vocabulary';
import { runCli } from './helpers';

describe('outcome exit codes', () => {
  it('gives every outcome its own code, none shared with failed operations (1) or bad usage (2)', () => {
    const codes = OUTCOMES.map((outcome) => OUTCOME_EXIT_CODES[outcome]);

    expect(new Set(codes).size).toBe(OUTCOMES.length);
    expect(codes).not.toContain(ExitCode.Failed);
    expect(codes).not.toContain(ExitCode.Usage);
    expect(OUTCOME_EXIT_CODES.passed).toBe(ExitCode.Ok);
  });

  it('ranks every outcome exactly once for runs with several experiments', () => {
    expect([...OUTCOME_EXIT_PRECEDENCE].sort()).toEqual([...OUTCOMES].sort());
  });

  it('lets the most urgent outcome decide: failed over deviated over aborted over inconclusive over skipped', () => {
    expect(outcomesExitCode(['passed', 'skipped', 'inconclusive', 'aborted', 'deviated', 'failed'])).toBe(7);
    expect(outcomesExitCode(['passed', 'skipped', 'inconclusive', 'aborted', 'deviated'])).toBe(3);
    expect(outcomesExitCode(['passed', 'skipped', 'inconclusive', 'aborted'])).toBe(4);
    expect(outcomesExitCode(['passed', 'skipped', 'inconclusive'])).toBe(5);
    expect(outcomesExitCode(['passed', 'skipped'])).toBe(6);
    expect(outcomesExitCode(['passed', 'passed'])).toBe(0);
  });

  it('counts a run without experiments as skipped, never as passed', () => {
    expect(outcomesExitCode([])).toBe(OUTCOME_EXIT_CODES.skipped);
  });

  it('prints the whole table in the help of the program, run and rehearse', async () => {
    const table = outcomeExitTable().join('\n');

    for (const argv of [['--help'], ['run', '--help'], ['rehearse', '--help']]) {
      const result = await runCli(argv);
      expect(result.stdout).toContain(table);
    }
  });

  it('documents the same table in the README', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

    expect(readme).toContain(outcomeExitTable().join('\n'));
  });
});

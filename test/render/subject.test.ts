import { emailSubject, MAX_SUBJECT_LENGTH, toSubjectText } from '../../lambdas/shared/render/subject';
import {
  abortedResult,
  failedResult,
  passedResult,
  resultsByOutcome,
  skippedResult,
} from '../fixtures/results';

describe('emailSubject', () => {
  it.each(Object.values(resultsByOutcome))(
    'names the experiment, the outcome and the reason ($outcome)',
    (result) => {
      const subject = emailSubject([result]);

      expect(subject.startsWith(`[chaos-cadence] web-cpu-80: ${result.outcome.toUpperCase()} - `)).toBe(true);
      expect(subject.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
    },
  );

  it('reads exactly as the design says for an aborted run', () => {
    const subject = emailSubject([abortedResult]);

    expect(subject).toBe(
      // 100 characters in full: SNS takes less than 100, so the end is cut (the body has it all).
      '[chaos-cadence] web-cpu-80: ABORTED - stop condition sock-shop-5xx fired after 90 s; stopped in...',
    );
  });

  it('cuts a long reason to less than 100 characters ending with an ellipsis', () => {
    const subject = emailSubject([{ ...failedResult, reason: 'x '.repeat(200) }]);

    expect(subject.length).toBeGreaterThanOrEqual(97);
    expect(subject.length).toBeLessThan(100);
    expect(subject.endsWith('...')).toBe(true);
  });

  it('keeps the subject ASCII and on one line', () => {
    const subject = emailSubject([{ ...passedResult, reason: 'CPU ≥ 80 %\nrecovered — fine → ok ✓' }]);

    expect(subject).toBe('[chaos-cadence] web-cpu-80: PASSED - CPU >= 80 % recovered - fine -> ok');
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
  });

  it('summarizes several experiments by outcome', () => {
    const subject = emailSubject([
      passedResult,
      { ...passedResult, name: 'b' },
      { ...abortedResult, name: 'c' },
    ]);

    expect(subject).toBe('[chaos-cadence] 3 experiments: 2 PASSED, 1 ABORTED');
  });

  it('marks a dry run', () => {
    const subject = emailSubject([passedResult], { dryRun: true });

    expect(subject.startsWith('[chaos-cadence] web-cpu-80: PASSED (dry run) - ')).toBe(true);
  });

  it('says why when no experiment ran', () => {
    const subject = emailSubject([], { runId: 'r-1', noRunReason: 'kill switch is on' });

    expect(subject).toBe('[chaos-cadence] run r-1: SKIPPED - kill switch is on');
  });

  it('stays under 100 characters for the longest experiment name', () => {
    const subject = emailSubject([{ ...skippedResult, name: 'a'.repeat(64) }]);

    expect(subject.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
    expect(subject).toContain('SKIPPED');
  });
});

describe('toSubjectText', () => {
  it('removes control characters and accents', () => {
    expect(toSubjectText('café\t\r\nok')).toBe('cafe ok');
  });
});

import { describeTaskResult } from '../../lib/rehearsal/progress';
import type { FaultRef, PollResult, StopResult } from '../../lambdas/shared/types';

describe('describeTaskResult', () => {
  it('describes a result by the core the task table gives the state that answered', () => {
    const poll = { action: 'stop', detail: 'alarm shop-5xx is in ALARM' } as PollResult;

    expect(describeTaskResult('PollStopConditions', poll)).toBe('stop: alarm shop-5xx is in ALARM');
  });

  it('describes the run lock release, which no field of its result gave away', () => {
    const released = { released: true, detail: 'run lock released' };

    expect(describeTaskResult('ReleaseRunLock', released)).toBe('run lock released');
  });

  it('describes a stop that was not confirmed as requested, never as stopped', () => {
    const stop = {
      confirmation: 'not-confirmed',
      checkCommand: 'aws fis get-experiment --id EXP1',
      alreadyEnded: false,
    } as StopResult;

    expect(describeTaskResult('StopFaultAfterError', stop)).toBe(
      'stop requested, not confirmed: aws fis get-experiment --id EXP1',
    );
  });

  it('describes a started fault, dry runs marked', () => {
    const fault = { kind: 'fis', id: 'EXP1', state: 'running', dryRun: true } as FaultRef;

    expect(describeTaskResult('StartFault', fault)).toBe('fis EXP1 running (dry run)');
  });

  it('gives no detail for a state outside the table or a result that is not its core', () => {
    expect(describeTaskResult('Work', { action: 'stop', detail: 'x' })).toBe('');
    expect(describeTaskResult('CheckSteadyStateAfter', { unexpected: true })).toBe('');
  });

  it('keeps lines at 160 characters', () => {
    const poll = { action: 'continue', detail: 'x'.repeat(400) } as PollResult;

    expect(describeTaskResult('PollStopConditions', poll)).toHaveLength(160);
  });
});

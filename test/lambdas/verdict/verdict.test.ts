import type { RecoveryProgress } from '../../../lambdas/check-steady-state/check-steady-state';
import type { PollResult, ProbeResult, SteadyStateCheck } from '../../../lambdas/shared/types';
import { guardRailsFailed, verdict, type VerdictInput } from '../../../lambdas/verdict/verdict';
import { run, webCpu80Plan } from '../../fixtures/results';

const at = (s: number) => new Date(Date.parse('2026-03-03T09:00:00Z') + s * 1000).toISOString();
const clock = { now: () => new Date(at(900)) };

const probe = (ok: boolean, kind: ProbeResult['kind'] = 'alarm'): ProbeResult => ({
  id: `${kind}:x`,
  kind,
  ok,
  expected: 'state OK',
  observed: ok ? 'state OK' : 'state ALARM',
  checkedAt: at(0),
});
const check = (
  phase: 'before' | 'after',
  steady: boolean,
  s: number,
  kind: ProbeResult['kind'] = 'alarm',
): SteadyStateCheck => ({
  phase,
  steady,
  attempt: 1,
  checkedAt: at(s),
  probes: [probe(steady, kind)],
});
const finished: PollResult = {
  action: 'finished',
  detail: 'fault completed',
  faultState: 'completed',
  polledAt: at(400),
  polls: 26,
  waitSeconds: 15,
  alarmStates: { 'sock-shop-5xx': 'OK' },
  transitions: [],
};
const recovered = (checks: SteadyStateCheck[]): RecoveryProgress => ({
  checks,
  steady: checks.at(-1)?.steady ?? false,
  again: false,
  waitSeconds: 30,
  faultEndedAt: at(400),
  deadline: at(700),
});
const passed: VerdictInput = {
  run,
  plan: webCpu80Plan,
  guardRails: { allowed: true, reason: 'all guard rails passed', checks: [], checkedAt: at(0) },
  before: check('before', true, 1),
  fault: { kind: 'fis', id: 'EXP1', startedAt: at(2), state: 'initiating', dryRun: false },
  poll: finished,
  stop: null,
  after: recovered([check('after', true, 430)]),
  errors: {},
  stopError: null,
};
const alarmFired: PollResult = {
  ...finished,
  action: 'stop',
  reason: 'stop-condition',
  detail: 'alarm sock-shop-5xx is in ALARM',
  faultState: 'running',
  polledAt: at(120),
  firstAlarmAt: at(110),
  transitions: [{ alarmName: 'sock-shop-5xx', from: 'OK', to: 'ALARM', at: at(110) }],
};
const stop = {
  requestedAt: at(121),
  confirmation: 'confirmed',
  confirmedState: 'stopped',
  alreadyEnded: false,
  reason: 'stop-condition',
} as const;

describe('verdict', () => {
  describe('outcome', () => {
    it('is passed when the steady state returns after the fault', () => {
      expect(verdict(passed, clock).outcome).toBe('passed');
    });

    it('is deviated when the steady state does not return within the recovery window', () => {
      const result = verdict(
        { ...passed, after: recovered([check('after', false, 430), check('after', false, 690)]) },
        clock,
      );

      expect(result.outcome).toBe('deviated');
      expect(result.reason).toContain('steady state did not return within 300 s');
    });

    it('is aborted when a stop condition fired', () => {
      const result = verdict({ ...passed, poll: alarmFired, stop }, clock);

      expect(result.outcome).toBe('aborted');
      expect(result.reason).toContain('stop condition fired: alarm sock-shop-5xx is in ALARM');
    });

    it.each([
      ['kill-switch', 'kill switch: '],
      ['time-over', 'time over: '],
    ] as const)('is aborted by %s', (reason, prefix) => {
      const poll: PollResult = { ...finished, action: 'stop', reason, detail: 'x', faultState: 'running' };

      const result = verdict({ ...passed, poll, stop: { ...stop, reason } }, clock);

      expect([result.outcome, result.reason]).toEqual([
        'aborted',
        `${prefix}x; the fault was stopped (confirmed stopped)`,
      ]);
    });

    it('is failed, not aborted, when the fault was stopped because it could not be watched', () => {
      const poll: PollResult = {
        ...finished,
        action: 'stop',
        reason: 'error',
        detail: 'stop-condition alarm x not found',
        faultState: 'running',
      };

      const result = verdict({ ...passed, poll, stop: { ...stop, reason: 'error' } }, clock);

      expect(result.outcome).toBe('failed');
      expect(result.advice).toContain('stop-condition alarm exists');
    });

    it('is skipped, with nothing injected, when the steady state did not hold before', () => {
      const result = verdict(
        { ...passed, before: check('before', false, 1), fault: null, poll: null, after: null },
        clock,
      );

      expect(result.outcome).toBe('skipped');
      expect(result.reason).toContain('steady state did not hold before the fault: alarm:x');
    });

    it('is skipped by the guard rails, with their reason', () => {
      const guardRails = {
        allowed: false,
        reason: 'guard rail killSwitch: kill switch is on',
        checks: [],
        checkedAt: at(0),
      };

      const result = verdict(
        { ...passed, guardRails, before: null, fault: null, poll: null, after: null },
        clock,
      );

      expect([result.outcome, result.reason]).toEqual([
        'skipped',
        'guard rail killSwitch: kill switch is on',
      ]);
    });

    it('is failed by an error, saying the fault was stopped when a read confirmed it', () => {
      const errors = { PollStopConditions: { Error: 'Lambda.Unknown', Cause: 'boom' } };

      const result = verdict({ ...passed, errors, stop: { ...stop, reason: 'error' } }, clock);

      expect(result.outcome).toBe('failed');
      expect(result.reason).toBe(
        'PollStopConditions failed: Lambda.Unknown; the fault was stopped (confirmed stopped)',
      );
      expect(result.error).toEqual({ error: 'Lambda.Unknown', cause: 'boom', state: 'PollStopConditions' });
    });

    it('shouts when even stopping the fault failed', () => {
      const errors = { Verdict: { Error: 'X', Cause: 'y' } };

      const result = verdict({ ...passed, errors, stopError: { Error: 'AccessDenied', Cause: 'no' } }, clock);

      expect(result.reason).toContain('AND STOPPING THE FAULT FAILED (AccessDenied): check fis EXP1 by hand');
    });

    it('says nothing was injected when the steady-state check before failed', () => {
      const errors = { CheckSteadyStateBefore: { Error: 'X', Cause: 'y' } };

      const result = verdict(
        { ...passed, errors, before: null, fault: null, poll: null, after: null },
        clock,
      );

      expect(result.reason).toBe('CheckSteadyStateBefore failed: X; nothing was injected');
    });

    it('is skipped in a dry run, saying so', () => {
      const dry = { ...passed, run: { ...run, dryRun: true }, after: null };

      const result = verdict(dry, clock);

      expect(result.outcome).toBe('skipped');
      expect(result.reason).toMatch(/^dry run: /);
    });

    it('is failed when the fault itself failed', () => {
      const result = verdict(
        { ...passed, poll: { ...finished, faultState: 'failed', detail: 'fault failed (no targets)' } },
        clock,
      );

      expect(result.outcome).toBe('failed');
      expect(result.advice).toContain('FIS experiment EXP1');
    });

    it.each(['stopped', 'cancelled'] as const)('is aborted when someone else %s the fault', (faultState) => {
      const result = verdict({ ...passed, poll: { ...finished, faultState } }, clock);

      expect(result.outcome).toBe('aborted');
      expect(result.reason).toContain('outside the workflow');
    });
  });

  describe('a start refused on purpose', () => {
    const refused = (error: string, message: string): VerdictInput => ({
      ...passed,
      fault: null,
      poll: null,
      after: null,
      errors: {
        StartFault: { Error: error, Cause: JSON.stringify({ errorType: error, errorMessage: message }) },
      },
    });

    it('says nothing of this experiment was injected when an earlier fault of the run is still running', () => {
      const result = verdict(
        refused(
          'PreviousFaultRunningError',
          'earlier fault not ended: fis EXP9 of web-cpu-80 (running); not injecting',
        ),
        { now: () => new Date(at(500)) },
      );

      expect(result.outcome).toBe('failed');
      expect(result.reason).toBe(
        'not injected: an earlier fault of this run is still running (earlier fault not ended: fis EXP9 of web-cpu-80 (running))',
      );
      expect(result.advice).toMatch(/Stop that fault by hand/);
    });

    it('says the experiment was stopped when FIS did not honour a dry run', () => {
      const result = verdict(refused('DryRunNotHonouredError', 'actionsMode was run-all'), {
        now: () => new Date(at(500)),
      });

      expect(result.outcome).toBe('failed');
      expect(result.reason).toBe('FIS did not honour the dry run; its stop was requested at once');
    });
  });

  describe('observed impact', () => {
    it('is none when nothing fired and the steady state held', () => {
      expect(verdict(passed, clock).observedImpact).toBe('none');
    });

    it('is degraded when a stop condition went into ALARM', () => {
      expect(verdict({ ...passed, poll: alarmFired, stop }, clock).observedImpact).toBe('degraded');
    });

    it('is outage when an HTTP probe failed right after the fault', () => {
      const after = recovered([check('after', false, 430, 'http'), check('after', true, 460)]);

      expect(verdict({ ...passed, after }, clock).observedImpact).toBe('outage');
    });

    it('is none for a skipped experiment', () => {
      const result = verdict(
        { ...passed, before: check('before', false, 1), fault: null, poll: null, after: null },
        clock,
      );

      expect(result.observedImpact).toBe('none');
    });
  });

  describe('conclusions', () => {
    it('concludes expected, detected and handled when the hypothesis held', () => {
      expect(verdict(passed, clock).conclusions).toEqual({
        expected: {
          answer: 'yes',
          text: 'observed "none" vs expected "none"; no probe ran during the fault; steady at the first check after the fault',
        },
        detected: {
          answer: 'not applicable',
          text: 'no impact to detect: no probe failed and no alarm fired',
        },
        handled: {
          answer: 'yes',
          text: 'steady again 30 s after the fault ended (check 1, recovery window 5 min)',
        },
        automate: [],
        digDeeper: [],
      });
    });

    it('asks to dig deeper when the impact exceeded the expected one', () => {
      const result = verdict({ ...passed, poll: alarmFired, stop }, clock);

      expect(result.conclusions.expected.answer).toBe('no');
      expect(result.conclusions.digDeeper[0]).toContain('exceeded the expected "none"');
    });

    it('concludes not detected when the system was impacted but no alarm fired', () => {
      const after = recovered([check('after', false, 430), check('after', true, 460)]);

      expect(verdict({ ...passed, after }, clock).conclusions.detected.answer).toBe('no');
    });

    it('concludes not handled when the steady state did not return', () => {
      const result = verdict({ ...passed, after: recovered([check('after', false, 690)]) }, clock);

      expect(result.conclusions.handled.answer).toBe('no');
    });

    it('concludes nothing for a skipped experiment', () => {
      const result = verdict(
        { ...passed, before: check('before', false, 1), fault: null, poll: null, after: null },
        clock,
      );

      const none = { answer: 'not applicable', text: 'the fault was not injected; nothing to conclude' };
      expect(result.conclusions).toEqual({
        expected: none,
        detected: none,
        handled: none,
        automate: [],
        digDeeper: [],
      });
    });
  });

  describe('timings', () => {
    it('measures timeToStopSeconds from the first ALARM to the stop request', () => {
      expect(verdict({ ...passed, poll: alarmFired, stop }, clock).timeToStopSeconds).toBe(11);
    });

    it('has no timeToStopSeconds when no stop condition fired', () => {
      expect(verdict(passed, clock).timeToStopSeconds).toBeUndefined();
    });

    it('measures recoverySeconds from the fault end to the first steady re-check', () => {
      const after = recovered([check('after', false, 430), check('after', true, 460)]);

      expect(verdict({ ...passed, after }, clock).recoverySeconds).toBe(60);
    });

    it('has no recoverySeconds when the steady state did not return', () => {
      expect(
        verdict({ ...passed, after: recovered([check('after', false, 690)]) }, clock).recoverySeconds,
      ).toBeUndefined();
    });

    it('records when the fault ended and when the verdict was made', () => {
      const result = verdict(passed, clock);

      expect([result.faultEndedAt, result.endedAt]).toEqual([at(400), at(900)]);
    });
  });

  describe('the fault as it ended', () => {
    const stillRunning: PollResult = {
      ...finished,
      action: 'continue',
      detail: 'fault running',
      faultState: 'running',
      polledAt: at(200),
    };

    it('reports the state the last poll saw, not the one StartFault answered', () => {
      const result = verdict(passed, clock);

      expect(result.fault?.state).toBe('completed');
    });

    it('reports the state the stop confirmed when the fault was stopped', () => {
      const result = verdict({ ...passed, poll: alarmFired, stop, after: null }, clock);

      expect([result.fault?.state, result.faultEndedAt]).toEqual(['stopped', at(121)]);
    });

    it('counts a stop the service accepted (stopping) as the fault ending', () => {
      const stopping = { ...stop, confirmedState: 'stopping' } as const;

      const result = verdict({ ...passed, poll: alarmFired, stop: stopping, after: null }, clock);

      expect([result.fault?.state, result.faultEndedAt]).toEqual(['stopping', at(121)]);
    });

    it('reports the confirmed state on a failed result too, with when the fault ended', () => {
      const errors = { CheckSteadyStateAfter: { Error: 'Error', Cause: 'boom' } };
      const alreadyEnded = {
        ...stop,
        confirmation: 'confirmed',
        confirmedState: 'completed',
        alreadyEnded: true,
        reason: 'error',
        requestedAt: at(410),
      } as const;

      const result = verdict({ ...passed, errors, after: null, stop: alreadyEnded }, clock);

      expect([result.outcome, result.fault?.state, result.faultEndedAt]).toEqual([
        'failed',
        'completed',
        at(410),
      ]);
    });

    it('gives no end time while the last known state still injects (stopping failed)', () => {
      const errors = { PollStopConditions: { Error: 'Error', Cause: 'boom' } };

      const result = verdict(
        {
          ...passed,
          errors,
          poll: stillRunning,
          stop: null,
          after: null,
          stopError: { Error: 'AccessDenied', Cause: 'no' },
        },
        clock,
      );

      expect([result.fault?.state, result.faultEndedAt]).toEqual(['running', undefined]);
    });

    it("keeps StartFault's state when nothing watched the fault afterwards", () => {
      const errors = { PollStopConditions: { Error: 'Error', Cause: 'boom' } };

      const result = verdict(
        {
          ...passed,
          errors,
          poll: null,
          stop: null,
          after: null,
          stopError: { Error: 'AccessDenied', Cause: 'no' },
        },
        clock,
      );

      expect([result.fault?.state, result.faultEndedAt]).toEqual(['initiating', undefined]);
    });
  });
});

describe('guardRailsFailed', () => {
  const config = { configHash: 'h', plans: { [webCpu80Plan.name]: webCpu80Plan } };
  const error = {
    Error: 'AwsCallError',
    Cause: '{"errorType":"AwsCallError","errorMessage":"ssm:GetParameter failed"}',
  };

  it('gives every experiment of the run a failed result when none was named', () => {
    const output = guardRailsFailed({ kind: 'guard-rails-failed', run, request: {}, config, error }, clock);

    expect(output.results.map((r) => [r.name, r.outcome])).toEqual([['web-cpu-80', 'failed']]);
  });

  it('reads the error message out of a Lambda error cause', () => {
    const output = guardRailsFailed({ kind: 'guard-rails-failed', run, request: {}, config, error }, clock);

    expect(output.decision.reason).toBe(
      'guard rails could not be checked (AwsCallError: ssm:GetParameter failed); nothing was injected',
    );
  });

  it('skips named experiments that are not deployed', () => {
    const output = guardRailsFailed(
      {
        kind: 'guard-rails-failed',
        run,
        request: { experiments: ['nope'] },
        config,
        error: { Error: 'UnknownExperimentError', Cause: 'unknown experiment "nope"' },
      },
      clock,
    );

    expect(output.results).toEqual([]);
    expect(output.decision).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('"nope"') as string,
    });
  });
});

import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { GetCalendarStateCommand, GetParameterCommand, ParameterNotFound } from '@aws-sdk/client-ssm';
import {
  checkGuardRails,
  UnknownExperimentError,
  type CheckGuardRailsInput,
} from '../../../lambdas/check-guard-rails/check-guard-rails';
import type { ExperimentPlan, RunConfig } from '../../../lambdas/shared/types';
import { run, webCpu80Plan } from '../../fixtures/results';
import { mockRuntime } from '../check-steady-state/mock-runtime';

const otherPlan: ExperimentPlan = { ...webCpu80Plan, name: 'api-cpu-50' };
const config: RunConfig = {
  configHash: 'hash',
  plans: { [webCpu80Plan.name]: webCpu80Plan, [otherPlan.name]: otherPlan },
};
const input: CheckGuardRailsInput = { run, experiments: ['web-cpu-80'], config };

/** A deployment where every guard rail allows the run; tests then break one. */
function allowing(options: Parameters<typeof mockRuntime>[0] = {}) {
  const mocks = mockRuntime(options);
  mocks.ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'off' } });
  mocks.sfn.on(ListExecutionsCommand).resolves({
    executions: [
      {
        executionArn: run.executionArn,
        name: run.runId,
        stateMachineArn: run.stateMachineArn,
        status: 'RUNNING',
        startDate: new Date(run.startedAt),
      },
    ],
  });
  mocks.ssm.on(GetCalendarStateCommand).resolves({ State: 'OPEN' });
  return mocks;
}

function check(result: Awaited<ReturnType<typeof checkGuardRails>>, name: string) {
  return result.checks.find((c) => c.name === name);
}

describe('checkGuardRails', () => {
  describe('kill switch', () => {
    it('allows the run when the kill switch is off', async () => {
      const { runtime } = allowing();

      const result = await checkGuardRails(input, runtime);

      expect(result.allowed).toBe(true);
      expect(result.reason).toBe('all guard rails passed');
    });

    it('reads the configured kill-switch parameter', async () => {
      const { runtime, ssm } = allowing();

      await checkGuardRails(input, runtime);

      expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, { Name: '/chaos-cadence/test/kill-switch' });
    });

    it('refuses the run when the kill switch is on', async () => {
      const { runtime, ssm } = allowing();
      ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'on' } });

      const result = await checkGuardRails(input, runtime);

      expect(result.allowed).toBe(false);
      expect(result.reason).toBe('guard rail killSwitch: kill switch /chaos-cadence/test/kill-switch is on');
    });

    // A missing parameter must never allow a run silently: whoever deleted it may have meant "halt".
    // It is treated as on, and the reason says so, so the skipped result tells people what to fix.
    it('refuses the run, saying why, when the kill-switch parameter does not exist', async () => {
      const { runtime, ssm } = allowing();
      ssm
        .on(GetParameterCommand)
        .rejects(new ParameterNotFound({ message: 'not found', $metadata: { httpStatusCode: 400 } }));

      const result = await checkGuardRails(input, runtime);

      expect(result.allowed).toBe(false);
      expect(check(result, 'killSwitch')?.detail).toBe(
        'kill switch parameter /chaos-cadence/test/kill-switch not found; treated as on',
      );
    });

    it('refuses the run when the kill switch holds neither off nor on', async () => {
      const { runtime, ssm } = allowing();
      ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'maybe' } });

      const result = await checkGuardRails(input, runtime);

      expect(check(result, 'killSwitch')).toMatchObject({
        ok: false,
        detail: expect.stringContaining('"maybe"') as string,
      });
    });

    it('rejects with a classified error when the kill switch cannot be read', async () => {
      const { runtime, ssm } = allowing();
      ssm
        .on(GetParameterCommand)
        .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

      await expect(checkGuardRails(input, runtime)).rejects.toMatchObject({
        name: 'AwsCallError',
        message: expect.stringContaining('ssm:GetParameter') as string,
      });
    });
  });

  describe('single run', () => {
    it('ignores its own execution among the RUNNING ones', async () => {
      const { runtime } = allowing();

      const result = await checkGuardRails(input, runtime);

      expect(check(result, 'singleRun')).toEqual({
        name: 'singleRun',
        ok: true,
        detail: 'no other run in flight',
      });
    });

    it('refuses the run while another execution of the state machine is RUNNING', async () => {
      const { runtime, sfn } = allowing();
      sfn.on(ListExecutionsCommand).resolves({
        executions: [
          {
            executionArn: run.executionArn,
            name: run.runId,
            stateMachineArn: run.stateMachineArn,
            status: 'RUNNING',
            startDate: new Date(run.startedAt),
          },
          {
            executionArn: `${run.stateMachineArn}:manual-1`,
            name: 'manual-1',
            stateMachineArn: run.stateMachineArn,
            status: 'RUNNING',
            startDate: new Date(run.startedAt),
          },
        ],
      });

      const result = await checkGuardRails(input, runtime);

      expect(result.allowed).toBe(false);
      expect(result.reason).toBe('guard rail singleRun: another run is in flight: manual-1');
    });

    it('asks only for RUNNING executions of its own state machine', async () => {
      const { runtime, sfn } = allowing();

      await checkGuardRails(input, runtime);

      expect(sfn).toHaveReceivedCommandWith(ListExecutionsCommand, {
        stateMachineArn: run.stateMachineArn,
        statusFilter: 'RUNNING',
      });
    });
  });

  describe('change calendar', () => {
    it('allows the run while the calendar is OPEN', async () => {
      const { runtime } = allowing({ settings: { changeCalendar: 'prod-freeze' } });

      const result = await checkGuardRails(input, runtime);

      expect(check(result, 'changeCalendar')).toEqual({
        name: 'changeCalendar',
        ok: true,
        detail: 'calendar prod-freeze is OPEN',
      });
    });

    it('refuses the run while the calendar is CLOSED', async () => {
      const { runtime, ssm } = allowing({ settings: { changeCalendar: 'prod-freeze' } });
      ssm.on(GetCalendarStateCommand).resolves({ State: 'CLOSED' });

      const result = await checkGuardRails(input, runtime);

      expect(result.allowed).toBe(false);
      expect(result.reason).toBe('guard rail changeCalendar: calendar prod-freeze is CLOSED');
    });

    it('asks for the state of the configured calendar', async () => {
      const { runtime, ssm } = allowing({ settings: { changeCalendar: 'prod-freeze' } });

      await checkGuardRails(input, runtime);

      expect(ssm).toHaveReceivedCommandWith(GetCalendarStateCommand, { CalendarNames: ['prod-freeze'] });
    });

    it('does not ask for a calendar state when none is configured', async () => {
      const { runtime, ssm } = allowing();

      const result = await checkGuardRails(input, runtime);

      expect(ssm).not.toHaveReceivedCommand(GetCalendarStateCommand);
      expect(check(result, 'changeCalendar')?.ok).toBe(true);
    });
  });

  describe('allowed hours', () => {
    it('allows a run inside the allowed hours', async () => {
      const { runtime } = allowing({ at: Date.parse('2025-03-04T15:59:00Z') });

      const result = await checkGuardRails(input, runtime);

      expect(check(result, 'allowedHours')?.ok).toBe(true);
    });

    it('refuses a run at the end of the allowed hours (end is exclusive)', async () => {
      const { runtime } = allowing({ at: Date.parse('2025-03-04T16:00:00Z') });

      const result = await checkGuardRails(input, runtime);

      expect(result.allowed).toBe(false);
      expect(result.reason).toBe(
        'guard rail allowedHours: 2025-03-04T16:00:00.000Z is outside the allowed hours MON-FRI 09:00-16:00 UTC',
      );
    });

    it('refuses a delayed scheduled retry at 3 AM', async () => {
      const { runtime } = allowing({ at: Date.parse('2025-03-05T03:00:00Z') });

      const result = await checkGuardRails(input, runtime);

      expect(check(result, 'allowedHours')?.ok).toBe(false);
    });

    it('refuses a run on a day that is not allowed', async () => {
      const { runtime } = allowing({ at: Date.parse('2025-03-08T10:00:00Z') });

      const result = await checkGuardRails(input, runtime);

      expect(check(result, 'allowedHours')?.ok).toBe(false);
    });

    it('reads the allowed hours as wall-clock time across a DST change (07:30 UTC is 08:30 CET, 09:30 CEST)', async () => {
      const berlin = { timeZone: 'Europe/Berlin' };
      const beforeDst = allowing({ at: Date.parse('2025-03-28T07:30:00Z'), settings: berlin });
      const afterDst = allowing({ at: Date.parse('2025-03-31T07:30:00Z'), settings: berlin });

      const friday = await checkGuardRails(input, beforeDst.runtime);
      const monday = await checkGuardRails(input, afterDst.runtime);

      expect([check(friday, 'allowedHours')?.ok, check(monday, 'allowedHours')?.ok]).toEqual([false, true]);
    });
  });

  describe('experiments', () => {
    it('selects every deployed plan when no experiment is named', async () => {
      const { runtime } = allowing();

      const result = await checkGuardRails({ ...input, experiments: [] }, runtime);

      expect(result.experiments.map((e) => e.name)).toEqual(['web-cpu-80', 'api-cpu-50']);
    });

    it('selects the named plans in the order asked, once each', async () => {
      const { runtime } = allowing();

      const result = await checkGuardRails(
        { ...input, experiments: ['api-cpu-50', 'web-cpu-80', 'api-cpu-50'] },
        runtime,
      );

      expect(result.experiments.map((e) => e.name)).toEqual(['api-cpu-50', 'web-cpu-80']);
    });

    it('rejects an unknown experiment with an error naming the deployed ones', async () => {
      const { runtime } = allowing();

      const act = checkGuardRails({ ...input, experiments: ['web-cpu-99'] }, runtime);

      await expect(act).rejects.toThrow(UnknownExperimentError);
      await expect(act).rejects.toThrow('unknown experiment "web-cpu-99"; deployed: web-cpu-80, api-cpu-50');
    });

    it('refuses the run when no experiment is deployed', async () => {
      const { runtime } = allowing();

      const result = await checkGuardRails(
        { ...input, experiments: [], config: { configHash: 'h', plans: {} } },
        runtime,
      );

      expect(result.allowed).toBe(false);
      expect(result.reason).toBe('guard rail experiments: no experiments deployed');
    });

    it('returns the selected plans even when a guard rail says no, so each gets a skipped result', async () => {
      const { runtime, ssm } = allowing();
      ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'on' } });

      const result = await checkGuardRails(input, runtime);

      expect(result.experiments.map((e) => e.name)).toEqual(['web-cpu-80']);
    });
  });

  it('records when the guard rails were checked', async () => {
    const { runtime } = allowing();

    const result = await checkGuardRails(input, runtime);

    expect(result.checkedAt).toBe('2025-03-04T10:00:00.000Z');
  });
});

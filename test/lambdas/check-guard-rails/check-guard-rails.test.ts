import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCalendarStateCommand, GetParameterCommand, ParameterNotFound } from '@aws-sdk/client-ssm';
import {
  checkGuardRails,
  UnknownExperimentError,
  type CheckGuardRailsInput,
} from '../../../lambdas/check-guard-rails/check-guard-rails';
import type { ExperimentPlan, RunConfig } from '../../../lambdas/shared/types';
import { run, webCpu80Plan } from '../../fixtures/results';
import { mockRuntime, T0 } from '../check-steady-state/mock-runtime';
import { fakeLockTable, lockItem } from './lock-table';

const otherPlan: ExperimentPlan = { ...webCpu80Plan, name: 'api-cpu-50' };
const config: RunConfig = {
  configHash: 'hash',
  plans: { [webCpu80Plan.name]: webCpu80Plan, [otherPlan.name]: otherPlan },
};
const input: CheckGuardRailsInput = { run, experiments: ['web-cpu-80'], config };

/** A deployment where every guard rail allows the run (the run lock is free); tests then break one. */
function allowing(options: Parameters<typeof mockRuntime>[0] & { lockHeldBy?: string } = {}) {
  const mocks = mockRuntime(options);
  mocks.ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'off' } });
  mocks.ssm.on(GetCalendarStateCommand).resolves({ State: 'OPEN' });
  const lock = fakeLockTable(
    options.lockHeldBy !== undefined ? lockItem(options.lockHeldBy, (options.at ?? T0) - 60_000) : undefined,
  );
  return { ...mocks, lock, runtime: lock.with(mocks.runtime) };
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
    it('takes the run lock when it is free', async () => {
      const { runtime, lock } = allowing();

      const result = await checkGuardRails(input, runtime);

      expect(check(result, 'singleRun')).toMatchObject({
        ok: true,
        detail: expect.stringContaining('run lock acquired') as string,
      });
      expect(lock.holder()).toBe(run.runId);
    });

    it('refuses the run, naming the holder, while another run holds the lock', async () => {
      const { runtime, lock } = allowing({ lockHeldBy: 'manual-1' });

      const result = await checkGuardRails(input, runtime);

      expect(result.allowed).toBe(false);
      expect(result.reason).toBe(
        'guard rail singleRun: another run is in flight: manual-1 holds the run lock since 2025-03-04T09:59:00.000Z (lease until 2025-03-04T10:59:00.000Z)',
      );
      expect(lock.holder()).toBe('manual-1');
    });

    it('takes the lock with a conditional write naming this run', async () => {
      const { runtime, lock } = allowing();

      await checkGuardRails(input, runtime);

      expect(lock.mock).toHaveReceivedCommandWith(PutItemCommand, {
        TableName: 'test-run-lock',
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR runId = :me',
        ExpressionAttributeValues: { ':now': { N: String(T0 / 1000) }, ':me': { S: run.runId } },
      });
    });

    it('refuses the run when no run lock table is configured', async () => {
      const { runtime } = allowing();

      const result = await checkGuardRails(input, {
        ...runtime,
        settings: { ...runtime.settings, runLockTable: undefined },
      });

      expect(check(result, 'singleRun')).toEqual({
        name: 'singleRun',
        ok: false,
        detail: 'no run lock table is configured; one run at a time cannot be guaranteed',
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

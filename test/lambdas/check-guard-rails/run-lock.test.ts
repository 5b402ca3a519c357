import { DeleteItemCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  acquireRunLock,
  DEFAULT_RUN_LOCK_SECONDS,
  isReleaseRunLock,
  releaseRunLock,
} from '../../../lambdas/check-guard-rails/run-lock';
import { SettingsError, settingsFromEnv, settingsToEnv } from '../../../lambdas/shared/settings';
import { run } from '../../fixtures/results';
import { mockRuntime, SETTINGS, T0 } from '../check-steady-state/mock-runtime';
import { fakeLockTable, LEASE_SECONDS, lockItem } from './lock-table';

const T0_SECONDS = T0 / 1000;

function setUp(initial?: ReturnType<typeof lockItem>) {
  const lock = fakeLockTable(initial);
  return { lock, runtime: lock.with(mockRuntime().runtime) };
}

describe('acquireRunLock', () => {
  it('acquires a free lock, storing the run, its execution, when and until when', async () => {
    const { lock, runtime } = setUp();

    const check = await acquireRunLock(run, runtime);

    expect(check.ok).toBe(true);
    expect(lock.items.get('run-lock')).toEqual({
      pk: { S: 'run-lock' },
      runId: { S: run.runId },
      executionArn: { S: run.executionArn },
      acquiredAt: { S: new Date(T0).toISOString() },
      expiresAt: { N: String(T0_SECONDS + LEASE_SECONDS) },
    });
  });

  it('takes over a lock whose lease has expired, naming the former holder', async () => {
    const { lock, runtime } = setUp(lockItem('crashed-run', T0 - (LEASE_SECONDS + 1) * 1000));

    const check = await acquireRunLock(run, runtime);

    expect(check.ok).toBe(true);
    expect(check.detail).toContain('after the lease of run crashed-run expired');
    expect(lock.holder()).toBe(run.runId);
  });

  it('refuses while another run holds an unexpired lock, and leaves that lock as it is', async () => {
    const held = lockItem('other-run', T0 - 60_000);
    const { lock, runtime } = setUp(held);

    const check = await acquireRunLock(run, runtime);

    expect(check).toEqual({
      name: 'singleRun',
      ok: false,
      detail:
        'another run is in flight: other-run holds the run lock since 2025-03-04T09:59:00.000Z (lease until 2025-03-04T10:59:00.000Z)',
    });
    expect(lock.items.get('run-lock')).toEqual(held);
  });

  it('is re-entrant: a retried check of the same run keeps the lock', async () => {
    const { lock, runtime } = setUp(lockItem(run.runId, T0 - 5_000));

    const check = await acquireRunLock(run, runtime);

    expect(check.ok).toBe(true);
    expect(check.detail).toContain('already held by this run');
    expect(lock.holder()).toBe(run.runId);
  });

  it('lets exactly one of two runs starting in the same second through', async () => {
    const { lock, runtime } = setUp();

    const [first, second] = await Promise.all([
      acquireRunLock(run, runtime),
      acquireRunLock({ ...run, runId: 'twin', executionArn: `${run.executionArn}-twin` }, runtime),
    ]);

    expect([first.ok, second.ok].sort()).toEqual([false, true]);
    expect(lock.mock).toHaveReceivedCommandTimes(PutItemCommand, 2);
  });

  it('reads the holder when DynamoDB does not return it with the failed condition', async () => {
    const { lock, runtime } = setUp(lockItem('other-run', T0 - 60_000));
    lock.mock.on(PutItemCommand).rejects(
      Object.assign(new Error('The conditional request failed'), {
        name: 'ConditionalCheckFailedException',
      }),
    );

    const check = await acquireRunLock(run, runtime);

    expect(check.detail).toContain('other-run holds the run lock');
    expect(lock.mock).toHaveReceivedCommandWith(GetItemCommand, { ConsistentRead: true });
  });

  it('leases the lock for the default time when the settings name no lease', async () => {
    const { lock, runtime } = setUp();

    await acquireRunLock(run, { ...runtime, settings: { ...runtime.settings, runLockSeconds: undefined } });

    expect(lock.items.get('run-lock')?.expiresAt).toEqual({
      N: String(T0_SECONDS + DEFAULT_RUN_LOCK_SECONDS),
    });
  });

  it('rejects with a classified error when the table cannot be written', async () => {
    const { lock, runtime } = setUp();
    lock.mock
      .on(PutItemCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    await expect(acquireRunLock(run, runtime)).rejects.toMatchObject({
      name: 'AwsCallError',
      message: expect.stringContaining('dynamodb:PutItem') as string,
    });
  });

  it('rejects with a retryable error when DynamoDB throttles', async () => {
    const { lock, runtime } = setUp();
    lock.mock
      .on(PutItemCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' }));

    await expect(acquireRunLock(run, runtime)).rejects.toMatchObject({ name: 'ThrottledError' });
  });
});

describe('releaseRunLock', () => {
  it('deletes the lock this run holds', async () => {
    const { lock, runtime } = setUp(lockItem(run.runId, T0));

    const result = await releaseRunLock(run.runId, runtime);

    expect(result.released).toBe(true);
    expect(lock.items.has('run-lock')).toBe(false);
    expect(lock.mock).toHaveReceivedCommandWith(DeleteItemCommand, {
      ConditionExpression: 'runId = :me',
      ExpressionAttributeValues: { ':me': { S: run.runId } },
    });
  });

  it("never deletes another run's lock (a run skipped by the lock releasing at its end)", async () => {
    const held = lockItem('other-run', T0);
    const { lock, runtime } = setUp(held);

    const result = await releaseRunLock(run.runId, runtime);

    expect(result).toEqual({
      released: false,
      detail: `run ${run.runId} does not hold the run lock (other-run does); left as it is`,
    });
    expect(lock.items.get('run-lock')).toEqual(held);
  });

  it('does nothing when the lock is free', async () => {
    const { lock, runtime } = setUp();

    const result = await releaseRunLock(run.runId, runtime);

    expect(result).toEqual({
      released: false,
      detail: `run ${run.runId} does not hold the run lock (it is free)`,
    });
    expect(lock.items.size).toBe(0);
  });

  it('rejects with a classified error when the table cannot be written', async () => {
    const { lock, runtime } = setUp(lockItem(run.runId, T0));
    lock.mock
      .on(DeleteItemCommand)
      .rejects(Object.assign(new Error('boom'), { name: 'InternalServerError' }));

    await expect(releaseRunLock(run.runId, runtime)).rejects.toMatchObject({ name: 'TransientError' });
  });

  it('does nothing when no lock table is configured', async () => {
    const { runtime } = mockRuntime();

    const result = await releaseRunLock(run.runId, runtime);

    expect(result).toEqual({ released: false, detail: 'no run lock table is configured' });
  });
});

describe('isReleaseRunLock', () => {
  it("tells the ReleaseRunLock state's input from CheckGuardRails'", () => {
    expect([
      isReleaseRunLock({ mode: 'release', run: { runId: 'r' } }),
      isReleaseRunLock({ run, experiments: [], config: { configHash: 'h', plans: {} } }),
    ]).toEqual([true, false]);
  });
});

describe('run lock settings', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('carries the lock table and its lease through the environment', () => {
    const { region, ...rest } = { ...SETTINGS, runLockTable: 'lock', runLockSeconds: 7200 };
    process.env = { ...saved, AWS_REGION: region, ...settingsToEnv(rest) };

    const settings = settingsFromEnv();

    expect([settings.runLockTable, settings.runLockSeconds]).toEqual(['lock', 7200]);
  });

  it('fails with a clear error on a lease that is not a positive whole number', () => {
    const { region, ...rest } = SETTINGS;
    process.env = { ...saved, AWS_REGION: region, ...settingsToEnv(rest), CHAOS_RUN_LOCK_SECONDS: 'soon' };

    expect(() => settingsFromEnv()).toThrow(SettingsError);
  });
});

// The run lock in the real workflow (state-machines/run-experiments.asl.json) on the rehearsal engine:
// CheckGuardRails takes it with a conditional write, ReleaseRunLock frees it after PublishResults, and
// a run skipped because another holds it injects nothing and leaves that lock alone. The simulated
// account's DynamoDB evaluates the conditions as DynamoDB does.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, parseYamlOrJson, type LoadedConfig } from '../../lib/config/load';
import { buildRunConfig } from '../../lib/config/plan';
import { workflowTimeoutSeconds } from '../../lib/workflow/definition';
import { runRehearsal, type RehearsalOptions, type RehearsalResult } from '../../lib/rehearsal/engine';
import { parseScenario, type ScenarioInput } from '../../lib/rehearsal/scenario';
import type { RecordedCall } from '../../lib/rehearsal/simulated-account';
import type { ExperimentResult } from '../../lambdas/shared/types';

const ROOT = join(__dirname, '..', '..');
const RUN_ID = 'run-0001';
const HEALTHY = parseYamlOrJson(
  readFileSync(join(ROOT, 'scenarios', 'healthy.yaml'), 'utf8'),
  'scenarios/healthy.yaml',
) as ScenarioInput;
/** The lock item's key in the simulated account (`<table>/<pk>`; the rehearsal's table name). */
const LOCK = 'ChaosCadence-run-lock/run-lock';

interface RehearseOptions extends Omit<Partial<RehearsalOptions>, 'scenario'> {
  readonly scenario?: Partial<ScenarioInput>;
}

const isLockCall = (c: RecordedCall): boolean => c.service === 'dynamodb';
const lockCalls = (run: RehearsalResult): string[] =>
  run.calls.filter(isLockCall).map((c) => `${c.command} ${c.error ? c.error.split(':')[0] : 'ok'}`);
const results = (run: RehearsalResult): ExperimentResult[] =>
  (run.output as { results: ExperimentResult[] }).results;
const holder = (run: RehearsalResult): string | undefined => run.account.dynamodbItems.get(LOCK)?.runId?.S;
const startedFaults = (run: RehearsalResult): RecordedCall[] =>
  run.calls.filter((c) => c.command === 'StartExperiment');

describe('run lock (rehearsal engine)', () => {
  let loaded: LoadedConfig;
  beforeAll(() => {
    loaded = loadConfig({ path: 'chaos-cadence.config.yaml', cwd: ROOT });
  });

  const rehearse = (options: RehearseOptions = {}): Promise<RehearsalResult> =>
    runRehearsal({
      loaded,
      runId: RUN_ID,
      ...options,
      scenario: parseScenario({ ...HEALTHY, ...options.scenario }),
    });

  it('acquires the lock before injecting and releases it after publishing', async () => {
    const run = await rehearse();

    const order = run.calls
      .filter((c) => isLockCall(c) || ['StartExperiment', 'Publish'].includes(c.command))
      .map((c) => `${c.command}${c.error ? ' failed' : ''}`);
    expect(results(run).map((r) => r.outcome)).toEqual(['passed']);
    // CheckGuardRails, then RecheckGuardRails right before the injection (re-entrant), then the
    // release once the email is out.
    expect(order).toEqual(['PutItem', 'PutItem', 'StartExperiment', 'Publish', 'DeleteItem']);
    expect(run.account.dynamodbItems.has(LOCK)).toBe(false);
  });

  it('stores the run, its execution and a lease past the workflow timeout in the lock', async () => {
    const run = await rehearse();

    const put = run.calls.find((c) => c.command === 'PutItem');
    const item = (put?.input as { Item: Record<string, { S?: string; N?: string }> }).Item;
    const leaseSeconds = Number(item.expiresAt?.N) - Date.parse(item.acquiredAt?.S ?? '') / 1000;
    expect([item.runId?.S, item.executionArn?.S?.endsWith(`:${RUN_ID}`)]).toEqual([RUN_ID, true]);
    expect(leaseSeconds).toBe(run.settings.runLockSeconds);
    expect(leaseSeconds).toBeGreaterThan(workflowTimeoutSeconds(buildRunConfig(loaded.config, loaded.hash)));
  });

  it('skips without injecting, and leaves the lock alone, while another run holds it', async () => {
    const run = await rehearse({ scenario: { runningExecutions: 1 } });

    expect(results(run).map((r) => [r.outcome, r.reason])).toEqual([
      ['skipped', expect.stringContaining('other-run-1 holds the run lock since') as string],
    ]);
    expect(startedFaults(run)).toEqual([]);
    expect(lockCalls(run)).toEqual([
      'PutItem ConditionalCheckFailedException',
      'DeleteItem ConditionalCheckFailedException',
    ]);
    expect(holder(run)).toBe('other-run-1');
  });

  it('takes over a lock whose lease has expired', async () => {
    // The other run took the lock 600 s before this one; a 300 s lease has long expired.
    const run = await rehearse({ scenario: { runningExecutions: 1 }, settings: { runLockSeconds: 300 } });

    expect(results(run).map((r) => r.outcome)).toEqual(['passed']);
    expect(startedFaults(run)).toHaveLength(1);
    expect(run.account.dynamodbItems.has(LOCK)).toBe(false);
  });

  it('keeps the lock when CheckGuardRails is retried after taking it, and runs once', async () => {
    const run = await rehearse({
      taskFaults: { CheckGuardRails: { mode: 'throw-after', times: 1, error: 'TransientError' } },
    });

    expect(results(run).map((r) => r.outcome)).toEqual(['passed']);
    expect(lockCalls(run).slice(0, 2)).toEqual(['PutItem ok', 'PutItem ok']);
    expect(startedFaults(run)).toHaveLength(1);
  });

  it('frees the lock it took when the other guard rails could not be checked', async () => {
    const run = await rehearse({
      scenario: { apiFailures: [{ call: 'ssm:GetParameter', error: 'AccessDeniedException', times: 10 }] },
    });

    expect(run.statesVisited).toContain('GuardRailsFailed');
    expect(startedFaults(run)).toEqual([]);
    expect(lockCalls(run)).toEqual(['PutItem ok', 'DeleteItem ok']);
    expect(run.account.dynamodbItems.has(LOCK)).toBe(false);
  });

  it('still succeeds, publishing the run, when the lock cannot be released (its lease ends it)', async () => {
    const run = await rehearse({ taskFaults: { ReleaseRunLock: { mode: 'throw' } } });

    expect(run.status).toBe('SUCCEEDED');
    expect(results(run).map((r) => r.outcome)).toEqual(['passed']);
    expect(run.statesVisited.slice(-2)).toEqual(['ReleaseRunLock', 'RunOutput']);
    expect(holder(run)).toBe(RUN_ID);
  });
});

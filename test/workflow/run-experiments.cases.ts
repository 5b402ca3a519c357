// The real workflow (state-machines/run-experiments.asl.json) on the rehearsal engine: the same
// machinery as `chaos-cadence rehearse` (aws-local-stepfunctions, the real handler cores, a simulated
// account built from a scenario, a virtual clock), so the tests and the rehearsal cannot drift apart.
// Scenarios are the shipped healthy one (scenarios/healthy.yaml) with the changes each test names.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import aslValidator from 'asl-validator';
import { loadConfig, parseYamlOrJson, type LoadedConfig } from '../../lib/config/load';
import { buildRunConfig } from '../../lib/config/plan';
import type { Config } from '../../lib/config/schema';
import {
  rehearsalTemplateId,
  runRehearsal,
  type RehearsalOptions,
  type RehearsalResult,
  type TaskFault,
} from '../../lib/rehearsal/engine';
import { parseScenario, type ScenarioInput } from '../../lib/rehearsal/scenario';
import type { RecordedCall } from '../../lib/rehearsal/simulated-account';
import {
  localFunctionArns,
  readDefinitionFile,
  renderDefinition,
  substitute,
} from '../../lib/workflow/definition';
import { TASK_STATE_NAMES } from '../../lib/workflow/task-handlers';
import type { ExperimentResult, PublishOutput, RunContext } from '../../lambdas/shared/types';

const ROOT = join(__dirname, '..', '..');
const RUN_ID = 'run-0001';
const EXPERIMENT = 'web-cpu-80';
/** The example config's poll interval (PT15S). */
const POLL_SECONDS = 15;
const INSTANCES = ['i-0a1b2c3d4e5f60001', 'i-0a1b2c3d4e5f60002', 'i-0a1b2c3d4e5f60003'];
const HEALTHY = parseYamlOrJson(
  readFileSync(join(ROOT, 'scenarios', 'healthy.yaml'), 'utf8'),
  'scenarios/healthy.yaml',
) as ScenarioInput;

/** The alarms of the healthy scenario, with the 5xx stop condition going into ALARM `fault+<n>s`. */
const alarmFiresAt = (seconds: number): ScenarioInput['alarms'] => ({
  'sock-shop-5xx': [
    { at: '0s', state: 'OK' },
    { at: `fault+${seconds}s`, state: 'ALARM' },
  ],
  'sock-shop-instance-count-low': [{ at: '0s', state: 'OK' }],
});

/** The execution's output: the run, every experiment's result, what was published. */
interface RunOutput {
  readonly run: RunContext;
  readonly results: readonly ExperimentResult[];
  readonly published: PublishOutput;
}

interface RehearseOptions extends Omit<Partial<RehearsalOptions>, 'scenario'> {
  /** Changes to the healthy scenario. */
  readonly scenario?: Partial<ScenarioInput>;
}

/** FIS experiment states in which nothing is injected any more (`stopping`: the stop was accepted). */
const ENDED = ['completed', 'stopped', 'failed', 'cancelled', 'stopping'];

const calls = (run: RehearsalResult, command: string): RecordedCall[] =>
  run.calls.filter((c) => c.command === command);
const successes = (run: RehearsalResult, command: string): RecordedCall[] =>
  calls(run, command).filter((c) => c.error === undefined);
const outputOf = (run: RehearsalResult): RunOutput => run.output as RunOutput;
const resultOf = (run: RehearsalResult): ExperimentResult | undefined => outputOf(run).results[0];
const journalOutcomes = (run: RehearsalResult): string[] | undefined =>
  run.journal?.experiments.map((e) => e.outcome);

/** The last state the workflow saw a FIS experiment in (GetExperiment, ListExperiments, Start/Stop answers). */
function lastSeenState(run: RehearsalResult, id: string): string | undefined {
  type Seen = { id?: string; state?: { status?: string } };
  let state: string | undefined;
  for (const call of run.calls) {
    if (call.service !== 'fis' || call.error !== undefined) continue;
    const output = call.output as { experiment?: Seen; experiments?: Seen[] } | undefined;
    for (const seen of [output?.experiment, ...(output?.experiments ?? [])]) {
      if (seen?.id === id && seen.state?.status) state = seen.state.status;
    }
  }
  return state;
}

/**
 * The FIS experiments that injected and were neither stopped (a successful StopExperiment after they
 * started) nor last seen ended: faults this run would have left running.
 */
function faultsLeftRunning(run: RehearsalResult): string[] {
  // A StopExperiment for an id can only succeed once that experiment exists, so it is after the start.
  const stopped = (id: string): boolean =>
    successes(run, 'StopExperiment').some((c) => (c.input as { id?: string }).id === id);
  return run.account.fisExperiments
    .filter((e) => !e.dryRun)
    .map((e) => e.id)
    .filter((id) => !stopped(id) && !ENDED.includes(lastSeenState(run, id) ?? 'unknown'));
}

describe('state-machines/run-experiments.asl.json', () => {
  let loaded: LoadedConfig;
  beforeAll(() => {
    loaded = loadConfig({ path: 'chaos-cadence.config.yaml', cwd: ROOT });
  });

  it('passes asl-validator', () => {
    const text = substitute(renderDefinition(buildRunConfig(loaded.config, loaded.hash)), {
      ...localFunctionArns(),
      FisTemplateId_web_cpu_80: rehearsalTemplateId(EXPERIMENT),
    });

    const { isValid, errorsText } = aslValidator(structuredClone(JSON.parse(text) as unknown), {
      checkArn: false,
      checkPaths: true,
    });

    expect([isValid, errorsText()]).toEqual([true, '']);
  });

  it('has a registered handler for every Task state', () => {
    const taskNames = [...readDefinitionFile().matchAll(/"(\w+)": \{\s*"Type": "Task"/g)].map((m) => m[1]);

    expect([...taskNames].sort()).toEqual([...TASK_STATE_NAMES].sort());
  });
});

describe('run-experiments workflow (rehearsal engine)', () => {
  let loaded: LoadedConfig;
  beforeAll(() => {
    loaded = loadConfig({ path: 'chaos-cadence.config.yaml', cwd: ROOT });
  });

  const withConfig = (change: (config: Config) => void): LoadedConfig => {
    const config = structuredClone(loaded.config);
    change(config);
    return { ...loaded, config };
  };
  const viaSsm = (): LoadedConfig =>
    withConfig((c) => {
      const stress = c.experiments[0]?.fault.cpuStress;
      if (stress) stress.via = 'ssm';
    });

  const rehearse = ({ scenario, ...options }: RehearseOptions = {}): Promise<RehearsalResult> =>
    runRehearsal({ loaded, scenario: parseScenario({ ...HEALTHY, ...scenario }), runId: RUN_ID, ...options });

  describe('outcomes', () => {
    it('passes when the steady state holds before and after the fault, and publishes the result', async () => {
      const run = await rehearse();

      expect(resultOf(run)?.outcome).toBe('passed');
      expect(successes(run, 'StartExperiment')).toHaveLength(1);
      expect(calls(run, 'StopExperiment')).toEqual([]);
      expect(run.statesVisited).toEqual(
        expect.arrayContaining([
          'CheckGuardRails',
          'CheckSteadyStateBefore',
          'StartFault',
          'PollStopConditions',
        ]),
      );
      expect(run.statesVisited.slice(-5)).toEqual([
        'Recovered',
        'Verdict',
        'PublishResults',
        'ReleaseRunLock',
        'RunOutput',
      ]);
      expect(journalOutcomes(run)).toEqual(['passed']);
      expect(run.emailSubject).toMatch(/^\[chaos-cadence\] web-cpu-80: PASSED/);
    });

    it('records the fault as it ended, not as StartFault answered', async () => {
      const run = await rehearse();

      // The 6-minute experiment completes at 362 s; the poll every 15 s sees it at 375 s.
      const seenEnded = new Date(Date.parse(String(HEALTHY.now)) + 375_000).toISOString();
      expect([resultOf(run)?.fault?.state, resultOf(run)?.faultEndedAt]).toEqual(['completed', seenEnded]);
    });

    it('uses the run start time of the scenario (virtual clock)', async () => {
      const run = await rehearse();

      expect(outputOf(run).run.startedAt).toBe(new Date(String(HEALTHY.now)).toISOString());
    });

    it('skips without injecting when the steady state fails before the fault', async () => {
      const run = await rehearse({
        scenario: { http: { 'https://shop.example.com/health': [{ at: '0s', status: 503 }] } },
      });

      expect(resultOf(run)?.outcome).toBe('skipped');
      expect(resultOf(run)?.reason).toContain('http:');
      expect(calls(run, 'StartExperiment')).toEqual([]);
      expect(run.statesVisited).not.toContain('StartFault');
      expect(journalOutcomes(run)).toEqual(['skipped']);
    });

    it.each<[string, RehearseOptions, string]>([
      [
        'the kill switch is on',
        { scenario: { killSwitch: [{ at: '0s', value: 'on' }] } },
        'guard rail killSwitch',
      ],
      [
        'another run is in flight',
        { scenario: { runningExecutions: 1 } },
        'another run is in flight: other-run-1',
      ],
      [
        'the change calendar is CLOSED',
        { scenario: { changeCalendar: 'CLOSED' }, settings: { changeCalendar: 'freeze' } },
        'calendar freeze is CLOSED',
      ],
      [
        'a scheduled run fires outside the allowed hours',
        { scenario: { now: '2026-12-01T03:00:00+01:00' }, trigger: 'schedule' },
        'outside the allowed hours',
      ],
    ])('skips every experiment without injecting when %s', async (_, options, reason) => {
      const run = await rehearse(options);

      expect(resultOf(run)?.outcome).toBe('skipped');
      expect(resultOf(run)?.reason).toContain(reason);
      expect(run.statesVisited).not.toContain('CheckSteadyStateBefore');
      expect(calls(run, 'StartExperiment')).toEqual([]);
      expect(journalOutcomes(run)).toEqual(['skipped']);
    });

    it('aborts on a stop-condition alarm, stopping the fault within one poll interval (events dropped: the poll alone)', async () => {
      const run = await rehearse({ scenario: { alarms: alarmFiresAt(100), events: { drop: true } } });

      const result = resultOf(run);
      expect(result?.outcome).toBe('aborted');
      expect(successes(run, 'StopExperiment')).toHaveLength(1);
      expect(result?.timeToStopSeconds).toBeLessThanOrEqual(POLL_SECONDS);
      expect(run.statesVisited).toContain('StopFault');
      expect(result?.fault?.state).toMatch(/^(stopping|stopped)$/);
    });

    it('aborts when the kill switch turns on mid-fault, within one poll interval of the switch', async () => {
      const run = await rehearse({
        scenario: {
          killSwitch: [
            { at: '0s', value: 'off' },
            { at: 'fault+60s', value: 'on' },
          ],
        },
      });

      const faultStart = run.account.faultStartedAt()?.getTime() ?? Number.NaN;
      const [stop] = successes(run, 'StopExperiment');
      expect(resultOf(run)?.outcome).toBe('aborted');
      expect(resultOf(run)?.reason).toContain('kill switch');
      expect(Date.parse(stop?.at ?? '') - faultStart).toBeLessThanOrEqual((60 + POLL_SECONDS) * 1000);
    });

    it('deviates when the steady state does not return within the recovery window', async () => {
      const run = await rehearse({ scenario: { asgs: { 'sock-shop-asg': [{ at: '0s', inService: 3 }] } } });

      const result = resultOf(run);
      expect(result?.outcome).toBe('deviated');
      expect(result?.steadyStateAfter.length).toBeGreaterThan(2);
      expect(result?.steadyStateAfter.every((c) => !c.steady)).toBe(true);
    });

    it('passes after two failed re-checks when the system recovers within the window', async () => {
      // The fault ends at fault+362s; polls see it at 375 s; re-checks every 30 s: 375, 405, 435.
      const run = await rehearse({
        scenario: {
          asgs: {
            'sock-shop-asg': [
              { at: '0s', inService: 3 },
              { at: 'fault+420s', inService: 4 },
            ],
          },
        },
      });

      const result = resultOf(run);
      expect(result?.outcome).toBe('passed');
      expect(result?.steadyStateAfter.map((c) => c.steady)).toEqual([false, false, true]);
      expect(result?.recoverySeconds).toBe(60);
    });

    it.each([
      ['failed', 'failed'],
      ['cancelled', 'aborted'],
      ['stopped', 'aborted'],
    ] as const)('reports a FIS experiment that ends %s by itself as %s', async (end, outcome) => {
      const run = await rehearse({ scenario: { fis: { end, at: 'fault+60s' } } });

      expect(resultOf(run)?.outcome).toBe(outcome);
      expect(resultOf(run)?.fault?.state).toBe(end);
      expect(calls(run, 'StopExperiment')).toEqual([]);
      expect(journalOutcomes(run)).toEqual([outcome]);
    });
  });

  describe('dry runs and modes', () => {
    it('dry-runs FIS with actionsMode skip-all: targets resolved, nothing injected', async () => {
      const run = await rehearse({ dryRun: true });

      const [start] = successes(run, 'StartExperiment');
      expect(start?.input).toMatchObject({ experimentOptions: { actionsMode: 'skip-all' } });
      expect(run.account.faultStartedAt()).toBeUndefined();
      expect(calls(run, 'SendCommand')).toEqual([]);
      expect(resultOf(run)?.outcome).toBe('skipped');
      expect(resultOf(run)?.reason).toContain('dry run');
    });

    it('dry-runs SSM by resolving the targets only: no SendCommand', async () => {
      const run = await rehearse({ loaded: viaSsm(), dryRun: true });

      expect(calls(run, 'SendCommand')).toEqual([]);
      expect(calls(run, 'DescribeInstances').length).toBeGreaterThan(0);
      expect(resultOf(run)?.fault?.targets).toEqual(INSTANCES);
      expect(resultOf(run)?.outcome).toBe('skipped');
    });

    it('runs an SSM fault to completion and passes, with exactly one command sent', async () => {
      const run = await rehearse({ loaded: viaSsm() });

      expect(resultOf(run)?.outcome).toBe('passed');
      expect(successes(run, 'SendCommand')).toHaveLength(1);
      expect(successes(run, 'SendCommand')[0]?.input).toMatchObject({ InstanceIds: INSTANCES });
      expect(calls(run, 'CancelCommand')).toEqual([]);
    });

    it('starts exactly one experiment when StartExperiment is throttled twice', async () => {
      const run = await rehearse({
        scenario: { apiFailures: [{ call: 'fis:StartExperiment', error: 'ThrottlingException', times: 2 }] },
      });

      const tokens = calls(run, 'StartExperiment').map(
        (c) => (c.input as { clientToken?: string }).clientToken,
      );
      expect(calls(run, 'StartExperiment').map((c) => c.error?.split(':')[0] ?? 'ok')).toEqual([
        'ThrottlingException',
        'ThrottlingException',
        'ok',
      ]);
      expect(new Set(tokens).size).toBe(1);
      expect(run.account.fisExperiments).toHaveLength(1);
      expect(resultOf(run)?.outcome).toBe('passed');
    });

    it('injects once when StartFault started the experiment but failed retryably before answering', async () => {
      const run = await rehearse({
        taskFaults: { StartFault: { mode: 'throw-after', error: 'ThrottledError', times: 1 } },
      });

      const tokens = successes(run, 'StartExperiment').map(
        (c) => (c.input as { clientToken?: string }).clientToken,
      );
      expect(tokens).toHaveLength(2);
      expect(new Set(tokens).size).toBe(1);
      expect(run.account.fisExperiments).toHaveLength(1);
      expect(resultOf(run)?.outcome).toBe('passed');
    });

    it('keeps every result when one of several experiments fails', async () => {
      const two = withConfig((c) => {
        const first = c.experiments[0];
        if (first) c.experiments.push({ ...structuredClone(first), name: 'web-cpu-80-again' });
      });

      const run = await rehearse({
        loaded: two,
        taskFaults: { CheckSteadyStateBefore: { mode: 'throw', times: 1 } },
      });

      expect(outputOf(run).results.map((r) => `${r.name} ${r.outcome}`)).toEqual([
        'web-cpu-80 failed',
        'web-cpu-80-again passed',
      ]);
      expect(run.journal?.experiments).toHaveLength(2);
      expect(run.account.fisExperiments.map((e) => e.tags['chaos-cadence:experiment'])).toEqual([
        'web-cpu-80-again',
      ]);
    });
  });

  describe('guard rails before each injection', () => {
    it('skips a later experiment, injecting nothing, when the allowed hours end during an earlier one', async () => {
      const two = withConfig((c) => {
        const first = c.experiments[0];
        if (first) c.experiments.push({ ...structuredClone(first), name: 'web-cpu-80-again' });
      });

      // 15:56 Berlin: inside MON-FRI 09:00-16:00 at the start; the first experiment ends after 16:00.
      const run = await rehearse({ loaded: two, scenario: { now: '2026-12-01T15:56:00+01:00' } });

      expect(outputOf(run).results.map((r) => `${r.name} ${r.outcome}`)).toEqual([
        'web-cpu-80 passed',
        'web-cpu-80-again skipped',
      ]);
      expect(run.account.fisExperiments.map((e) => e.tags['chaos-cadence:experiment'])).toEqual([
        'web-cpu-80',
      ]);
      expect(outputOf(run).results[1]?.reason).toMatch(/allowed hours|outside/i);
    });

    it('re-checks the guard rails right before every StartFault', async () => {
      const run = await rehearse();

      const order = run.statesVisited.filter((s) =>
        ['RecheckGuardRails', 'StillAllowed', 'StartFault'].includes(s),
      );
      expect(order).toEqual(['RecheckGuardRails', 'StillAllowed', 'StartFault']);
    });
  });

  describe('guard rails that cannot be checked', () => {
    it.each<[string, RehearseOptions]>([
      ['the CheckGuardRails function fails', { taskFaults: { CheckGuardRails: { mode: 'throw' } } }],
      [
        'the kill switch cannot be read',
        {
          scenario: {
            apiFailures: [{ call: 'ssm:GetParameter', error: 'AccessDeniedException', times: 10 }],
          },
        },
      ],
    ])('publishes a failed result per experiment, injecting nothing, when %s', async (_, options) => {
      const run = await rehearse(options);

      expect(run.statesVisited).toContain('GuardRailsFailed');
      expect(run.journal?.experiments.map((e) => [e.name, e.outcome, e.error?.state])).toEqual([
        [EXPERIMENT, 'failed', 'CheckGuardRails'],
      ]);
      expect(calls(run, 'StartExperiment')).toEqual([]);
      expect(run.emailSubject).toContain('FAILED');
    });

    it('still publishes the run when even the failed results cannot be built', async () => {
      const run = await rehearse({
        taskFaults: { CheckGuardRails: { mode: 'throw' }, GuardRailsFailed: { mode: 'throw' } },
      });

      expect(run.statesVisited).toContain('GuardRailsFailedWithoutResults');
      expect(run.journal?.experiments).toEqual([]);
      expect(run.journal?.guardRails?.reason).toContain('guard rails could not be checked');
      expect(calls(run, 'StartExperiment')).toEqual([]);
    });
  });

  describe('failures of the orchestrator itself', () => {
    /** Every Task state the ASL can reach from StartFault (Next, Default, Choices, Catch). */
    function tasksReachableFromStartFault(): string[] {
      type State = {
        Type: string;
        Next?: string;
        Default?: string;
        Choices?: { Next: string }[];
        Catch?: { Next: string }[];
      };
      const definition = JSON.parse(readDefinitionFile()) as {
        States: Record<string, { ItemProcessor?: { States: Record<string, State> } }>;
      };
      const states = definition.States.RunExperiments?.ItemProcessor?.States ?? {};
      const seen = new Set<string>();
      const visit = (name: string): void => {
        const state = states[name];
        if (seen.has(name) || !state) return;
        seen.add(name);
        const next = [
          state.Next,
          state.Default,
          ...(state.Choices ?? []).map((c) => c.Next),
          ...(state.Catch ?? []).map((c) => c.Next),
        ];
        next.filter((n): n is string => n !== undefined).forEach(visit);
      };
      visit('StartFault');
      return [...seen].filter((name) => states[name]?.Type === 'Task');
    }

    interface Breakage {
      /** The Task that fails (`throw`) or never answers past its TimeoutSeconds (`hang`). */
      readonly state: string;
      /** Changes to the healthy scenario that make the run reach the state. */
      readonly scenario?: Partial<ScenarioInput>;
      /** Other Task faults needed to reach the state (an error handler needs an error first). */
      readonly before?: Readonly<Record<string, TaskFault>>;
      /** Failures an error handler's own Retry absorbs; absent: every invocation. */
      readonly times?: number;
      /** The state the result names as failed. */
      readonly failedState: string;
    }

    const BREAKAGES: readonly Breakage[] = [
      { state: 'StartFault', failedState: 'StartFault' },
      { state: 'PollStopConditions', failedState: 'PollStopConditions' },
      { state: 'StopFault', scenario: { alarms: alarmFiresAt(60) }, failedState: 'StopFault' },
      { state: 'CheckSteadyStateAfter', failedState: 'CheckSteadyStateAfter' },
      {
        state: 'StopFaultAfterError',
        before: { PollStopConditions: { mode: 'throw' } },
        times: 2,
        failedState: 'PollStopConditions',
      },
      { state: 'Verdict', failedState: 'Verdict' },
      {
        state: 'StopFaultAfterVerdictError',
        before: { Verdict: { mode: 'throw' } },
        times: 2,
        failedState: 'Verdict',
      },
    ];

    it('covers every Task state reachable after StartFault', () => {
      expect(BREAKAGES.map((b) => b.state).sort()).toEqual(tasksReachableFromStartFault().sort());
    });

    describe.each(['throw', 'hang'] as const)('when a Task %ss', (mode) => {
      it.each(BREAKAGES.map((b) => [b.state, b] as const))(
        '%s: ends with the fault stopped and a failed result published',
        async (_, breakage) => {
          const fault: TaskFault = {
            mode,
            ...(breakage.times !== undefined ? { times: breakage.times } : {}),
          };

          const run = await rehearse({
            ...(breakage.scenario ? { scenario: breakage.scenario } : {}),
            taskFaults: { ...breakage.before, [breakage.state]: fault },
          });

          const result = resultOf(run);
          expect(run.status).toBe('SUCCEEDED');
          expect(faultsLeftRunning(run)).toEqual([]);
          expect([result?.outcome, result?.error?.state]).toEqual(['failed', breakage.failedState]);
          const failedBy = mode === 'hang' && breakage.times === undefined ? 'States.Timeout' : 'Error';
          expect(result?.error?.error).toBe(failedBy);
          expect(journalOutcomes(run)).toEqual(['failed']);
          expect(run.statesVisited.at(-3)).toBe('PublishResults');
        },
      );
    });

    it('stops a still-running fault when PollStopConditions fails mid-fault', async () => {
      const run = await rehearse({ taskFaults: { PollStopConditions: { mode: 'throw' } } });

      expect(run.statesVisited).toContain('StopFaultAfterError');
      expect(successes(run, 'StopExperiment')).toHaveLength(1);
      expect(resultOf(run)?.fault?.state).toMatch(/^(stopping|stopped)$/);
    });

    it('stops a still-running fault when PollStopConditions fails on a later batch', async () => {
      // A 1000 s fault: the first 300 s batch succeeds, the second one throws.
      const run = await rehearse({
        scenario: { fis: { end: 'completed', at: 'fault+1000s' } },
        taskFaults: { PollStopConditions: { mode: 'throw', skip: 1 } },
      });

      expect(run.statesVisited.filter((s) => s === 'PollStopConditions').length).toBeGreaterThanOrEqual(2);
      expect(run.statesVisited).toContain('StopFaultAfterError');
      expect(successes(run, 'StopExperiment')).toHaveLength(1);
      expect(resultOf(run)?.outcome).toBe('failed');
    });

    it('stops the fault after PollStopConditions hangs past its TimeoutSeconds (420 s)', async () => {
      // An experiment that would run for 1000 s: still injecting when the poll times out.
      const run = await rehearse({
        scenario: { fis: { end: 'completed', at: 'fault+1000s' } },
        taskFaults: { PollStopConditions: { mode: 'hang' } },
      });

      expect(resultOf(run)?.error?.error).toBe('States.Timeout');
      expect(successes(run, 'StopExperiment')).toHaveLength(1);
      expect(run.virtualSeconds).toBeGreaterThanOrEqual(420);
    });

    it('retries a StopFault that keeps throwing on an abort, then stops the fault from the error path', async () => {
      const run = await rehearse({
        scenario: { alarms: alarmFiresAt(60) },
        taskFaults: { StopFault: { mode: 'throw' } },
      });

      expect(
        run.progress.filter((p) => p.state === 'StopFault' && p.detail.startsWith('retry')).length,
      ).toBeGreaterThan(1);
      expect(run.statesVisited).toContain('StopFaultAfterError');
      expect(resultOf(run)?.outcome).toBe('failed');
      expect(successes(run, 'StopExperiment')).toHaveLength(1);
    });

    it('finds the fault by run id and stops it when StartFault injected but its answer never came', async () => {
      const run = await rehearse({ taskFaults: { StartFault: { mode: 'hang-after' } } });

      const [experiment] = run.account.fisExperiments;
      expect(run.account.fisExperiments).toHaveLength(1);
      expect(calls(run, 'ListExperiments').length).toBeGreaterThan(0);
      expect(successes(run, 'StopExperiment').map((c) => c.input)).toEqual([{ id: experiment?.id }]);
      expect([resultOf(run)?.outcome, resultOf(run)?.error?.error]).toEqual(['failed', 'States.Timeout']);
    });

    it('names the fault left running, to stop by hand, when even stopping it keeps failing', async () => {
      const run = await rehearse({
        taskFaults: { PollStopConditions: { mode: 'throw' }, StopFaultAfterError: { mode: 'throw' } },
      });

      const [experiment] = run.account.fisExperiments;
      expect(resultOf(run)?.outcome).toBe('failed');
      expect(resultOf(run)?.reason).toContain(
        `AND STOPPING THE FAULT FAILED (Error): check fis ${experiment?.id} by hand`,
      );
      // Nothing watched the fault after StartFault: its last known state is StartFault's answer.
      expect([resultOf(run)?.fault?.state, resultOf(run)?.faultEndedAt]).toEqual(['pending', undefined]);
      expect(faultsLeftRunning(run)).toEqual([experiment?.id]);
      expect(journalOutcomes(run)).toEqual(['failed']);
    });
  });
});

// The ASL file repeats what the task table (lib/workflow/tasks.ts) says of each Task state: the function
// it invokes, its TimeoutSeconds, its Retry block. These tests check the repeat, and that the timeouts
// fit together: a Lambda timeout surfaces as the function's error, and the execution outlives its runs.
import { join } from 'node:path';
import { loadConfig } from '../../lib/config/load';
import { buildRunConfig } from '../../lib/config/plan';
import { readDefinitionFile, workflowTimeoutSeconds } from '../../lib/workflow/definition';
import {
  functionArnKey,
  functionTimeoutOf,
  INVOKE_MARGIN_SECONDS,
  isTaskState,
  LAMBDA_SERVICE_ERRORS,
  retryOf,
  STATES_ERRORS,
  TASK_STATE_NAMES,
  TASKS,
  WORKFLOW_FUNCTIONS,
  type TaskStateName,
} from '../../lib/workflow/tasks';
import { ERROR_NAMES } from '../../lambdas/shared/error-names';
import type { ExperimentPlan, RunConfig } from '../../lambdas/shared/types';
import { fisPlan, runConfigOf } from '../fixtures/workflow/plans';

const ROOT = join(__dirname, '..', '..');

type AslState = Record<string, unknown> & { readonly Type: string };

/** Every state of the ASL file by name, Map iterations included. */
function aslStates(): Map<string, AslState> {
  const found = new Map<string, AslState>();
  const visit = (states: Record<string, AslState>): void => {
    for (const [name, state] of Object.entries(states)) {
      found.set(name, state);
      const processor = (state.ItemProcessor ?? state.Iterator) as
        { States: Record<string, AslState> } | undefined;
      if (processor) visit(processor.States);
    }
  };
  visit((JSON.parse(readDefinitionFile()) as { States: Record<string, AslState> }).States);
  return found;
}

function aslTask(name: TaskStateName): AslState {
  const state = aslStates().get(name);
  if (state?.Type !== 'Task') throw new Error(`the ASL has no Task state ${name}`);
  return state;
}

/** Every error name the ASL matches in a Retry or Catch, or raises itself (a Pass state's `Error`). */
function aslErrorNames(): Set<string> {
  const names = new Set<string>();
  for (const state of aslStates().values()) {
    for (const rule of [...((state.Retry ?? []) as unknown[]), ...((state.Catch ?? []) as unknown[])]) {
      for (const name of (rule as { ErrorEquals: string[] }).ErrorEquals) names.add(name);
    }
    const raised = (state.Parameters as { Error?: unknown } | undefined)?.Error;
    if (typeof raised === 'string') names.add(raised);
  }
  return names;
}

describe('the task table (lib/workflow/tasks.ts) and the ASL file', () => {
  it('names exactly the Task states of the ASL', () => {
    const asl = [...aslStates()].filter(([, s]) => s.Type === 'Task').map(([name]) => name);

    expect([...asl].sort()).toEqual([...TASK_STATE_NAMES].sort());
  });

  it.each(TASK_STATE_NAMES)('%s invokes the function the table names', (name) => {
    const state = aslTask(name);

    expect(state.Resource).toBe(`\${${functionArnKey(TASKS[name].function)}}`);
  });

  it.each(TASK_STATE_NAMES)('%s has the TimeoutSeconds of the table', (name) => {
    const state = aslTask(name);

    expect(state.TimeoutSeconds).toBe(TASKS[name].timeoutSeconds);
  });

  it.each(TASK_STATE_NAMES)('%s has the Retry block of its policy', (name) => {
    const state = aslTask(name);

    expect({ policy: TASKS[name].retry, Retry: state.Retry }).toEqual({
      policy: TASKS[name].retry,
      Retry: retryOf(name),
    });
  });

  it('matches and raises only error names defined in code', () => {
    const known = new Set<string>([
      ...Object.values(STATES_ERRORS),
      ...LAMBDA_SERVICE_ERRORS,
      ...Object.values(ERROR_NAMES),
    ]);

    const unknown = [...aslErrorNames()].filter((name) => !known.has(name));

    expect(unknown).toEqual([]);
  });

  it('sets the unexpected poll result error from ERROR_NAMES', () => {
    const state = aslStates().get('UnexpectedPollResult');

    expect((state?.Parameters as { Error?: string } | undefined)?.Error).toBe(
      ERROR_NAMES.unexpectedPollResult,
    );
  });

  it('uses every workflow function', () => {
    const used = new Set(Object.values(TASKS).map((task) => task.function));

    expect([...used].sort()).toEqual(Object.keys(WORKFLOW_FUNCTIONS).sort());
  });

  it('knows no Task state outside the ASL', () => {
    expect(isTaskState('ApplyInputDefaults')).toBe(false);
    expect(isTaskState('Verdict')).toBe(true);
  });
});

describe('the timeouts', () => {
  it.each(TASK_STATE_NAMES)(
    "%s waits longer than its function may run, so a Lambda timeout is the function's error",
    (name) => {
      const state = aslTask(name);
      const limits = [state.TimeoutSeconds, state.HeartbeatSeconds].filter((s) => s !== undefined);

      expect(limits.length).toBeGreaterThan(0);
      for (const limit of limits) {
        expect(limit).toBeGreaterThanOrEqual(functionTimeoutOf(name) + INVOKE_MARGIN_SECONDS);
      }
    },
  );

  it('has no state that reads its timeout from the input', () => {
    const dynamic = [...aslStates()].filter(
      ([, s]) => 'TimeoutSecondsPath' in s || 'HeartbeatSecondsPath' in s,
    );

    expect(dynamic.map(([name]) => name)).toEqual([]);
  });

  /**
   * A slow but working run: every Task on the longest path runs as long as its function may, once;
   * the poll loop (its invocations included) runs until the fault's hard stop plus one poll interval;
   * the recovery checks until the window ends plus one interval, then one more check; the verdict fails
   * and the fault is stopped again. Retries are what the workflow timeout keeps beyond this.
   */
  function worstCaseSeconds(runConfig: RunConfig): number {
    const run: TaskStateName[] = ['CheckGuardRails', 'PublishResults', 'ReleaseRunLock'];
    const experiment: TaskStateName[] = [
      'CheckSteadyStateBefore',
      'RecheckGuardRails',
      'StartFault',
      'StopFault',
      'CheckSteadyStateAfter',
      'Verdict',
      'StopFaultAfterVerdictError',
    ];
    const sum = (states: TaskStateName[]): number =>
      states.reduce((s, name) => s + functionTimeoutOf(name), 0);
    const perPlan = (plan: ExperimentPlan): number =>
      sum(experiment) +
      plan.fault.maxRunSeconds +
      plan.pollIntervalSeconds +
      plan.recovery.windowSeconds +
      plan.recovery.intervalSeconds;
    return sum(run) + Object.values(runConfig.plans).reduce((s, plan) => s + perPlan(plan), 0);
  }

  it('lets the execution outlive the worst case of the example config', () => {
    const loaded = loadConfig({ path: 'chaos-cadence.config.yaml', cwd: ROOT });
    const runConfig = buildRunConfig(loaded.config, loaded.hash);

    expect(workflowTimeoutSeconds(runConfig)).toBeGreaterThan(worstCaseSeconds(runConfig));
  });

  it.each([1, 5, 20])('lets the execution outlive the worst case of %i experiments', (count) => {
    const plans = Array.from({ length: count }, (_, i) => fisPlan({ name: `experiment-${i}` }));
    const runConfig = runConfigOf(...plans);

    expect(workflowTimeoutSeconds(runConfig)).toBeGreaterThan(worstCaseSeconds(runConfig));
  });
});

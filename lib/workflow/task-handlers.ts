import type { Runtime } from '../../lambdas/shared/aws';
import {
  checkGuardRails,
  type CheckGuardRailsInput,
} from '../../lambdas/check-guard-rails/check-guard-rails';
import {
  checkSteadyStateAfter,
  checkSteadyStateBefore,
  type AfterInput,
  type BeforeInput,
} from '../../lambdas/check-steady-state/check-steady-state';
import { releaseRunLock, type ReleaseRunLockInput } from '../../lambdas/check-guard-rails/run-lock';
import { pollStopConditions, type PollInput } from '../../lambdas/poll-stop-conditions/poll-stop-conditions';
import { startFault, type StartFaultInput } from '../../lambdas/start-fault/start-fault';
import { stopFault, type StopFaultInput } from '../../lambdas/stop-fault/stop-fault';
import {
  guardRailsFailed,
  verdictState,
  type GuardRailsFailedInput,
  type VerdictInput,
} from '../../lambdas/verdict/verdict';
import { publishResults } from '../../lambdas/publish-results/publish-results';
import type { PublishInput, PublishOutput } from '../../lambdas/shared/types';
import { TASK_STATE_NAMES, TASKS, type TaskCore, type TaskStateName } from './tasks';

export { TASK_STATE_NAMES, type TaskStateName } from './tasks';

/** The Task states after StartFault may have injected: each one's failure must end with the fault stopped. */
export const TASKS_AFTER_START_FAULT: readonly TaskStateName[] = [
  'StartFault',
  'PollStopConditions',
  'StopFault',
  'CheckSteadyStateAfter',
  'Verdict',
];

/** A local Task handler: the state's input after `Parameters`, the function's result. */
export type TaskHandler = (input: unknown) => Promise<unknown>;

/** Publishes the run (default: the publish-results core; tests may pass their own). */
export type PublishCore = (input: PublishInput, runtime: Runtime) => Promise<PublishOutput>;

/** Builds the local handler of one core (the same pure core its Lambda handler calls). */
function coreHandlers(runtime: Runtime, publish: PublishCore): Record<TaskCore, TaskHandler> {
  return {
    checkGuardRails: (input) => checkGuardRails(input as CheckGuardRailsInput, runtime),
    releaseRunLock: (input) => releaseRunLock((input as ReleaseRunLockInput).run.runId, runtime),
    guardRailsFailed: (input) => Promise.resolve(guardRailsFailed(input as GuardRailsFailedInput, runtime)),
    checkSteadyStateBefore: (input) => checkSteadyStateBefore((input as BeforeInput).plan, runtime),
    checkSteadyStateAfter: (input) => checkSteadyStateAfter(input as AfterInput, runtime),
    startFault: (input) => startFault(input as StartFaultInput, runtime),
    pollStopConditions: (input) => pollStopConditions(input as PollInput, runtime),
    stopFault: (input) => stopFault(input as StopFaultInput, runtime),
    verdict: (input) => Promise.resolve(verdictState(input as VerdictInput, runtime)),
    publishResults: (input) => publish(input as PublishInput, runtime),
  };
}

/**
 * The local handlers for every Task state, keyed by state name, each calling the core the task table
 * names for it (for aws-local-stepfunctions `taskResourceLocalHandlers`).
 */
export function createTaskHandlers(
  runtime: Runtime,
  publish: PublishCore = publishResults,
): Record<TaskStateName, TaskHandler> {
  const cores = coreHandlers(runtime, publish);
  return Object.fromEntries(TASK_STATE_NAMES.map((name) => [name, cores[TASKS[name].core]])) as Record<
    TaskStateName,
    TaskHandler
  >;
}

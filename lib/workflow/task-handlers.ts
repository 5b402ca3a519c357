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

/** Every Task state of `state-machines/run-experiments.asl.json`. */
export const TASK_STATE_NAMES = [
  'CheckGuardRails',
  'GuardRailsFailed',
  'CheckSteadyStateBefore',
  'RecheckGuardRails',
  'StartFault',
  'PollStopConditions',
  'StopFault',
  'CheckSteadyStateAfter',
  'StopFaultAfterError',
  'Verdict',
  'StopFaultAfterVerdictError',
  'PublishResults',
  'ReleaseRunLock',
] as const;

/** One of {@link TASK_STATE_NAMES}. */
export type TaskStateName = (typeof TASK_STATE_NAMES)[number];

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

/**
 * The local handlers for every Task state, keyed by state name, each calling the same pure core as
 * its Lambda handler (for aws-local-stepfunctions `taskResourceLocalHandlers`).
 */
export function createTaskHandlers(
  runtime: Runtime,
  publish: PublishCore = publishResults,
): Record<TaskStateName, TaskHandler> {
  const stop: TaskHandler = (input) => stopFault(input as StopFaultInput, runtime);
  const guardRails: TaskHandler = (input) => checkGuardRails(input as CheckGuardRailsInput, runtime);
  return {
    CheckGuardRails: guardRails,
    RecheckGuardRails: guardRails,
    GuardRailsFailed: (input) => Promise.resolve(guardRailsFailed(input as GuardRailsFailedInput, runtime)),
    CheckSteadyStateBefore: (input) => checkSteadyStateBefore((input as BeforeInput).plan, runtime),
    StartFault: (input) => startFault(input as StartFaultInput, runtime),
    PollStopConditions: (input) => pollStopConditions(input as PollInput, runtime),
    StopFault: stop,
    CheckSteadyStateAfter: (input) => checkSteadyStateAfter(input as AfterInput, runtime),
    StopFaultAfterError: stop,
    Verdict: (input) => Promise.resolve(verdictState(input as VerdictInput, runtime)),
    StopFaultAfterVerdictError: stop,
    PublishResults: (input) => publish(input as PublishInput, runtime),
    ReleaseRunLock: (input) => releaseRunLock((input as ReleaseRunLockInput).run.runId, runtime),
  };
}

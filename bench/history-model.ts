import type { TappedEvent, TappedInvocation } from './rehearsal-tap';

/** Step Functions Standard: at most this many events in one execution's history. */
export const HISTORY_EVENT_LIMIT = 25_000;

/**
 * The Step Functions history and billing an execution would have produced in AWS, modelled from the
 * local event log of aws-local-stepfunctions (which has its own, coarser event types). The model,
 * per AWS's documented history event types for a Standard workflow whose Tasks call Lambda by ARN:
 *
 * - execution: `ExecutionStarted` + `ExecutionSucceeded|Failed|TimedOut|Aborted` = 2
 * - Task: `TaskStateEntered` + per attempt (`LambdaFunctionScheduled`, `LambdaFunctionStarted`,
 *   `LambdaFunctionSucceeded|Failed|TimedOut`) + `TaskStateExited` = 2 + 3 x attempts,
 *   attempts = 1 + the retries logged (`StateRetried`). A caught failure still exits the state.
 * - Pass, Choice, Wait, Succeed: `<Type>StateEntered` + `<Type>StateExited` = 2; Fail: entered only
 *   (the execution's failure event is counted above).
 * - Map (inline): `MapStateEntered`, `MapStateStarted`, `MapStateSucceeded|Failed`, `MapStateExited`
 *   = 4, plus `MapIterationStarted` + `MapIterationSucceeded|Failed` = 2 per iteration (the states
 *   inside an iteration are counted like any other state).
 *
 * State transitions (what Standard workflows bill) are counted as AWS documents them: one per state
 * entered, retries included.
 */
export interface HistoryFigures {
  readonly historyEvents: number;
  readonly stateTransitions: number;
  /** Lambda invocations (attempts), by Task state. */
  readonly invocationsByState: Readonly<Record<string, number>>;
  readonly lambdaInvocations: number;
}

/** Applies the model above to a tapped event log. */
export function modelHistory(events: readonly TappedEvent[]): HistoryFigures {
  let historyEvents = 0;
  let stateTransitions = 0;
  const invocationsByState: Record<string, number> = {};
  for (const event of events) {
    switch (event.type) {
      case 'ExecutionStarted':
      case 'ExecutionSucceeded':
      case 'ExecutionFailed':
      case 'ExecutionTerminated':
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        historyEvents += 1;
        break;
      case 'StateEntered': {
        stateTransitions += 1;
        const type = event.state?.type;
        const name = event.state?.name ?? '?';
        if (type === 'Task') {
          historyEvents += 2 + 3;
          invocationsByState[name] = (invocationsByState[name] ?? 0) + 1;
        } else if (type === 'Map') historyEvents += 4;
        else if (type === 'Fail') historyEvents += 1;
        else historyEvents += 2;
        break;
      }
      case 'StateRetried': {
        stateTransitions += 1;
        const name = event.state?.name ?? '?';
        if (event.state?.type === 'Task') {
          historyEvents += 3;
          invocationsByState[name] = (invocationsByState[name] ?? 0) + 1;
        }
        break;
      }
      default:
        // StateExited, StateFailed, StateCaught: already counted with the state's entry.
        break;
    }
  }
  const lambdaInvocations = Object.values(invocationsByState).reduce((a, b) => a + b, 0);
  return { historyEvents, stateTransitions, invocationsByState, lambdaInvocations };
}

/** Billed Lambda duration of one invocation: virtual (sleeps) + real compute, rounded up to the ms. */
export function billedMs(invocation: TappedInvocation): number {
  return Math.max(1, Math.ceil(invocation.virtualMs + invocation.realMs));
}

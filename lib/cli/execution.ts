import {
  GetExecutionHistoryCommand,
  paginateGetExecutionHistory,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { formatOffset, paint, type CliIo } from './io';

/** Reads an execution's whole history, oldest first, every page. */
export async function readHistory(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  const pages = paginateGetExecutionHistory(
    { client: sfn },
    { executionArn, maxResults: 1000, includeExecutionData: true },
  );
  for await (const page of pages) events.push(...(page.events ?? []));
  return events;
}

/**
 * The state an execution is in, from the newest history events only (one reverse-order page).
 * `undefined` before the first state, or when the last 50 events hold no state entry.
 */
export async function latestState(
  sfn: Pick<SFNClient, 'send'>,
  executionArn: string,
): Promise<{ name: string; enteredAt?: Date } | undefined> {
  const page = await sfn.send(
    new GetExecutionHistoryCommand({
      executionArn,
      reverseOrder: true,
      maxResults: 50,
      includeExecutionData: false,
    }),
  );
  return currentState([...(page.events ?? [])].reverse());
}

/** The state an execution is in: the latest state entered (`undefined` before the first one). */
export function currentState(
  events: readonly HistoryEvent[],
): { name: string; enteredAt?: Date } | undefined {
  for (let index = events.length - 1; index >= 0; index -= 1) {
    const event = events[index];
    const name = event?.stateEnteredEventDetails?.name;
    if (event && name) return { name, ...(event.timestamp ? { enteredAt: event.timestamp } : {}) };
  }
  return undefined;
}

function short(text: string | undefined, max = 120): string {
  if (!text) return '';
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 3)}...` : oneLine;
}

/**
 * One progress line for a history event, or `undefined` for events not worth a line. Lines look like
 * the rehearsal's: `+  0:15  PollStopConditions`; failures carry their error and cause.
 */
export function describeEvent(
  io: Pick<CliIo, 'color'>,
  event: HistoryEvent,
  startedAt: Date | undefined,
): string | undefined {
  const offset = startedAt && event.timestamp ? (event.timestamp.getTime() - startedAt.getTime()) / 1000 : 0;
  const prefix = `+ ${formatOffset(offset).padStart(5)}  `;
  const entered = event.stateEnteredEventDetails?.name;
  if (entered) return `${prefix}${entered}`;
  if (event.type === 'MapIterationStarted') {
    return `${prefix}${paint(io, 'dim', `iteration ${event.mapIterationStartedEventDetails?.index ?? '?'}`)}`;
  }
  const failure =
    event.taskFailedEventDetails ??
    event.lambdaFunctionFailedEventDetails ??
    event.executionFailedEventDetails ??
    event.executionAbortedEventDetails ??
    event.executionTimedOutEventDetails;
  if (failure) {
    const cause = short(failure.cause);
    return `${prefix}${paint(io, 'red', `${event.type ?? 'failure'}: ${failure.error ?? 'error'}${cause ? ` - ${cause}` : ''}`)}`;
  }
  return undefined;
}

/** The AWS console page of an execution. */
export function executionConsoleUrl(executionArn: string, region: string | undefined): string {
  const r = region ?? executionArn.split(':')[3] ?? 'us-east-1';
  return `https://${r}.console.aws.amazon.com/states/home?region=${r}#/v2/executions/details/${executionArn}`;
}

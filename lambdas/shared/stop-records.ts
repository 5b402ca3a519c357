import {
  GetItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { RUN_LOCK_KEY } from '../check-guard-rails/run-lock';
import type { Runtime } from './aws';
import { awsCall, awsErrorName } from './errors';
import type { StopReason, StopRecord, StoppedBy } from './types';

/**
 * Who stopped a fault, recorded where the run's own poll reads it: on the run lock item (one item, the
 * run in flight). The abort-on-event function writes a record right after its stop request; the poll
 * reads them when it finds the fault ended or stopping, so the journal says `event`, `halt`, `poll` or
 * `fis-native` and measures the time to stop from the triggering transition.
 */

/** Attribute name prefix of a stop record on the run lock item: `stop:<fault id>`. */
export const STOP_RECORD_PREFIX = 'stop:';

/** Only the run holding the lock gets records (a late event never writes onto the next run's lock). */
export const RECORD_CONDITION = 'runId = :run';

const STOPPED_BY_VALUES: readonly string[] = ['poll', 'event', 'fis-native', 'halt'];
const REASONS: readonly string[] = ['stop-condition', 'kill-switch', 'time-over', 'error'];

/** A stop record with the reason it maps to in the workflow's vocabulary. */
export interface RecordedStop extends StopRecord {
  readonly reason: StopReason;
}

function toItem(record: RecordedStop): AttributeValue {
  return {
    M: {
      faultId: { S: record.faultId },
      by: { S: record.by },
      requestedAt: { S: record.requestedAt },
      trigger: { S: record.trigger },
      reason: { S: record.reason },
      ...(record.triggeredAt !== undefined ? { triggeredAt: { S: record.triggeredAt } } : {}),
    },
  };
}

function fromItem(value: AttributeValue | undefined): RecordedStop | undefined {
  const m = value?.M;
  const by = m?.by?.S;
  const reason = m?.reason?.S;
  const faultId = m?.faultId?.S;
  const requestedAt = m?.requestedAt?.S;
  if (!by || !STOPPED_BY_VALUES.includes(by) || !reason || !REASONS.includes(reason)) return undefined;
  if (!faultId || !requestedAt) return undefined;
  return {
    faultId,
    by: by as StoppedBy,
    reason: reason as StopReason,
    requestedAt,
    trigger: m?.trigger?.S ?? '',
    ...(m?.triggeredAt?.S !== undefined ? { triggeredAt: m.triggeredAt.S } : {}),
  };
}

/** The run lock table and a client for it. */
export interface LockTableRef {
  readonly table: string;
  readonly client: Pick<DynamoDBClient, 'send'>;
}

function lockTable(runtime: Runtime): LockTableRef | undefined {
  const table = runtime.settings.runLockTable;
  const client = runtime.clients.dynamodb;
  return table && client ? { table, client } : undefined;
}

/**
 * Records who stopped a fault of run `runId` on the run lock (conditional: only while that run holds
 * it). Returns false when the run no longer holds the lock or there is no lock table.
 */
export async function recordStop(
  runId: string,
  record: RecordedStop,
  runtime: Runtime | LockTableRef,
): Promise<boolean> {
  const lock = 'table' in runtime ? runtime : lockTable(runtime);
  if (!lock) return false;
  try {
    await awsCall('dynamodb:UpdateItem', () =>
      lock.client.send(
        new UpdateItemCommand({
          TableName: lock.table,
          Key: { pk: { S: RUN_LOCK_KEY } },
          UpdateExpression: 'SET #record = :record',
          ConditionExpression: RECORD_CONDITION,
          ExpressionAttributeNames: { '#record': `${STOP_RECORD_PREFIX}${record.faultId}` },
          ExpressionAttributeValues: { ':record': toItem(record), ':run': { S: runId } },
        }),
      ),
    );
    return true;
  } catch (error) {
    if (awsErrorName(error) === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** The stop record of one fault of run `runId`, if another part stopped it (undefined otherwise). */
export async function readStopRecord(
  runId: string,
  faultId: string,
  runtime: Runtime,
): Promise<RecordedStop | undefined> {
  const lock = lockTable(runtime);
  if (!lock) return undefined;
  const answer = await awsCall('dynamodb:GetItem', () =>
    lock.client.send(
      new GetItemCommand({
        TableName: lock.table,
        Key: { pk: { S: RUN_LOCK_KEY } },
        ConsistentRead: true,
      }),
    ),
  );
  if (answer.Item?.runId?.S !== runId) return undefined;
  return fromItem(answer.Item[`${STOP_RECORD_PREFIX}${faultId}`]);
}

import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { Runtime } from '../shared/aws';
import { awsCall, awsErrorName } from '../shared/errors';
import type { GuardRailCheck, RunContext } from '../shared/types';

/** The partition key value of the one lock item. */
export const RUN_LOCK_KEY = 'run-lock';

/** Added to the workflow's timeout to give the lock's lease: a run never outlives its lock. */
export const RUN_LOCK_MARGIN_SECONDS = 15 * 60;

/** The lease when the settings name none: the ASL's default 24-hour timeout plus the margin. */
export const DEFAULT_RUN_LOCK_SECONDS = 24 * 3600 + RUN_LOCK_MARGIN_SECONDS;

/**
 * Acquire: the lock is free, its lease has expired, or this run already holds it (a retried
 * CheckGuardRails of the same run). DynamoDB evaluates it atomically with the write, with strong
 * consistency: of two runs starting in the same second exactly one gets the lock.
 */
export const ACQUIRE_CONDITION = 'attribute_not_exists(pk) OR expiresAt < :now OR runId = :me';

/** Release: only the holder deletes the lock (a run skipped by the lock never frees another's). */
export const RELEASE_CONDITION = 'runId = :me';

/** The lock item as stored. */
export interface RunLockItem {
  readonly runId: string;
  readonly executionArn: string;
  /** ISO time the holder acquired it. */
  readonly acquiredAt: string;
  /** Epoch seconds after which the lock is free (also the table's TTL attribute). */
  readonly expiresAt: number;
}

/** What the ReleaseRunLock state passes to the check-guard-rails function. */
export interface ReleaseRunLockInput {
  readonly mode: 'release';
  readonly run: Pick<RunContext, 'runId'>;
}

/** True for the ReleaseRunLock state's input (the function's other input is CheckGuardRails'). */
export function isReleaseRunLock(event: unknown): event is ReleaseRunLockInput {
  return (event as Partial<ReleaseRunLockInput> | null)?.mode === 'release';
}

/** What a release did. */
export interface ReleaseRunLockResult {
  /** True when this run held the lock and it was deleted. */
  readonly released: boolean;
  readonly detail: string;
}

interface LockTable {
  readonly client: DynamoDBClient;
  readonly table: string;
}

function lockTable(runtime: Runtime): LockTable | undefined {
  const table = runtime.settings.runLockTable;
  const client = runtime.clients.dynamodb;
  return table !== undefined && table !== '' && client !== undefined ? { client, table } : undefined;
}

/** Reads a stored lock item (undefined when absent or malformed). */
export function parseLockItem(item: Record<string, AttributeValue> | undefined): RunLockItem | undefined {
  const runId = item?.runId?.S;
  const expiresAt = Number(item?.expiresAt?.N);
  if (runId === undefined || !Number.isFinite(expiresAt)) return undefined;
  return {
    runId,
    executionArn: item?.executionArn?.S ?? '',
    acquiredAt: item?.acquiredAt?.S ?? '?',
    expiresAt,
  };
}

function isoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}

/** The item DynamoDB reported with a ConditionalCheckFailedException (ReturnValuesOnConditionCheckFailure). */
function itemOfConditionFailure(error: unknown): Record<string, AttributeValue> | undefined {
  type WithItem = { Item?: Record<string, AttributeValue>; cause?: unknown } | null;
  const own = error as WithItem;
  return (own?.cause as WithItem)?.Item ?? own?.Item;
}

async function readLock(lock: LockTable): Promise<RunLockItem | undefined> {
  const answer = await awsCall('dynamodb:GetItem', () =>
    lock.client.send(
      new GetItemCommand({
        TableName: lock.table,
        Key: { pk: { S: RUN_LOCK_KEY } },
        ConsistentRead: true,
      }),
    ),
  );
  return parseLockItem(answer.Item);
}

/**
 * The `singleRun` guard rail: takes the run lock with a conditional write (see {@link ACQUIRE_CONDITION}),
 * leased for `settings.runLockSeconds`. Not ok when another run holds an unexpired lock, or when no lock
 * table is configured (one run at a time could not be guaranteed).
 */
export async function acquireRunLock(run: RunContext, runtime: Runtime): Promise<GuardRailCheck> {
  const lock = lockTable(runtime);
  if (!lock) {
    return {
      name: 'singleRun',
      ok: false,
      detail: 'no run lock table is configured; one run at a time cannot be guaranteed',
    };
  }
  const now = runtime.now();
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const expiresAt = nowSeconds + (runtime.settings.runLockSeconds ?? DEFAULT_RUN_LOCK_SECONDS);
  try {
    const answer = await awsCall('dynamodb:PutItem', () =>
      lock.client.send(
        new PutItemCommand({
          TableName: lock.table,
          Item: {
            pk: { S: RUN_LOCK_KEY },
            runId: { S: run.runId },
            executionArn: { S: run.executionArn },
            acquiredAt: { S: now.toISOString() },
            expiresAt: { N: String(expiresAt) },
          },
          ConditionExpression: ACQUIRE_CONDITION,
          ExpressionAttributeValues: { ':now': { N: String(nowSeconds) }, ':me': { S: run.runId } },
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    const previous = parseLockItem(answer.Attributes);
    const until = isoSeconds(expiresAt);
    const detail =
      previous === undefined
        ? `run lock acquired until ${until}`
        : previous.runId === run.runId
          ? `run lock already held by this run (check retried); renewed until ${until}`
          : `run lock acquired until ${until}, after the lease of run ${previous.runId} expired at ${isoSeconds(previous.expiresAt)}`;
    return { name: 'singleRun', ok: true, detail };
  } catch (error) {
    if (awsErrorName(error) !== 'ConditionalCheckFailedException') throw error;
    const holder = parseLockItem(itemOfConditionFailure(error)) ?? (await readLock(lock));
    return {
      name: 'singleRun',
      ok: false,
      detail: holder
        ? `another run is in flight: ${holder.runId} holds the run lock since ${holder.acquiredAt} (lease until ${isoSeconds(holder.expiresAt)})`
        : 'another run is in flight: it holds the run lock',
    };
  }
}

/**
 * Releases the run lock if `runId` holds it (conditional delete, see {@link RELEASE_CONDITION}); a lock
 * held by another run, or no lock at all, is left as it is. Other errors are thrown (the caller's
 * Retry/Catch decides; the lease expires anyway).
 */
export async function releaseRunLock(runId: string, runtime: Runtime): Promise<ReleaseRunLockResult> {
  const lock = lockTable(runtime);
  if (!lock) return { released: false, detail: 'no run lock table is configured' };
  try {
    await awsCall('dynamodb:DeleteItem', () =>
      lock.client.send(
        new DeleteItemCommand({
          TableName: lock.table,
          Key: { pk: { S: RUN_LOCK_KEY } },
          ConditionExpression: RELEASE_CONDITION,
          ExpressionAttributeValues: { ':me': { S: runId } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    return { released: true, detail: `run lock of run ${runId} released` };
  } catch (error) {
    if (awsErrorName(error) !== 'ConditionalCheckFailedException') throw error;
    const holder = parseLockItem(itemOfConditionFailure(error));
    return {
      released: false,
      detail: holder
        ? `run ${runId} does not hold the run lock (${holder.runId} does); left as it is`
        : `run ${runId} does not hold the run lock (it is free)`,
    };
  }
}

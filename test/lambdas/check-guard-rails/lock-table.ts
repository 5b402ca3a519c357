// A run lock table for unit tests: a real DynamoDBClient answered by aws-sdk-client-mock from the
// rehearsal's simulated DynamoDB (lib/rehearsal/account/dynamodb.ts), with its conditional writes.
import { DynamoDBClient, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { Runtime } from '../../../lambdas/shared/aws';
import { simulatedDynamoDb } from '../../../lib/rehearsal/account/dynamodb';

/** The lock table's name in these tests. */
export const LOCK_TABLE = 'test-run-lock';
/** The lease the tests configure. */
export const LEASE_SECONDS = 3600;

type Item = Record<string, AttributeValue>;

/** A stored lock item held by `runId`, acquired at `acquiredMs`, expiring `leaseSeconds` later. */
export function lockItem(runId: string, acquiredMs: number, leaseSeconds = LEASE_SECONDS): Item {
  return {
    pk: { S: 'run-lock' },
    runId: { S: runId },
    executionArn: { S: `arn:aws:states:eu-central-1:123456789012:execution:sm:${runId}` },
    acquiredAt: { S: new Date(acquiredMs).toISOString() },
    expiresAt: { N: String(Math.floor(acquiredMs / 1000) + leaseSeconds) },
  };
}

/** The lock table: `items` by pk; `mock` to assert on calls; `with(runtime)` adds it to a runtime. */
export function fakeLockTable(initial?: Item) {
  const db = simulatedDynamoDb({
    tables: [LOCK_TABLE],
    items: new Map(initial ? [[`${LOCK_TABLE}/run-lock`, initial]] : []),
  });
  const client = new DynamoDBClient({ region: 'eu-central-1' });
  const mock = mockClient(client);
  // aws-sdk-client-mock types `on` per command; the routes are a table of them, so one cast here.
  const stub = mock as unknown as {
    on(command: unknown): { callsFake(fn: (input: never) => unknown): void };
  };
  for (const route of db.routes) stub.on(route.command).callsFake((input) => route.handle(input));
  const key = (pk: string): string => `${LOCK_TABLE}/${pk}`;
  /** The lock table's items by pk (a view of the simulated DynamoDB's items by `table/pk`). */
  const items = {
    get: (pk: string): Item | undefined => db.items.get(key(pk)),
    has: (pk: string): boolean => db.items.has(key(pk)),
    get size(): number {
      return [...db.items.keys()].filter((k) => k.startsWith(`${LOCK_TABLE}/`)).length;
    },
  };
  return {
    items,
    mock,
    client,
    holder: (): string | undefined => items.get('run-lock')?.runId?.S,
    with: (runtime: Runtime, leaseSeconds = LEASE_SECONDS): Runtime => ({
      ...runtime,
      clients: { ...runtime.clients, dynamodb: client },
      settings: { ...runtime.settings, runLockTable: LOCK_TABLE, runLockSeconds: leaseSeconds },
    }),
  };
}

// A run lock table for unit tests: a real DynamoDBClient answered by aws-sdk-client-mock from an
// in-memory item map, with DynamoDB's conditional-write semantics (the simulated account's evaluator).
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { Runtime } from '../../../lambdas/shared/aws';
import { evaluateCondition } from '../../../lib/rehearsal/simulated-account';

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

function conditionFailed(old: Item | undefined, returnOld: string | undefined): Error {
  const error = new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: { httpStatusCode: 400 },
  });
  if (returnOld === 'ALL_OLD' && old) error.Item = old;
  return error;
}

/** The lock table: `items` by pk; `mock` to assert on calls; `with(runtime)` adds it to a runtime. */
export function fakeLockTable(initial?: Item) {
  const items = new Map<string, Item>();
  if (initial) items.set('run-lock', initial);
  const client = new DynamoDBClient({ region: 'eu-central-1' });
  const mock = mockClient(client);
  mock.on(PutItemCommand).callsFake((input: PutItemCommand['input']) => {
    const pk = input.Item?.pk?.S ?? '';
    const old = items.get(pk);
    if (
      input.ConditionExpression &&
      !evaluateCondition(input.ConditionExpression, old, input.ExpressionAttributeValues ?? {})
    ) {
      throw conditionFailed(old, input.ReturnValuesOnConditionCheckFailure);
    }
    items.set(pk, input.Item ?? {});
    return input.ReturnValues === 'ALL_OLD' && old ? { Attributes: old } : {};
  });
  mock.on(DeleteItemCommand).callsFake((input: DeleteItemCommand['input']) => {
    const pk = input.Key?.pk?.S ?? '';
    const old = items.get(pk);
    if (
      input.ConditionExpression &&
      !evaluateCondition(input.ConditionExpression, old, input.ExpressionAttributeValues ?? {})
    ) {
      throw conditionFailed(old, input.ReturnValuesOnConditionCheckFailure);
    }
    items.delete(pk);
    return {};
  });
  mock.on(GetItemCommand).callsFake((input: GetItemCommand['input']) => {
    const old = items.get(input.Key?.pk?.S ?? '');
    return old ? { Item: old } : {};
  });
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

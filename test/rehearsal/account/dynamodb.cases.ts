import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { WorkflowSettings } from '../../../lambdas/shared/aws';
import { parseScenario, type ScenarioInput } from '../../../lib/rehearsal/scenario';
import {
  evaluateCondition,
  simulatedDynamoDb,
  UnsupportedConditionError,
} from '../../../lib/rehearsal/account/dynamodb';
import { createSimulatedAccount, type AccountClock } from '../../../lib/rehearsal/simulated-account';

const START = Date.parse('2026-12-01T09:00:00Z');
const TABLE = 'ChaosCadence-run-lock';

const settings: WorkflowSettings = {
  region: 'eu-central-1',
  account: '123456789012',
  partition: 'aws',
  killSwitchParameter: '/chaos-cadence/ChaosCadence/kill-switch',
  allowedHours: { days: ['TUE'], start: '09:00', end: '16:00' },
  timeZone: 'Europe/Berlin',
  resultsBucket: 'results',
  topicArn: 'arn:aws:sns:eu-central-1:123456789012:results',
  dashboardName: 'ChaosCadence',
  stackName: 'ChaosCadence',
  runLockTable: TABLE,
  runLockSeconds: 3600,
};

const clock: AccountClock = { nowMs: () => START, trackIo: (work) => work };
const base: ScenarioInput = { now: '2026-12-01T10:00:00+01:00' };

function setUp(overrides: Partial<ScenarioInput> = {}) {
  return createSimulatedAccount(parseScenario({ ...base, ...overrides }), clock, {
    settings,
    ownExecutionArn: 'arn:aws:states:eu-central-1:123456789012:execution:Machine:this-run',
  });
}

const acquire = (runId: string, nowSeconds = START / 1000) =>
  new PutItemCommand({
    TableName: TABLE,
    Item: { pk: { S: 'run-lock' }, runId: { S: runId }, expiresAt: { N: String(nowSeconds + 3600) } },
    ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR runId = :me',
    ExpressionAttributeValues: { ':now': { N: String(nowSeconds) }, ':me': { S: runId } },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  });
const release = (runId: string) =>
  new DeleteItemCommand({
    TableName: TABLE,
    Key: { pk: { S: 'run-lock' } },
    ConditionExpression: 'runId = :me',
    ExpressionAttributeValues: { ':me': { S: runId } },
  });

describe('createSimulatedAccount: DynamoDB (run lock)', () => {
  it('starts with a free lock when no other run is in flight', async () => {
    const account = setUp();

    const answer = await account.clients.dynamodb?.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'run-lock' } } }),
    );

    expect(answer?.Item).toBeUndefined();
  });

  it('lets the most recent other run in flight hold the lock', () => {
    const account = setUp({ runningExecutions: 2 });

    expect(account.dynamodbItems.get(`${TABLE}/run-lock`)).toMatchObject({
      runId: { S: 'other-run-1' },
      executionArn: { S: 'arn:aws:states:eu-central-1:123456789012:execution:Machine:other-run-1' },
      acquiredAt: { S: '2026-12-01T08:50:00.000Z' },
    });
  });

  it('fails a conditional put on a held lock, returning the holder as DynamoDB does', async () => {
    const account = setUp({ runningExecutions: 1 });

    const failure = (await account.clients.dynamodb?.send(acquire('this-run')).catch((e: unknown) => e)) as
      ConditionalCheckFailedException | undefined;

    expect(failure).toBeInstanceOf(ConditionalCheckFailedException);
    expect(failure?.Item?.runId).toEqual({ S: 'other-run-1' });
    expect(account.calls.at(-1)).toMatchObject({ service: 'dynamodb', command: 'PutItem' });
  });

  it('lets exactly one of two runs acquire, and only the holder release', async () => {
    const account = setUp();
    const db = account.clients.dynamodb;

    const outcomes = await Promise.allSettled([db?.send(acquire('a')), db?.send(acquire('b'))]);
    const foreignRelease = await db?.send(release('b')).catch((e: Error) => e.name);
    const ownRelease = await db?.send(release('a')).then(() => 'ok');

    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected']);
    expect([foreignRelease, ownRelease]).toEqual(['ConditionalCheckFailedException', 'ok']);
    expect(account.dynamodbItems.size).toBe(0);
  });

  it('rejects a table the deployment does not have', async () => {
    const account = setUp();

    await expect(
      account.clients.dynamodb?.send(new GetItemCommand({ TableName: 'other', Key: { pk: { S: 'x' } } })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('evaluateCondition', () => {
  const held = { pk: { S: 'run-lock' }, runId: { S: 'a' }, expiresAt: { N: '100' } };

  it.each([
    ['attribute_not_exists(pk)', undefined, {}, true],
    ['attribute_not_exists(pk)', held, {}, false],
    ['attribute_exists(pk)', held, {}, true],
    ['expiresAt < :now', held, { ':now': { N: '101' } }, true],
    ['expiresAt < :now', held, { ':now': { N: '99' } }, false],
    ['expiresAt < :now', held, { ':now': { N: '100' } }, false],
    ['runId = :me', held, { ':me': { S: 'a' } }, true],
    ['runId = :me', undefined, { ':me': { S: 'a' } }, false],
    ['runId = :me OR expiresAt < :now', held, { ':me': { S: 'b' }, ':now': { N: '1' } }, false],
    ['runId = :me AND expiresAt >= :now', held, { ':me': { S: 'a' }, ':now': { N: '100' } }, true],
  ] as const)('%s on %j with %j is %s', (expression, item, values, expected) => {
    expect(evaluateCondition(expression, item, values)).toBe(expected);
  });

  it('compares numbers as numbers, not as text', () => {
    expect(evaluateCondition('expiresAt < :now', { expiresAt: { N: '9' } }, { ':now': { N: '10' } })).toBe(
      true,
    );
  });

  it('rejects an expression it cannot evaluate', () => {
    expect(() => evaluateCondition('begins_with(runId, :p)', held, { ':p': { S: 'a' } })).toThrow(
      UnsupportedConditionError,
    );
  });
});

describe('simulatedDynamoDb (one simulation for the rehearsal, the unit tests and the bench)', () => {
  const put = (table: string) =>
    ({ TableName: table, Item: { pk: { S: 'run-lock' }, runId: { S: 'r1' } } }) as never;
  const route = (db: ReturnType<typeof simulatedDynamoDb>, name: string) => {
    const found = db.routes.find((r) => r.name === name);
    if (!found) throw new Error(`no route ${name}`);
    return found;
  };

  it('accepts any table name when no tables are given (the bench)', async () => {
    const db = simulatedDynamoDb();

    await route(db, 'PutItem').handle(put('whatever'));

    expect([...db.items.keys()]).toEqual(['whatever/run-lock']);
  });

  it('rejects a table it does not have with ResourceNotFoundException, as DynamoDB does', async () => {
    const db = simulatedDynamoDb({ tables: ['lock'] });

    const refused = (async () => route(db, 'PutItem').handle(put('other')))();

    await expect(refused).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect(db.items.size).toBe(0);
  });

  it('applies a SET update to the stored item, keeping its other attributes', async () => {
    const db = simulatedDynamoDb({
      tables: ['lock'],
      items: new Map([['lock/run-lock', { pk: { S: 'run-lock' }, runId: { S: 'r1' } }]]),
    });

    await route(db, 'UpdateItem').handle({
      TableName: 'lock',
      Key: { pk: { S: 'run-lock' } },
      UpdateExpression: 'SET #s = :s',
      ConditionExpression: 'runId = :run',
      ExpressionAttributeNames: { '#s': 'stop' },
      ExpressionAttributeValues: { ':s': { S: 'poll' }, ':run': { S: 'r1' } },
    } as never);

    expect(db.items.get('lock/run-lock')).toEqual({
      pk: { S: 'run-lock' },
      runId: { S: 'r1' },
      stop: { S: 'poll' },
    });
  });
});

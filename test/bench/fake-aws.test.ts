import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { startFakeAws, type FakeAws } from '../../bench/fake-aws';

describe("startFakeAws (the bench's local AWS)", () => {
  let fake: FakeAws;
  let db: DynamoDBClient;
  const lock = (runId: string) =>
    new PutItemCommand({
      TableName: 'bench-run-lock',
      Item: { pk: { S: 'run-lock' }, runId: { S: runId } },
      ConditionExpression: 'attribute_not_exists(pk) OR runId = :me',
      ExpressionAttributeValues: { ':me': { S: runId } },
    });

  beforeAll(async () => {
    fake = await startFakeAws();
    db = new DynamoDBClient({
      region: 'eu-central-1',
      endpoint: fake.url,
      credentials: { accessKeyId: 'AKIABENCHBENCHBENCH0', secretAccessKey: 'bench/secret' },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    db.destroy();
    await fake.close();
  });

  it('answers DynamoDB from the simulated DynamoDB: a conditional write held by another run fails', async () => {
    await db.send(lock('run-1'));

    const refused = await db.send(lock('run-2')).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(ConditionalCheckFailedException);
    const read = await db.send(
      new GetItemCommand({ TableName: 'bench-run-lock', Key: { pk: { S: 'run-lock' } } }),
    );
    expect(read.Item?.runId).toEqual({ S: 'run-1' });
    expect(fake.generic.has('json:PutItem')).toBe(false);
  });

  it('returns the old item with a failed condition when asked (ReturnValuesOnConditionCheckFailure)', async () => {
    const refused = await db
      .send(
        new DeleteItemCommand({
          TableName: 'bench-run-lock',
          Key: { pk: { S: 'run-lock' } },
          ConditionExpression: 'runId = :me',
          ExpressionAttributeValues: { ':me': { S: 'run-9' } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      )
      .catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(ConditionalCheckFailedException);
    expect((refused as ConditionalCheckFailedException).Item?.runId).toEqual({ S: 'run-1' });
  });
});

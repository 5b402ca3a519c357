import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { setUp, errorOf } from './fixture';

describe('simulated S3', () => {
  it('stores objects, lists them and reads them back', async () => {
    const { account } = setUp();
    await account.clients.s3.send(
      new PutObjectCommand({ Bucket: 'results', Key: 'runs/a.json', Body: '{"a":1}' }),
    );

    const listed = await account.clients.s3.send(
      new ListObjectsV2Command({ Bucket: 'results', Prefix: 'runs/' }),
    );
    const read = await account.clients.s3.send(
      new GetObjectCommand({ Bucket: 'results', Key: 'runs/a.json' }),
    );

    expect(listed.Contents?.map((c) => c.Key)).toEqual(['runs/a.json']);
    expect(await read.Body?.transformToString()).toBe('{"a":1}');
  });

  it('rejects reading a missing object with NoSuchKey', async () => {
    const { account } = setUp();

    const error = await errorOf(
      account.clients.s3.send(new GetObjectCommand({ Bucket: 'results', Key: 'x' })),
    );

    expect(error.name).toBe('NoSuchKey');
  });

  it('presigns URLs offline with the fake credentials', async () => {
    const { account } = setUp();

    const url = await getSignedUrl(
      account.clients.s3,
      new GetObjectCommand({ Bucket: 'results', Key: 'r.html' }),
      {
        expiresIn: 60,
      },
    );

    expect(url).toMatch(/^https:\/\/results\.s3\.eu-central-1\.amazonaws\.com\/r\.html\?.*X-Amz-Signature=/);
  });
});

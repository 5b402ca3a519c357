import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { newestJournalKeys } from '../../lib/cli/commands/history';

describe('newestJournalKeys', () => {
  it('reads every page of the folder and object listings', async () => {
    const client = new S3Client({ region: 'eu-central-1' });
    const s3 = mockClient(client);
    s3.on(ListObjectsV2Command, { Prefix: 'runs/', Delimiter: '/' }).resolves({
      CommonPrefixes: [{ Prefix: 'runs/2026/' }],
    });
    s3.on(ListObjectsV2Command, { Prefix: 'runs/2026/', Delimiter: '/' })
      .resolvesOnce({ CommonPrefixes: [{ Prefix: 'runs/2026/11/' }], NextContinuationToken: 'm2' })
      .resolvesOnce({ CommonPrefixes: [{ Prefix: 'runs/2026/12/' }] });
    s3.on(ListObjectsV2Command, { Prefix: 'runs/2026/12/' })
      .resolvesOnce({
        Contents: [{ Key: 'runs/2026/12/a.json', LastModified: new Date('2026-12-01T10:00:00Z') }],
        NextContinuationToken: 'o2',
      })
      .resolvesOnce({
        Contents: [{ Key: 'runs/2026/12/b.json', LastModified: new Date('2026-12-02T10:00:00Z') }],
      });
    s3.on(ListObjectsV2Command, { Prefix: 'runs/2026/11/' }).resolves({
      Contents: [{ Key: 'runs/2026/11/c.json', LastModified: new Date('2026-11-03T10:00:00Z') }],
    });

    const keys = await newestJournalKeys(client, 'results', 10);

    expect(keys).toEqual(['runs/2026/12/b.json', 'runs/2026/12/a.json', 'runs/2026/11/c.json']);
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, {
      Prefix: 'runs/2026/',
      ContinuationToken: 'm2',
    });
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, {
      Prefix: 'runs/2026/12/',
      ContinuationToken: 'o2',
    });
  });
});

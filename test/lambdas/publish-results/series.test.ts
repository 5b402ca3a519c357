import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { Readable } from 'node:stream';
import { readDuringSeries } from '../../../lambdas/publish-results/series';
import type { DuringSummary, ProbeSeriesBatch } from '../../../lambdas/shared/types';

const HEALTH = 'http:GET https://shop.example.com/health';
const s3Client = new S3Client({ region: 'eu-central-1' });
const s3 = mockClient(s3Client);

function body(batch: number, seconds: number[]): { Body: ReturnType<typeof sdkStreamMixin> } {
  const data: ProbeSeriesBatch = {
    runId: 'run-0001',
    experiment: 'web-cpu-80',
    batch,
    probes: {
      [HEALTH]: seconds.map((s) => ({
        at: new Date(Date.UTC(2025, 2, 4, 10, 0, s)).toISOString(),
        ok: s % 30 !== 0,
        observed: 'HTTP 200',
      })),
    },
  };
  return { Body: sdkStreamMixin(Readable.from([JSON.stringify(data)])) };
}

function summary(batches: number, unwritten?: number): DuringSummary {
  return {
    checks: 0,
    probes: [],
    series: { batches, checks: 0, ...(unwritten ? { unwritten, lastError: 'AccessDenied: no' } : {}) },
  };
}

beforeEach(() => s3.reset());

describe('readDuringSeries', () => {
  it("joins every batch's checks in batch order", async () => {
    s3.on(GetObjectCommand, { Key: 'probe-series/run-0001/web-cpu-80/00001.json' }).resolves(
      body(1, [0, 15]),
    );
    s3.on(GetObjectCommand, { Key: 'probe-series/run-0001/web-cpu-80/00002.json' }).resolves(
      body(2, [30, 45]),
    );

    const series = await readDuringSeries(
      'run-0001',
      { name: 'web-cpu-80', during: summary(2) },
      s3Client,
      'results',
    );

    expect(series?.batches).toBe(2);
    expect(series?.missing).toBeUndefined();
    expect(series?.probes[HEALTH]?.map((o) => [o.at.slice(14, 19), o.ok])).toEqual([
      ['00:00', false],
      ['00:15', true],
      ['00:30', false],
      ['00:45', true],
    ]);
  });

  it('names the batches it could not read and those the poll could not write, keeping the rest', async () => {
    s3.on(GetObjectCommand, { Key: 'probe-series/run-0001/web-cpu-80/00001.json' }).resolves(body(1, [0]));
    s3.on(GetObjectCommand, { Key: 'probe-series/run-0001/web-cpu-80/00002.json' }).rejects(
      new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }),
    );

    const series = await readDuringSeries(
      'run-0001',
      { name: 'web-cpu-80', during: summary(2, 1) },
      s3Client,
      'results',
    );

    expect(series?.probes[HEALTH]).toHaveLength(1);
    expect(series?.missing).toBe(
      '1 of 2 batches not written by the poll (last error: AccessDenied: no); batches not read: 2 (NoSuchKey: The specified key does not exist.)',
    );
  });

  it('has nothing to join when the poll wrote no series', async () => {
    const series = await readDuringSeries('run-0001', { name: 'web-cpu-80' }, s3Client, 'results');

    expect(series).toBeUndefined();
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });
});

import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import type { DuringCheck } from '../../../lambdas/poll-stop-conditions/during';
import { batchProbes, writeSeriesBatch } from '../../../lambdas/poll-stop-conditions/series';
import type { ProbeSeriesBatch } from '../../../lambdas/shared/types';
import { mockRuntime } from '../check-steady-state/mock-runtime';

const HEALTH = 'http:GET https://shop.example.com/health';

function httpCheck(at: string, ok: boolean): DuringCheck {
  return {
    evaluated: true,
    result: {
      id: HEALTH,
      kind: 'http',
      ok,
      expected: 'HTTP 200 within 3 s',
      observed: ok ? 'HTTP 200 in 40 ms' : 'HTTP 503 in 12 ms',
      checkedAt: at,
      value: ok ? 200 : 503,
    },
  };
}

const throttled: DuringCheck = {
  evaluated: false,
  id: 'alarm:shop-5xx',
  kind: 'alarm',
  checkedAt: '2025-03-04T10:00:15.000Z',
  error: 'ThrottlingException: Rate exceeded',
};

const polls: DuringCheck[][] = [
  [httpCheck('2025-03-04T10:00:00.000Z', true)],
  [httpCheck('2025-03-04T10:00:15.000Z', false), throttled],
];

describe('batchProbes', () => {
  it('keeps every check per probe, oldest first, and a check that could not be evaluated without ok', () => {
    const probes = batchProbes(polls);

    expect(probes).toEqual({
      [HEALTH]: [
        { at: '2025-03-04T10:00:00.000Z', ok: true, observed: 'HTTP 200 in 40 ms', value: 200 },
        { at: '2025-03-04T10:00:15.000Z', ok: false, observed: 'HTTP 503 in 12 ms', value: 503 },
      ],
      'alarm:shop-5xx': [{ at: '2025-03-04T10:00:15.000Z', error: 'ThrottlingException: Rate exceeded' }],
    });
  });
});

describe('writeSeriesBatch', () => {
  it("writes the batch under the run's prefix, numbered after the previous one", async () => {
    const { runtime } = mockRuntime();
    const s3 = mockClient(runtime.clients.s3);
    s3.on(PutObjectCommand).resolves({});

    const ref = await writeSeriesBatch(
      { runId: 'run-0001', experiment: 'web-cpu-80' },
      polls,
      { batches: 2, checks: 40 },
      runtime,
    );

    expect(ref).toEqual({ batches: 3, checks: 42 });
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put?.Bucket).toBe('results');
    expect(put?.Key).toBe('probe-series/run-0001/web-cpu-80/00003.json');
    const body = JSON.parse(put?.Body as string) as ProbeSeriesBatch;
    expect(body).toEqual({
      runId: 'run-0001',
      experiment: 'web-cpu-80',
      batch: 3,
      probes: batchProbes(polls),
    });
  });

  it('does not fail the poll when the write fails: it counts the batch as unwritten with the error', async () => {
    const { runtime } = mockRuntime();
    const s3 = mockClient(runtime.clients.s3);
    s3.on(PutObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));

    const ref = await writeSeriesBatch(
      { runId: 'run-0001', experiment: 'web-cpu-80' },
      polls,
      { batches: 1, checks: 20 },
      runtime,
    );

    expect(ref).toMatchObject({ batches: 2, checks: 22, unwritten: 1 });
    expect(ref?.lastError).toMatch(/Access Denied/);
  });

  it('gives up on a write that outlasts its deadline (a poll that says stop goes on to StopFault)', async () => {
    const { runtime } = mockRuntime();
    // An S3 that never answers; the SDK hands the deadline's abort signal to the HTTP handler.
    const s3 = new S3Client({
      region: 'eu-central-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      requestHandler: {
        handle: (_request: unknown, options?: { abortSignal?: AbortSignal }) =>
          new Promise<never>((_resolve, reject) => {
            options?.abortSignal?.addEventListener('abort', () =>
              reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' })),
            );
          }),
      },
    });
    const began = Date.now();

    const ref = await writeSeriesBatch(
      { runId: 'run-0001', experiment: 'web-cpu-80' },
      polls,
      { batches: 1, checks: 20 },
      { ...runtime, clients: { ...runtime.clients, s3 } },
      { deadlineMs: 200 },
    );

    expect(Date.now() - began).toBeLessThan(5000);
    expect(ref).toMatchObject({ batches: 2, checks: 22, unwritten: 1 });
    expect(ref?.lastError).toMatch(/abort/i);
  });

  it('writes nothing for a batch without during-fault checks', async () => {
    const { runtime } = mockRuntime();
    const s3 = mockClient(runtime.clients.s3);

    const ref = await writeSeriesBatch(
      { runId: 'run-0001', experiment: 'web-cpu-80' },
      [[]],
      undefined,
      runtime,
    );

    expect(ref).toBeUndefined();
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});

import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { Readable } from 'node:stream';
import type { ExperimentResult } from '../../lambdas/shared/types';
import { passedResult } from '../fixtures/results';
import { STACK_OUTPUTS, describeStacksOutput, runCli } from './helpers';

const cloudFormation = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);
const BUCKET = STACK_OUTPUTS.ResultsBucketName;

function body(text: string) {
  return sdkStreamMixin(Readable.from([Buffer.from(text)]));
}

/** A full experiment result (journals are read through their schema) with the fields a row shows. */
function result(row: Partial<ExperimentResult>): ExperimentResult {
  const { timeToStopSeconds: _t, recoverySeconds: _r, ...rest } = passedResult;
  return { ...rest, ...row };
}

function journal(runId: string, startedAt: string, experiments: ExperimentResult[], extra: object = {}) {
  return JSON.stringify({
    schemaVersion: 1,
    runId,
    executionArn: `arn:aws:states:eu-central-1:1:execution:x:${runId}`,
    stateMachineArn: 'arn:aws:states:eu-central-1:1:stateMachine:x',
    trigger: 'schedule',
    dryRun: false,
    startedAt,
    endedAt: startedAt,
    configHash: 'abc',
    experiments,
    ...extra,
  });
}

/** Journals in two months of 2026 and one of 2025. */
function givenJournals() {
  s3.on(ListObjectsV2Command, { Prefix: 'runs/', Delimiter: '/' }).resolves({
    CommonPrefixes: [{ Prefix: 'runs/2025/' }, { Prefix: 'runs/2026/' }],
  });
  s3.on(ListObjectsV2Command, { Prefix: 'runs/2026/', Delimiter: '/' }).resolves({
    CommonPrefixes: [{ Prefix: 'runs/2026/11/' }, { Prefix: 'runs/2026/12/' }],
  });
  s3.on(ListObjectsV2Command, { Prefix: 'runs/2025/', Delimiter: '/' }).resolves({
    CommonPrefixes: [{ Prefix: 'runs/2025/12/' }],
  });
  s3.on(ListObjectsV2Command, { Prefix: 'runs/2026/12/' }).resolves({
    Contents: [{ Key: 'runs/2026/12/schedule-dec.json', LastModified: new Date('2026-12-01T09:20:00Z') }],
  });
  s3.on(ListObjectsV2Command, { Prefix: 'runs/2026/11/' }).resolves({
    Contents: [
      { Key: 'runs/2026/11/schedule-nov.json', LastModified: new Date('2026-11-03T09:20:00Z') },
      { Key: 'runs/2026/11/manual-nov.json', LastModified: new Date('2026-11-20T14:00:00Z') },
    ],
  });
  s3.on(ListObjectsV2Command, { Prefix: 'runs/2025/12/' }).resolves({
    Contents: [{ Key: 'runs/2025/12/schedule-old.json', LastModified: new Date('2025-12-02T09:20:00Z') }],
  });
  s3.on(GetObjectCommand, { Key: 'runs/2026/12/schedule-dec.json' }).callsFake(() => ({
    Body: body(
      journal('schedule-dec', '2026-12-01T09:00:00.000Z', [
        result({
          name: 'web-cpu-80',
          outcome: 'aborted',
          reason: 'stop condition sock-shop-5xx fired',
          timeToStopSeconds: 12,
        }),
      ]),
    ),
  }));
  s3.on(GetObjectCommand, { Key: 'runs/2026/11/manual-nov.json' }).callsFake(() => ({
    Body: body(
      journal('manual-nov', '2026-11-20T13:50:00.000Z', [], {
        guardRails: {
          allowed: false,
          reason: 'kill switch is on',
          checks: [],
          checkedAt: '2026-11-20T13:50:00.000Z',
        },
      }),
    ),
  }));
  s3.on(GetObjectCommand, { Key: 'runs/2026/11/schedule-nov.json' }).callsFake(() => ({
    Body: body(
      journal('schedule-nov', '2026-11-03T09:00:00.000Z', [
        result({ name: 'web-cpu-80', outcome: 'passed', reason: 'hypothesis held', recoverySeconds: 250 }),
      ]),
    ),
  }));
  s3.on(GetObjectCommand, { Key: 'runs/2025/12/schedule-old.json' }).callsFake(() => ({
    Body: body('{ not json'),
  }));
}

beforeEach(() => {
  cloudFormation.reset();
  s3.reset();
  cloudFormation.on(DescribeStacksCommand).resolves(describeStacksOutput());
  givenJournals();
});

describe('chaos-cadence history', () => {
  it('prints a table of runs, newest first across months, one row per experiment', async () => {
    const result = await runCli(['history', '--limit', '3']);

    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').map((line) => line.replace(/ +/g, ' '))).toEqual([
      'DATE (UTC) RUN EXPERIMENT OUTCOME TIME TO STOP RECOVERY REASON',
      '2026-12-01 09:00Z schedule-dec web-cpu-80 aborted 12 s - stop condition sock-shop-5xx fired',
      '2026-11-20 13:50Z manual-nov - skipped - - kill switch is on',
      '2026-11-03 09:00Z schedule-nov web-cpu-80 passed - 4 min 10 s hypothesis held',
      '',
    ]);
  });

  it('reads only as many journals as the limit asks for', async () => {
    await runCli(['history', '--limit', '1']);

    expect(s3).toHaveReceivedCommandTimes(GetObjectCommand, 1);
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, {
      Bucket: BUCKET,
      Key: 'runs/2026/12/schedule-dec.json',
    });
  });

  it('prints a machine-readable summary with --json', async () => {
    const result = await runCli(['history', '--limit', '1', '--json']);

    expect(JSON.parse(result.stdout)).toEqual([
      {
        runId: 'schedule-dec',
        startedAt: '2026-12-01T09:00:00.000Z',
        endedAt: '2026-12-01T09:00:00.000Z',
        trigger: 'schedule',
        dryRun: false,
        experiments: [
          {
            name: 'web-cpu-80',
            outcome: 'aborted',
            reason: 'stop condition sock-shop-5xx fired',
            timeToStopSeconds: 12,
            recoverySeconds: null,
          },
        ],
      },
    ]);
  });

  it('warns about an object that is not a journal and shows the others', async () => {
    const result = await runCli(['history', '--limit', '10']);

    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      `warning: skipped s3://${BUCKET}/runs/2025/12/schedule-old.json: not valid JSON\n`,
    );
    expect(result.stdout).toContain('schedule-nov');
  });

  it('warns about a journal the schema rejects, naming the field', async () => {
    s3.on(GetObjectCommand, { Key: 'runs/2025/12/schedule-old.json' }).callsFake(() => ({
      Body: body(
        journal('schedule-old', '2025-12-02T09:00:00.000Z', [result({ outcome: 'great' as never })]),
      ),
    }));

    const cli = await runCli(['history', '--limit', '10']);

    expect(cli.stderr).toMatch(
      new RegExp(
        `^warning: skipped s3://${BUCKET}/runs/2025/12/schedule-old.json: experiments\\[0\\]\\.outcome: `,
      ),
    );
  });

  it('says there are no runs yet when the journal is empty', async () => {
    s3.reset();
    s3.on(ListObjectsV2Command).resolves({});

    const result = await runCli(['history']);

    expect(result.stdout).toBe(`No runs yet in s3://${BUCKET}/runs/.\n`);
  });

  it('rejects a --limit that is not a positive whole number with exit 2', async () => {
    const result = await runCli(['history', '--limit', '0']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: option '--limit <n>' argument '0' is invalid");
    expect(s3).not.toHaveReceivedAnyCommand();
  });
});

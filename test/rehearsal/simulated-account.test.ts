import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import {
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import {
  GetExperimentCommand,
  ListExperimentsCommand,
  StartExperimentCommand,
  StopExperimentCommand,
  type StartExperimentCommandInput,
} from '@aws-sdk/client-fis';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { PublishCommand } from '@aws-sdk/client-sns';
import {
  CancelCommandCommand,
  GetCalendarStateCommand,
  GetParameterCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  ParameterNotFound,
  PutParameterCommand,
  SendCommandCommand,
} from '@aws-sdk/client-ssm';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { WorkflowSettings } from '../../lambdas/shared/aws';
import { parseScenario, type ScenarioInput } from '../../lib/rehearsal/scenario';
import {
  createSimulatedAccount,
  UnsimulatedCallError,
  type AccountClock,
  type SimulatedAccount,
} from '../../lib/rehearsal/simulated-account';

const START = Date.parse('2026-12-01T09:00:00Z');
const TEMPLATE = 'EXTtemplate0001';
const KILL_SWITCH = '/chaos-cadence/ChaosCadence/kill-switch';

const settings: WorkflowSettings = {
  region: 'eu-central-1',
  account: '123456789012',
  partition: 'aws',
  killSwitchParameter: KILL_SWITCH,
  allowedHours: { days: ['TUE'], start: '09:00', end: '16:00' },
  timeZone: 'Europe/Berlin',
  resultsBucket: 'results',
  topicArn: 'arn:aws:sns:eu-central-1:123456789012:results',
  dashboardName: 'ChaosCadence',
  stackName: 'ChaosCadence',
};

/** A clock the test moves by hand. */
class ManualClock implements AccountClock {
  ms = START;
  tracked = 0;
  nowMs(): number {
    return this.ms;
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
  trackIo<T>(work: Promise<T>): Promise<T> {
    this.tracked += 1;
    return work;
  }
}

const base: ScenarioInput = {
  now: '2026-12-01T10:00:00+01:00',
  instances: [
    { id: 'i-0001', tags: { app: 'shop', 'chaos-ready': 'true' }, state: 'running' },
    { id: 'i-0002', tags: { app: 'shop' }, state: 'running' },
    { id: 'i-0003', tags: { app: 'shop', 'chaos-ready': 'true' }, state: 'stopped' },
  ],
  alarms: {
    'shop-5xx': [
      { at: '0s', state: 'OK' },
      { at: 'fault+90s', state: 'ALARM' },
    ],
  },
  http: {
    'https://shop.example.com/health': [
      { at: '0s', status: 200, body: 'ok' },
      { at: 'fault+60s', status: 503 },
    ],
  },
  asgs: {
    'shop-asg': [
      { at: '0s', inService: 3 },
      { at: 'fault+240s', inService: 4 },
    ],
  },
  metrics: {
    'AWS/ApplicationELB/TargetResponseTime': [
      { at: '0s', value: 0.2 },
      { at: '120s', value: 0.9 },
    ],
  },
  killSwitch: [
    { at: '0s', value: 'off' },
    { at: '600s', value: 'on' },
  ],
  runningExecutions: 1,
};

function setUp(overrides: Partial<ScenarioInput> = {}): { account: SimulatedAccount; clock: ManualClock } {
  const clock = new ManualClock();
  const account = createSimulatedAccount(parseScenario({ ...base, ...overrides }), clock, {
    settings,
    fisTemplates: { [TEMPLATE]: { durationSeconds: 360, targetTags: { 'chaos-ready': 'true' } } },
    ownExecutionArn: 'arn:aws:states:eu-central-1:123456789012:execution:Machine:this-run',
  });
  return { account, clock };
}

const start = (
  extra: Partial<StartExperimentCommandInput> & Record<string, unknown> = {},
): StartExperimentCommand =>
  new StartExperimentCommand({ experimentTemplateId: TEMPLATE, clientToken: 'run-1', ...extra });

async function statusOf(account: SimulatedAccount, id: string): Promise<string | undefined> {
  const answer = await account.clients.fis.send(new GetExperimentCommand({ id }));
  return answer.experiment?.state?.status;
}

async function errorOf(work: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await work;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

describe('createSimulatedAccount', () => {
  describe('CloudWatch', () => {
    it('answers DescribeAlarms with the state in force, its time and the alarm ARN', async () => {
      const { account, clock } = setUp();
      await account.clients.fis.send(start());
      clock.advance(100);

      const answer = await account.clients.cloudWatch.send(
        new DescribeAlarmsCommand({ AlarmNames: ['shop-5xx'] }),
      );

      expect(answer.MetricAlarms).toEqual([
        expect.objectContaining({
          AlarmName: 'shop-5xx',
          AlarmArn: 'arn:aws:cloudwatch:eu-central-1:123456789012:alarm:shop-5xx',
          StateValue: 'ALARM',
          StateUpdatedTimestamp: new Date(START + 90_000),
        }),
      ]);
    });

    it('keeps fault-relative alarm states out of reach until a fault starts', async () => {
      const { account, clock } = setUp();
      clock.advance(3600);

      const answer = await account.clients.cloudWatch.send(
        new DescribeAlarmsCommand({ AlarmNames: ['shop-5xx'] }),
      );

      expect(answer.MetricAlarms?.[0]?.StateValue).toBe('OK');
    });

    it('describes the metric behind an alarm when the scenario gives one, so reports can chart it', async () => {
      const { account } = setUp({
        alarmMetrics: {
          'shop-5xx': { metric: 'AWS/ApplicationELB/HTTPCode_Target_5XX_Count', threshold: 10 },
        },
      });

      const answer = await account.clients.cloudWatch.send(
        new DescribeAlarmsCommand({ AlarmNames: ['shop-5xx'] }),
      );

      expect(answer.MetricAlarms?.[0]).toMatchObject({
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HTTPCode_Target_5XX_Count',
        Statistic: 'Sum',
        Threshold: 10,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    });

    it('describes an alarm without a metric as a metric-math alarm (no MetricName)', async () => {
      const { account } = setUp();

      const answer = await account.clients.cloudWatch.send(
        new DescribeAlarmsCommand({ AlarmNames: ['shop-5xx'] }),
      );

      expect(answer.MetricAlarms?.[0]?.MetricName).toBeUndefined();
    });

    it('omits alarms the scenario does not know, as CloudWatch does', async () => {
      const { account } = setUp();

      const answer = await account.clients.cloudWatch.send(
        new DescribeAlarmsCommand({ AlarmNames: ['nope'] }),
      );

      expect(answer.MetricAlarms).toEqual([]);
    });

    it('answers GetMetricData with one datapoint per period, newest first', async () => {
      const { account, clock } = setUp();
      clock.advance(300);

      const answer = await account.clients.cloudWatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(START),
          EndTime: new Date(START + 300_000),
          MetricDataQueries: [
            {
              Id: 'm0',
              MetricStat: {
                Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'TargetResponseTime' },
                Period: 60,
                Stat: 'p99',
              },
            },
          ],
        }),
      );

      expect(answer.MetricDataResults?.[0]?.Values).toEqual([0.9, 0.9, 0.9, 0.2, 0.2]);
      expect(answer.MetricDataResults?.[0]?.Timestamps?.[0]).toEqual(new Date(START + 240_000));
    });

    it('answers a GetMetricData window before the run start with the value at 0s', async () => {
      const { account } = setUp();

      const answer = await account.clients.cloudWatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(START - 300_000),
          EndTime: new Date(START),
          MetricDataQueries: [
            {
              Id: 'm0',
              MetricStat: {
                Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'TargetResponseTime' },
                Period: 60,
                Stat: 'p99',
              },
            },
          ],
        }),
      );

      expect(answer.MetricDataResults?.[0]?.Values).toEqual([0.2, 0.2, 0.2, 0.2, 0.2]);
    });

    it('answers GetMetricData with no datapoints for an unknown metric', async () => {
      const { account, clock } = setUp();
      clock.advance(300);

      const answer = await account.clients.cloudWatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(START),
          EndTime: new Date(START + 300_000),
          MetricDataQueries: [
            {
              Id: 'm0',
              MetricStat: { Metric: { Namespace: 'X', MetricName: 'Y' }, Period: 60, Stat: 'Average' },
            },
          ],
        }),
      );

      expect(answer.MetricDataResults?.[0]?.Values).toEqual([]);
    });

    it('captures PutMetricData', async () => {
      const { account } = setUp();

      await account.clients.cloudWatch.send(
        new PutMetricDataCommand({
          Namespace: 'ChaosCadence',
          MetricData: [{ MetricName: 'HypothesisHeld', Value: 1 }],
        }),
      );

      expect(account.putMetrics).toEqual([
        expect.objectContaining({
          namespace: 'ChaosCadence',
          metricData: [{ MetricName: 'HypothesisHeld', Value: 1 }],
        }),
      ]);
    });
  });

  describe('Auto Scaling and EC2', () => {
    it('lists the InService instances the timeline holds', async () => {
      const { account, clock } = setUp();
      await account.clients.fis.send(start());
      clock.advance(240);

      const answer = await account.clients.autoScaling.send(
        new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['shop-asg'] }),
      );

      const instances = answer.AutoScalingGroups?.[0]?.Instances ?? [];
      expect(instances).toHaveLength(4);
      expect(instances.every((i) => i.LifecycleState === 'InService')).toBe(true);
    });

    it('filters DescribeInstances by tag and state', async () => {
      const { account } = setUp();

      const answer = await account.clients.ec2.send(
        new DescribeInstancesCommand({
          Filters: [
            { Name: 'tag:chaos-ready', Values: ['true'] },
            { Name: 'instance-state-name', Values: ['running'] },
          ],
        }),
      );

      expect(answer.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId)).toEqual([
        'i-0001',
      ]);
    });
  });

  describe('FIS', () => {
    it('records the fault start when an experiment starts', async () => {
      const { account, clock } = setUp();
      clock.advance(30);

      await account.clients.fis.send(start());

      expect(account.faultStartedAt()).toEqual(new Date(START + 30_000));
    });

    it('moves an experiment from pending through running to completed after its duration', async () => {
      const { account, clock } = setUp();
      const id = (await account.clients.fis.send(start())).experiment?.id ?? '';
      const seen: (string | undefined)[] = [];

      for (const step of [0, 1, 1, 300, 61]) {
        clock.advance(step);
        seen.push(await statusOf(account, id));
      }

      expect(seen).toEqual(['pending', 'initiating', 'running', 'running', 'completed']);
    });

    it('returns the same experiment for a repeated client token', async () => {
      const { account } = setUp();

      const first = await account.clients.fis.send(start());
      const second = await account.clients.fis.send(start());

      expect(second.experiment?.id).toBe(first.experiment?.id);
      expect(account.fisExperiments).toHaveLength(1);
    });

    it('rejects an unknown template with ResourceNotFoundException', async () => {
      const { account } = setUp();

      const error = await errorOf(account.clients.fis.send(start({ experimentTemplateId: 'EXTnope' })));

      expect(error.name).toBe('ResourceNotFoundException');
    });

    it('runs a skip-all experiment as a dry run that injects nothing', async () => {
      const { account, clock } = setUp();

      const id =
        (await account.clients.fis.send(start({ experimentOptions: { actionsMode: 'skip-all' } }))).experiment
          ?.id ?? '';
      clock.advance(10);

      expect(await statusOf(account, id)).toBe('completed');
      expect(account.faultStartedAt()).toBeUndefined();
    });

    it('ends the experiment the way the scenario says', async () => {
      const { account, clock } = setUp({ fis: { end: 'failed', at: 'fault+30s' } });
      const id = (await account.clients.fis.send(start())).experiment?.id ?? '';
      clock.advance(30);

      expect(await statusOf(account, id)).toBe('failed');
    });

    it('stops a running experiment: stopping, then stopped', async () => {
      const { account, clock } = setUp();
      const id = (await account.clients.fis.send(start())).experiment?.id ?? '';
      clock.advance(60);

      const answer = await account.clients.fis.send(new StopExperimentCommand({ id }));
      clock.advance(5);

      expect(answer.experiment?.state?.status).toBe('stopping');
      expect(await statusOf(account, id)).toBe('stopped');
    });

    it('rejects stopping an experiment that has ended with ValidationException, as FIS does', async () => {
      const { account, clock } = setUp();
      const id = (await account.clients.fis.send(start())).experiment?.id ?? '';
      clock.advance(400);

      const error = await errorOf(account.clients.fis.send(new StopExperimentCommand({ id })));

      expect(error.name).toBe('ValidationException');
      expect(error.message).toMatch(/completed/);
    });

    it('lists experiments with their tags', async () => {
      const { account } = setUp();
      await account.clients.fis.send(start({ tags: { 'chaos-cadence:run-id': 'run-1' } }));

      const answer = await account.clients.fis.send(new ListExperimentsCommand({}));

      expect(answer.experiments).toEqual([
        expect.objectContaining({
          experimentTemplateId: TEMPLATE,
          tags: { 'chaos-cadence:run-id': 'run-1' },
        }),
      ]);
    });
  });

  describe('SSM', () => {
    it('answers the kill switch from its timeline', async () => {
      const { account, clock } = setUp();
      clock.advance(600);

      const answer = await account.clients.ssm.send(new GetParameterCommand({ Name: KILL_SWITCH }));

      expect(answer.Parameter?.Value).toBe('on');
    });

    it('rejects an absent parameter with the SDK ParameterNotFound class', async () => {
      const { account } = setUp({ killSwitch: undefined });

      const error = await errorOf(account.clients.ssm.send(new GetParameterCommand({ Name: KILL_SWITCH })));

      expect(error).toBeInstanceOf(ParameterNotFound);
    });

    it('answers a parameter put during the run', async () => {
      const { account, clock } = setUp();
      await account.clients.ssm.send(
        new PutParameterCommand({ Name: KILL_SWITCH, Value: 'on', Overwrite: true }),
      );
      clock.advance(1);

      const answer = await account.clients.ssm.send(new GetParameterCommand({ Name: KILL_SWITCH }));

      expect(answer.Parameter?.Value).toBe('on');
    });

    it('answers the change calendar state', async () => {
      const { account } = setUp({ changeCalendar: 'CLOSED' });

      const answer = await account.clients.ssm.send(
        new GetCalendarStateCommand({ CalendarNames: ['freeze'] }),
      );

      expect(answer.State).toBe('CLOSED');
    });

    it('runs a command on the tagged running instances for its duration', async () => {
      const { account, clock } = setUp();
      const sent = await account.clients.ssm.send(
        new SendCommandCommand({
          DocumentName: 'AWSFIS-Run-CPU-Stress',
          Targets: [{ Key: 'tag:chaos-ready', Values: ['true'] }],
          Parameters: { DurationSeconds: ['120'] },
        }),
      );
      clock.advance(200);

      const answer = await account.clients.ssm.send(
        new ListCommandInvocationsCommand({ CommandId: sent.Command?.CommandId }),
      );

      expect(answer.CommandInvocations?.map((i) => [i.InstanceId, i.Status])).toEqual([
        ['i-0001', 'Success'],
      ]);
    });

    it('finds a sent command by document and time, with its comment', async () => {
      const { account, clock } = setUp();
      await account.clients.ssm.send(
        new SendCommandCommand({
          DocumentName: 'AWSFIS-Run-CPU-Stress',
          InstanceIds: ['i-0001'],
          Comment: 'run-1 web',
        }),
      );
      clock.advance(10);

      const answer = await account.clients.ssm.send(
        new ListCommandsCommand({
          Filters: [
            { key: 'DocumentName', value: 'AWSFIS-Run-CPU-Stress' },
            { key: 'InvokedAfter', value: new Date(START - 60_000).toISOString().replace('.000Z', 'Z') },
          ],
        }),
      );

      expect(answer.Commands?.map((c) => [c.Comment, c.Status])).toEqual([['run-1 web', 'InProgress']]);
    });

    it('rejects a ListCommands time filter in millisecond precision (the API documents whole seconds)', async () => {
      const { account } = setUp();

      const listing = account.clients.ssm.send(
        new ListCommandsCommand({ Filters: [{ key: 'InvokedAfter', value: new Date(START).toISOString() }] }),
      );

      await expect(listing).rejects.toThrow(/2026-12-01T09:00:00Z/);
    });

    it('cancels a running command', async () => {
      const { account, clock } = setUp();
      const sent = await account.clients.ssm.send(
        new SendCommandCommand({ DocumentName: 'AWSFIS-Run-CPU-Stress', InstanceIds: ['i-0001'] }),
      );
      clock.advance(10);

      await account.clients.ssm.send(new CancelCommandCommand({ CommandId: sent.Command?.CommandId }));
      clock.advance(5);
      const answer = await account.clients.ssm.send(
        new ListCommandInvocationsCommand({ CommandId: sent.Command?.CommandId }),
      );

      expect(answer.CommandInvocations?.[0]?.Status).toBe('Cancelled');
    });

    it('gives a command a 36-character UUID as its id, as SSM does', async () => {
      const { account } = setUp();

      const sent = await account.clients.ssm.send(
        new SendCommandCommand({ DocumentName: 'AWSFIS-Run-CPU-Stress', InstanceIds: ['i-0001'] }),
      );

      expect(sent.Command?.CommandId).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    });

    it('rejects a SendCommand with more than 50 InstanceIds with ValidationException, sending nothing', async () => {
      const { account } = setUp();
      const ids = Array.from({ length: 51 }, (_, i) => `i-${String(i).padStart(8, '0')}`);

      const error = await errorOf(
        account.clients.ssm.send(
          new SendCommandCommand({ DocumentName: 'AWSFIS-Run-CPU-Stress', InstanceIds: ids }),
        ),
      );

      expect([error.name, error.message]).toEqual([
        'ValidationException',
        expect.stringContaining(
          "at 'instanceIds' failed to satisfy constraint: Member must have length less than or equal to 50",
        ),
      ]);
      expect(account.ssmCommands).toEqual([]);
    });

    it('rejects a command id that is not 36 characters long with ValidationException', async () => {
      const { account } = setUp();

      const error = await errorOf(
        account.clients.ssm.send(new CancelCommandCommand({ CommandId: 'rehearsal-0001' })),
      );

      expect([error.name, error.message]).toEqual([
        'ValidationException',
        expect.stringContaining("at 'commandId' failed to satisfy constraint"),
      ]);
    });
  });

  describe('Step Functions, S3 and SNS', () => {
    it('lists the run itself and the other running executions', async () => {
      const { account } = setUp();

      const answer = await account.clients.sfn.send(
        new ListExecutionsCommand({
          stateMachineArn: 'arn:aws:states:eu-central-1:123456789012:stateMachine:Machine',
          statusFilter: 'RUNNING',
        }),
      );

      expect(answer.executions?.map((e) => e.name)).toEqual(['this-run', 'other-run-1']);
    });

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

      expect(url).toMatch(
        /^https:\/\/results\.s3\.eu-central-1\.amazonaws\.com\/r\.html\?.*X-Amz-Signature=/,
      );
    });

    it('captures SNS messages', async () => {
      const { account } = setUp();

      await account.clients.sns.send(
        new PublishCommand({ TopicArn: settings.topicArn, Subject: 'hi', Message: 'body' }),
      );

      expect(account.snsMessages).toEqual([expect.objectContaining({ subject: 'hi', message: 'body' })]);
    });

    it.each([
      ['100 characters', 'x'.repeat(100)],
      ['a line break', 'two\nlines'],
      ['non-ASCII text', 'caf\u00e9'],
    ])('rejects a subject with %s as SNS does (InvalidParameter)', async (_what, subject) => {
      const { account } = setUp();

      const error = await errorOf(
        account.clients.sns.send(
          new PublishCommand({ TopicArn: settings.topicArn, Subject: subject, Message: 'x' }),
        ),
      );

      expect([error.name, error.message, account.snsMessages]).toEqual([
        'InvalidParameterException',
        'Invalid parameter: Subject',
        [],
      ]);
    });

    it('rejects a message over 256 KB as SNS does (InvalidParameter)', async () => {
      const { account } = setUp();

      const error = await errorOf(
        account.clients.sns.send(
          new PublishCommand({ TopicArn: settings.topicArn, Message: 'x'.repeat(262_145) }),
        ),
      );

      expect(error.message).toBe('Invalid parameter: Message too long');
    });
  });

  describe('failures and records', () => {
    it('fails loudly on a command it does not simulate', async () => {
      const { account } = setUp();

      const error = await errorOf(
        account.clients.cloudWatch.send(
          new SetAlarmStateCommand({ AlarmName: 'a', StateValue: 'OK', StateReason: 'x' }),
        ),
      );

      expect(error).toBeInstanceOf(UnsimulatedCallError);
      expect(error.message).toMatch(/cloudwatch:SetAlarmState/);
    });

    it('injects the scenario API failures in order, then answers normally', async () => {
      const { account } = setUp({
        apiFailures: [
          { call: 'fis:StartExperiment', error: 'ThrottlingException', message: 'Rate exceeded', times: 2 },
        ],
      });

      const first = await errorOf(account.clients.fis.send(start()));
      await errorOf(account.clients.fis.send(start()));
      const third = await account.clients.fis.send(start());

      expect(first).toMatchObject({
        name: 'ThrottlingException',
        message: 'Rate exceeded',
        $retryable: { throttling: true },
        $metadata: { httpStatusCode: 400, attempts: 1 },
      });
      expect(third.experiment?.id).toBeDefined();
    });

    it('records every call in order with its virtual time, input and output or error', async () => {
      const { account, clock } = setUp({
        apiFailures: [{ call: 'ssm:GetParameter', error: 'AccessDeniedException' }],
      });
      await errorOf(account.clients.ssm.send(new GetParameterCommand({ Name: KILL_SWITCH })));
      clock.advance(15);

      await account.clients.ssm.send(new GetParameterCommand({ Name: KILL_SWITCH }));

      const [failed, answered] = account.calls;
      expect(account.calls).toHaveLength(2);
      expect(failed).toMatchObject({
        at: '2026-12-01T09:00:00.000Z',
        service: 'ssm',
        command: 'GetParameter',
        input: { Name: KILL_SWITCH },
      });
      expect(failed?.error).toMatch(/^AccessDeniedException/);
      expect(answered).toMatchObject({
        at: '2026-12-01T09:00:15.000Z',
        command: 'GetParameter',
        output: { Parameter: { Value: 'off' } },
      });
    });
  });

  describe('fetch', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      server = createServer((_req, res) => {
        res.writeHead(201, { 'content-type': 'text/plain' });
        res.end('real');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    it('answers a scenario URL from its timeline', async () => {
      const { account, clock } = setUp();
      await account.clients.fis.send(start());
      clock.advance(60);

      const response = await account.fetch('https://shop.example.com/health');

      expect(response.status).toBe(503);
    });

    it('answers a scenario URL body', async () => {
      const { account } = setUp();

      const response = await account.fetch('https://shop.example.com/health');

      expect(await response.text()).toBe('ok');
    });

    it('sends other URLs to the real network as tracked I/O', async () => {
      const { account, clock } = setUp();

      const response = await account.fetch(url);

      expect([response.status, await response.text(), clock.tracked]).toEqual([201, 'real', 1]);
    });
  });
});

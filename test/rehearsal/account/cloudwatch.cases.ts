import {
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { START, setUp, start } from './fixture';

describe('simulated CloudWatch', () => {
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

    const answer = await account.clients.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: ['nope'] }));

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

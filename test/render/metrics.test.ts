import { inconclusiveResult } from '../fixtures/observed-results';
import { experimentMetricData, runMetricData } from '../../lambdas/shared/render/metrics';
import { abortedResult, failedResult, passedResult, skippedResult } from '../fixtures/results';

const dims = [{ Name: 'Experiment', Value: 'web-cpu-80' }];
const at = new Date('2026-03-03T09:00:03.000Z');

describe('experimentMetricData', () => {
  it('puts HypothesisHeld 1, zero counters and the recovery time for a passed experiment', () => {
    const data = experimentMetricData(passedResult);

    expect(data).toEqual([
      { MetricName: 'HypothesisHeld', Dimensions: dims, Timestamp: at, Value: 1, Unit: 'None' },
      { MetricName: 'Aborted', Dimensions: dims, Timestamp: at, Value: 0, Unit: 'Count' },
      { MetricName: 'Deviated', Dimensions: dims, Timestamp: at, Value: 0, Unit: 'Count' },
      { MetricName: 'Inconclusive', Dimensions: dims, Timestamp: at, Value: 0, Unit: 'Count' },
      { MetricName: 'Skipped', Dimensions: dims, Timestamp: at, Value: 0, Unit: 'Count' },
      { MetricName: 'Failed', Dimensions: dims, Timestamp: at, Value: 0, Unit: 'Count' },
      { MetricName: 'RecoverySeconds', Dimensions: dims, Timestamp: at, Value: 95, Unit: 'Seconds' },
    ]);
  });

  it('puts Inconclusive 1 and no HypothesisHeld for an experiment whose fault had no effect', () => {
    const data = experimentMetricData(inconclusiveResult);

    expect(data.map((d) => [d.MetricName, d.Value])).toEqual([
      ['Aborted', 0],
      ['Deviated', 0],
      ['Inconclusive', 1],
      ['Skipped', 0],
      ['Failed', 0],
    ]);
  });

  it('puts the time to detect when the verdict measured it', () => {
    const data = experimentMetricData({ ...passedResult, timeToDetectSeconds: 45 });

    expect(data).toContainEqual({
      MetricName: 'TimeToDetectSeconds',
      Dimensions: dims,
      Timestamp: at,
      Value: 45,
      Unit: 'Seconds',
    });
  });

  it('puts HypothesisHeld 0, Aborted 1 and the time to stop for an aborted experiment', () => {
    const data = experimentMetricData(abortedResult);

    expect(data).toContainEqual({
      MetricName: 'HypothesisHeld',
      Dimensions: dims,
      Timestamp: at,
      Value: 0,
      Unit: 'None',
    });
    expect(data).toContainEqual({
      MetricName: 'Aborted',
      Dimensions: dims,
      Timestamp: at,
      Value: 1,
      Unit: 'Count',
    });
    expect(data).toContainEqual({
      MetricName: 'TimeToStopSeconds',
      Dimensions: dims,
      Timestamp: at,
      Value: 12,
      Unit: 'Seconds',
    });
  });

  it.each([skippedResult, failedResult])(
    'puts no HypothesisHeld when the hypothesis was not tested ($outcome)',
    (result) => {
      const names = experimentMetricData(result).map((d) => d.MetricName);

      expect(names).not.toContain('HypothesisHeld');
      expect(names).toEqual(expect.arrayContaining(['Aborted', 'Deviated', 'Skipped', 'Failed']));
    },
  );

  it('counts the outcome of a skipped experiment in Skipped', () => {
    const skipped = experimentMetricData(skippedResult).find((d) => d.MetricName === 'Skipped');

    expect(skipped?.Value).toBe(1);
  });
});

describe('runMetricData', () => {
  it('puts the data of every experiment with its own dimension', () => {
    const data = runMetricData([passedResult, { ...abortedResult, name: 'api-cpu-90' }]);

    expect(new Set(data.map((d) => d.Dimensions[0]?.Value))).toEqual(new Set(['web-cpu-80', 'api-cpu-90']));
  });
});

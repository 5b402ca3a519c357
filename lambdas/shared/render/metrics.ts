/**
 * The CloudWatch metrics of a run: namespace `ChaosCadence`, dimension `Experiment`.
 * The dashboard graphs exactly these names (lib/constructs/dashboard.ts imports them).
 */
import type { ExperimentTrend } from '../resilience/trend';
import type { ExperimentResult, Outcome } from '../types';

/** The metric namespace. */
export const METRIC_NAMESPACE = 'ChaosCadence';

/** The dimension every per-experiment metric carries. */
export const EXPERIMENT_DIMENSION = 'Experiment';

/** The dimension of the per-application `ResilienceScore`. */
export const APPLICATION_DIMENSION = 'Application';

/** The metric names, in dashboard order. */
export const METRIC_NAMES = {
  hypothesisHeld: 'HypothesisHeld',
  aborted: 'Aborted',
  deviated: 'Deviated',
  skipped: 'Skipped',
  failed: 'Failed',
  recoverySeconds: 'RecoverySeconds',
  timeToStopSeconds: 'TimeToStopSeconds',
  resilienceScore: 'ResilienceScore',
} as const;

/** One of {@link METRIC_NAMES}. */
export type MetricName = (typeof METRIC_NAMES)[keyof typeof METRIC_NAMES];

/** A datum in the shape PutMetricData takes (kept SDK-free so the renderer stays pure). */
export interface MetricDatumSpec {
  readonly MetricName: MetricName;
  readonly Dimensions: readonly { readonly Name: string; readonly Value: string }[];
  readonly Timestamp: Date;
  readonly Value: number;
  readonly Unit: 'Count' | 'Seconds' | 'None';
}

/** Outcomes in which the hypothesis was actually put to the test (a fault ran to a verdict). */
const TESTED: ReadonlySet<Outcome> = new Set<Outcome>(['passed', 'deviated', 'aborted']);

/**
 * The data points of one experiment, timestamped at the experiment's start (the run).
 *
 * - `HypothesisHeld` (1/0) only when the hypothesis was tested (passed, deviated, aborted): a skipped
 *   or failed run says nothing about resilience, and a 0 there would draw a false drop on the dashboard.
 * - `Aborted`, `Deviated`, `Skipped`, `Failed`: 1 or 0, always, so each series is continuous.
 * - `RecoverySeconds`, `TimeToStopSeconds`: only when the verdict measured them.
 */
export function experimentMetricData(result: ExperimentResult): MetricDatumSpec[] {
  const dimensions = [{ Name: EXPERIMENT_DIMENSION, Value: result.name }];
  const timestamp = new Date(result.startedAt);
  const datum = (MetricName: MetricName, Value: number, Unit: MetricDatumSpec['Unit']): MetricDatumSpec => ({
    MetricName,
    Dimensions: dimensions,
    Timestamp: timestamp,
    Value,
    Unit,
  });
  const data: MetricDatumSpec[] = [];
  if (TESTED.has(result.outcome)) {
    data.push(datum(METRIC_NAMES.hypothesisHeld, result.outcome === 'passed' ? 1 : 0, 'None'));
  }
  data.push(
    datum(METRIC_NAMES.aborted, result.outcome === 'aborted' ? 1 : 0, 'Count'),
    datum(METRIC_NAMES.deviated, result.outcome === 'deviated' ? 1 : 0, 'Count'),
    datum(METRIC_NAMES.skipped, result.outcome === 'skipped' ? 1 : 0, 'Count'),
    datum(METRIC_NAMES.failed, result.outcome === 'failed' ? 1 : 0, 'Count'),
  );
  if (result.recoverySeconds !== undefined) {
    data.push(datum(METRIC_NAMES.recoverySeconds, result.recoverySeconds, 'Seconds'));
  }
  if (result.timeToStopSeconds !== undefined) {
    data.push(datum(METRIC_NAMES.timeToStopSeconds, result.timeToStopSeconds, 'Seconds'));
  }
  return data;
}

/** Every data point of a run, experiment by experiment. */
export function runMetricData(results: readonly ExperimentResult[]): MetricDatumSpec[] {
  return results.flatMap(experimentMetricData);
}

/**
 * The `ResilienceScore` data points of a run (0-100, see lambdas/shared/resilience/score.ts): one per
 * experiment (dimension `Experiment`, at the experiment's start) and one per application (dimension
 * `Application`, at the run's start: the mean of its experiments' scores).
 */
export function resilienceMetricData(
  trends: Readonly<Record<string, ExperimentTrend>>,
  runStartedAt: string,
): MetricDatumSpec[] {
  const data: MetricDatumSpec[] = [];
  const applications = new Map<string, number>();
  for (const trend of Object.values(trends)) {
    const current = trend.recent[trend.recent.length - 1];
    data.push({
      MetricName: METRIC_NAMES.resilienceScore,
      Dimensions: [{ Name: EXPERIMENT_DIMENSION, Value: trend.experiment }],
      Timestamp: new Date(current?.at ?? runStartedAt),
      Value: trend.now.score,
      Unit: 'None',
    });
    applications.set(trend.application, trend.applicationScore);
  }
  for (const [application, score] of applications) {
    data.push({
      MetricName: METRIC_NAMES.resilienceScore,
      Dimensions: [{ Name: APPLICATION_DIMENSION, Value: application }],
      Timestamp: new Date(runStartedAt),
      Value: score,
      Unit: 'None',
    });
  }
  return data;
}

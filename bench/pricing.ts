/**
 * Published on-demand prices (us-east-1 / eu-central-1 list prices, checked for this benchmark).
 * Step Functions Standard bills state transitions; Lambda bills requests and GB-seconds (arm64);
 * FIS bills action-minutes (each action, for as long as it runs).
 */
export const PRICES = {
  /** USD per state transition: $0.025 per 1,000. */
  stepFunctionsTransition: 0.025 / 1000,
  /** USD per GB-second, arm64 (first tier). */
  lambdaArmGbSecond: 0.0000133334,
  /** USD per request: $0.20 per 1M. */
  lambdaRequest: 0.2 / 1_000_000,
  /** USD per FIS action-minute. */
  fisActionMinute: 0.1,
} as const;

/** The orchestration cost of one run, in USD. */
export interface OrchestrationCost {
  readonly stepFunctions: number;
  readonly lambdaCompute: number;
  readonly lambdaRequests: number;
  readonly total: number;
}

/** Prices one run's transitions, Lambda GB-seconds and invocations. */
export function orchestrationCost(
  transitions: number,
  gbSeconds: number,
  invocations: number,
): OrchestrationCost {
  const stepFunctions = transitions * PRICES.stepFunctionsTransition;
  const lambdaCompute = gbSeconds * PRICES.lambdaArmGbSecond;
  const lambdaRequests = invocations * PRICES.lambdaRequest;
  return {
    stepFunctions,
    lambdaCompute,
    lambdaRequests,
    total: stepFunctions + lambdaCompute + lambdaRequests,
  };
}

/** FIS cost of a fault: `actions` actions (one `aws:ssm:send-command` for cpuStress) running `seconds`. */
export function fisCost(seconds: number, actions = 1): number {
  return (seconds / 60) * actions * PRICES.fisActionMinute;
}

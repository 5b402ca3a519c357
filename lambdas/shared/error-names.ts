/**
 * The error names the workflow's ASL matches (Retry `ErrorEquals`, Catch) and the verdict reads from a
 * caught error (`$.errors.<State>.Error`). Each error class sets its `name` from here; the task table
 * (lib/workflow/tasks.ts) builds the Retry rules from here; a test checks the ASL file against both.
 * Kept free of imports so every Lambda bundle may read it.
 */
export const ERROR_NAMES = {
  /** An AWS API throttled us: retried with backoff. */
  throttled: 'ThrottledError',
  /** A transient failure (5xx, network): retried with backoff. */
  transient: 'TransientError',
  /** An AWS call failed for a reason retrying will not fix. */
  awsCall: 'AwsCallError',
  /** The run asked for an experiment that is not deployed (CheckGuardRails). */
  unknownExperiment: 'UnknownExperimentError',
  /** An earlier fault of this run has not ended: StartFault refuses to inject on top of it. */
  previousFaultRunning: 'PreviousFaultRunningError',
  /** FIS did not honour a dry run: StartFault stopped the experiment at once. */
  dryRunNotHonoured: 'DryRunNotHonouredError',
  /** Set by the ASL itself (a Pass state) when PollStopConditions answers an action it does not know. */
  unexpectedPollResult: 'UnexpectedPollResult',
} as const;

/** One of {@link ERROR_NAMES}. */
export type ErrorName = (typeof ERROR_NAMES)[keyof typeof ERROR_NAMES];

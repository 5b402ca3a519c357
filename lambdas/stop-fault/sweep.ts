import { DescribeStateMachineForExecutionCommand } from '@aws-sdk/client-sfn';
import { releaseRunLock, type ReleaseRunLockResult } from '../check-guard-rails/run-lock';
import { sleep } from '../poll-stop-conditions/sleep';
import type { Runtime } from '../shared/aws';
import { awsCall } from '../shared/errors';
import type {
  ExperimentPlan,
  ExperimentResult,
  PublishInput,
  RunConfig,
  RunContext,
  Trigger,
} from '../shared/types';
import { failedResult } from '../verdict/verdict';
import { runCommentPrefix, findRunCommands, toFaultState } from '../shared/faults';
import { findRunExperiments, stopKnownFault } from './stop-fault';

/** The EventBridge "Step Functions Execution Status Change" event (the fields the sweep reads). */
export interface ExecutionStatusChangeEvent {
  readonly source: 'aws.states';
  readonly 'detail-type': string;
  readonly detail: {
    readonly executionArn: string;
    readonly stateMachineArn: string;
    readonly name: string;
    readonly status: string;
    readonly startDate: number;
    readonly stopDate?: number | null;
    readonly input?: string | null;
  };
}

/** The deployed definition does not carry the expected RunConfig. */
export class DefinitionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DefinitionError';
  }
}

/** Reads the RunConfig baked into a deployed definition (the `LoadRunConfig` state's `Result`). */
export function runConfigFromDefinition(definition: string): RunConfig {
  const parsed = JSON.parse(definition) as { States?: Record<string, { Result?: unknown }> };
  const result = parsed.States?.LoadRunConfig?.Result as RunConfig | undefined;
  if (!result || typeof result !== 'object' || typeof result.plans !== 'object') {
    throw new DefinitionError('the state machine definition has no LoadRunConfig state with the RunConfig');
  }
  return result;
}

function parseInput(text: string | null | undefined): {
  experiments: string[];
  trigger: Trigger;
  dryRun: boolean;
} {
  try {
    const value = JSON.parse(text ?? '{}') as { experiments?: unknown; trigger?: unknown; dryRun?: unknown };
    return {
      experiments: Array.isArray(value.experiments)
        ? value.experiments.filter((e): e is string => typeof e === 'string')
        : [],
      trigger: value.trigger === 'schedule' ? 'schedule' : 'manual',
      dryRun: value.dryRun === true,
    };
  } catch {
    return { experiments: [], trigger: 'manual', dryRun: false };
  }
}

/** What a sweep did, besides the publish input it returns. */
export interface SweepOutcome {
  readonly publish: PublishInput;
  /** Ids of the faults found still running and stopped (both searches). */
  readonly stopped: readonly string[];
  /** Of those, the ones only the second search found (a StartFault still in flight at the end). */
  readonly stoppedLate: readonly string[];
  /** What happened to the run lock (released only when this run held it). */
  readonly runLock: ReleaseRunLockResult;
}

/** Options of {@link sweepRun}. */
export interface SweepOptions {
  /**
   * Seconds between the first search and the second. Step Functions does not stop a Lambda that is
   * running when the execution ends, so a StartFault invoked just before may inject up to its own
   * timeout (100 s) later; the second search finds and stops that fault. @default 120
   */
  readonly secondSearchAfterSeconds?: number;
}

/** Seconds the sweep waits before searching a second time. */
export const SECOND_SEARCH_AFTER_SECONDS = 120;

/**
 * Stops every fault of the run still running: FIS experiments tagged with the run id, SSM commands of
 * the plans' documents whose comment carries it. Skips the ids in `seen` and adds what it finds to it.
 */
async function stopRunFaults(
  run: RunContext,
  plans: readonly ExperimentPlan[],
  seen: Set<string>,
  runtime: Runtime,
): Promise<string[]> {
  const stopped: string[] = [];
  // Only a run with FIS experiments can have FIS faults; an SSM-only stack may not list them at all.
  const usesFis = plans.some((p) => p.fault.kind === 'fis');
  const experiments = usesFis ? await findRunExperiments(run.runId, undefined, runtime) : [];
  for (const experiment of experiments) {
    if (!experiment.id || seen.has(experiment.id)) continue;
    seen.add(experiment.id);
    const outcome = await stopKnownFault(
      {
        kind: 'fis',
        id: experiment.id,
        startedAt: run.startedAt,
        state: toFaultState(experiment.state?.status),
        dryRun: run.dryRun,
      },
      runtime,
    );
    if (!outcome.alreadyEnded) stopped.push(experiment.id);
  }
  const documents = new Set(plans.flatMap((p) => (p.fault.kind === 'ssm' ? [p.fault.documentName] : [])));
  const prefix = runCommentPrefix(run.runId);
  for (const document of documents) {
    const commands = await findRunCommands(document, run.startedAt, (c) => c.startsWith(prefix), runtime);
    for (const command of commands) {
      if (seen.has(command.id)) continue;
      seen.add(command.id);
      const outcome = await stopKnownFault(
        {
          kind: 'ssm',
          id: command.id,
          startedAt: run.startedAt,
          state: 'running',
          targets: command.targets,
          dryRun: false,
        },
        runtime,
      );
      if (!outcome.alreadyEnded) stopped.push(command.id);
    }
  }
  return stopped;
}

/**
 * The backstop for executions that ended FAILED, TIMED_OUT or ABORTED (which no Catch sees): stops
 * every FIS experiment tagged with the run id (asked only when a selected plan runs through FIS) and cancels every SSM command whose comment carries it;
 * searches again `secondSearchAfterSeconds` later and stops what a StartFault still in flight started;
 * then releases the run lock if this run holds it, and returns a `failed` result per selected
 * experiment for PublishResults. A failure to stop throws (the lock stays held until its lease ends).
 */
export async function sweepRun(
  event: ExecutionStatusChangeEvent,
  runtime: Runtime,
  options: SweepOptions = {},
): Promise<SweepOutcome> {
  const { detail } = event;
  const runId = detail.name;
  const startedAt = new Date(detail.startDate).toISOString();
  const described = await awsCall('states:DescribeStateMachineForExecution', () =>
    runtime.clients.sfn.send(
      new DescribeStateMachineForExecutionCommand({ executionArn: detail.executionArn }),
    ),
  );
  const config = runConfigFromDefinition(described.definition ?? '{}');
  const request = parseInput(detail.input);
  const plans: ExperimentPlan[] = (
    request.experiments.length ? request.experiments : Object.keys(config.plans)
  )
    .map((name) => config.plans[name])
    .filter((p): p is ExperimentPlan => p !== undefined);
  const run: RunContext = {
    runId,
    executionArn: detail.executionArn,
    stateMachineArn: detail.stateMachineArn,
    startedAt,
    trigger: request.trigger,
    dryRun: request.dryRun,
    configHash: config.configHash,
  };

  const seen = new Set<string>();
  const stoppedFirst = await stopRunFaults(run, plans, seen, runtime);
  await sleep(options.secondSearchAfterSeconds ?? SECOND_SEARCH_AFTER_SECONDS);
  const stoppedLate = await stopRunFaults(run, plans, seen, runtime);
  const stopped = [...stoppedFirst, ...stoppedLate];
  const runLock = await releaseRunLock(runId, runtime);

  const now = runtime.now();
  const reason = `the workflow execution ended ${detail.status} before publishing; ${stopped.length ? `stopped ${stopped.join(', ')}` : 'no fault of this run was still running'}`;
  const results: ExperimentResult[] = plans.map((plan) =>
    failedResult(
      plan,
      run,
      reason,
      `Open execution ${detail.executionArn} to see which state ${detail.status === 'TIMED_OUT' ? 'ran out of time' : 'failed'}.`,
      { error: `Execution${detail.status}`, cause: reason, state: 'Execution' },
      now,
    ),
  );
  return { publish: { run, results }, stopped, stoppedLate, runLock };
}

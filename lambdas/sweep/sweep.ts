import { DescribeStateMachineForExecutionCommand } from '@aws-sdk/client-sfn';
import { releaseRunLock, type ReleaseRunLockResult } from '../check-guard-rails/run-lock';
import { sleep } from '../poll-stop-conditions/sleep';
import type { Runtime } from '../shared/aws';
import { awsCall } from '../shared/errors';
import type {
  ExperimentPlan,
  ExperimentResult,
  FaultRef,
  PublishInput,
  RunConfig,
  RunContext,
  Trigger,
} from '../shared/types';
import { failedResult } from '../verdict/verdict';
import { runCommentPrefix, findRunCommands, toFaultState } from '../shared/faults';
import { findRunExperiments, stopKnownFault } from '../stop-fault/stop-fault';

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
  /** Faults whose stop was requested but no read confirmed (`<id>: stop requested at T, not confirmed ...`). */
  readonly unconfirmed: readonly string[];
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
  /**
   * The services the stack's faults run through ({@link SWEEP_FAULT_SERVICES_ENV}): the sweep searches
   * only these, since its role may read only them. @default both
   */
  readonly faultServices?: readonly FaultService[];
}

/** The services a fault can run through. */
export type FaultService = 'fis' | 'ssm';

/** Every {@link FaultService}. */
export const FAULT_SERVICES: readonly FaultService[] = ['fis', 'ssm'];

/** The sweep's environment variable naming the services the stack's faults run through. */
export const SWEEP_FAULT_SERVICES_ENV = 'CHAOS_SWEEP_FAULT_SERVICES';

/** Parses {@link SWEEP_FAULT_SERVICES_ENV} (`fis,ssm`): unset means both, empty means none. */
export function parseFaultServices(text: string | undefined): readonly FaultService[] {
  if (text === undefined) return FAULT_SERVICES;
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(FAULT_SERVICES as readonly string[]).includes(n));
  if (unknown.length > 0)
    throw new Error(`${SWEEP_FAULT_SERVICES_ENV} lists ${unknown.join(', ')}: only fis and ssm are known`);
  return names as FaultService[];
}

/** Seconds the sweep waits before searching a second time. */
export const SECOND_SEARCH_AFTER_SECONDS = 120;

/** What one search-and-stop pass did. */
interface SweepStops {
  /** Ids whose stop a read confirmed (and that had not ended before). */
  readonly stopped: string[];
  /** `<id>: stop requested at T, not confirmed (check: ...)`. */
  readonly unconfirmed: string[];
}

/**
 * Stops every fault of the run still running: FIS experiments tagged with the run id, SSM commands
 * (any document) whose comment carries it. Needs nothing but the run id, so it runs before any other
 * read. Skips the ids in `seen` and adds what it finds to it.
 */
async function stopRunFaults(
  run: Pick<RunContext, 'runId' | 'startedAt' | 'dryRun'>,
  seen: Set<string>,
  runtime: Runtime,
  options: Pick<SweepOptions, 'faultServices'> = {},
): Promise<SweepStops> {
  const found: FaultRef[] = [];
  // Only a stack with FIS faults can have FIS experiments; an SSM-only stack may not list them at all.
  const services = options.faultServices ?? FAULT_SERVICES;
  const experiments = services.includes('fis') ? await findRunExperiments(run.runId, undefined, runtime) : [];
  for (const experiment of experiments) {
    if (!experiment.id || seen.has(experiment.id)) continue;
    found.push({
      kind: 'fis',
      id: experiment.id,
      startedAt: run.startedAt,
      state: toFaultState(experiment.state?.status),
      dryRun: run.dryRun,
    });
  }
  const prefix = runCommentPrefix(run.runId);
  const commands = services.includes('ssm')
    ? await findRunCommands(undefined, run.startedAt, (c) => c.startsWith(prefix), runtime)
    : [];
  for (const command of commands) {
    if (seen.has(command.id)) continue;
    found.push({
      kind: 'ssm',
      id: command.id,
      startedAt: run.startedAt,
      state: 'running',
      targets: command.targets,
      dryRun: false,
    });
  }
  const result: SweepStops = { stopped: [], unconfirmed: [] };
  for (const fault of found) {
    seen.add(fault.id);
    const outcome = await stopKnownFault(fault, runtime);
    if (!outcome.confirmed) {
      result.unconfirmed.push(
        `${fault.id}: stop requested at ${outcome.requestedAt}, not confirmed (check: ${outcome.checkCommand})`,
      );
    } else if (!outcome.alreadyEnded) {
      result.stopped.push(fault.id);
    }
  }
  return result;
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
  const request = parseInput(detail.input);
  // Stop first: the run id (tags, comments) is all the search needs; the definition is read after.
  const seen = new Set<string>();
  const first = await stopRunFaults({ runId, startedAt, dryRun: request.dryRun }, seen, runtime, options);
  const described = await awsCall('states:DescribeStateMachineForExecution', () =>
    runtime.clients.sfn.send(
      new DescribeStateMachineForExecutionCommand({ executionArn: detail.executionArn }),
    ),
  );
  const config = runConfigFromDefinition(described.definition ?? '{}');
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

  await sleep(options.secondSearchAfterSeconds ?? SECOND_SEARCH_AFTER_SECONDS);
  const late = await stopRunFaults(run, seen, runtime, options);
  const stopped = [...first.stopped, ...late.stopped];
  const stoppedLate = late.stopped;
  const unconfirmed = [...first.unconfirmed, ...late.unconfirmed];
  const runLock = await releaseRunLock(runId, runtime);

  const now = runtime.now();
  const parts = [...(stopped.length ? [`stopped ${stopped.join(', ')} (confirmed)`] : []), ...unconfirmed];
  const reason = `the workflow execution ended ${detail.status} before publishing; ${parts.length ? parts.join('; ') : 'no fault of this run was still running'}`;
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
  return { publish: { run, results }, stopped, stoppedLate, unconfirmed, runLock };
}

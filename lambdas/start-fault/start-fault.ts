import { createHash } from 'node:crypto';
import { paginateDescribeInstances, type Instance } from '@aws-sdk/client-ec2';
import {
  StartExperimentCommand,
  StopExperimentCommand,
  type StartExperimentCommandInput,
  type StartExperimentCommandOutput,
} from '@aws-sdk/client-fis';
import { SendCommandCommand } from '@aws-sdk/client-ssm';
import type { BuildHandlerArguments, BuildMiddleware } from '@smithy/types';
import { sleep } from '../poll-stop-conditions/sleep';
import { ssmCommandParameters } from '../shared/cpu-stress';
import { seededRandom } from '../shared/random';
import type { Runtime } from '../shared/aws';
import { ERROR_NAMES } from '../shared/error-names';
import { awsCall } from '../shared/errors';
import { awsPages } from '../shared/paginate';
import type { CpuStressSpec, ExperimentPlan, FaultRef, FaultState, RunContext } from '../shared/types';
import {
  EXPERIMENT_TAG,
  faultComment,
  findRunCommands,
  findUnfinishedFaults,
  instanceIdChunks,
  RUN_ID_TAG,
  SSM_MAX_INSTANCE_IDS,
  toFaultState,
  type RunCommand,
} from '../shared/faults';

export {
  COMMENT_PREFIX,
  EXPERIMENT_TAG,
  faultComment,
  findRunCommands,
  findUnfinishedFaults,
  RUN_ID_TAG,
  runCommentPrefix,
  toFaultState,
  type RunCommand,
  type UnfinishedFault,
} from '../shared/faults';

/** StartFault's input. */
export interface StartFaultInput {
  readonly run: RunContext;
  readonly plan: ExperimentPlan;
}

/** No running instance carries the target tags: nothing to inject into. */
export class NoTargetsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NoTargetsError';
  }
}

/** FIS answered without an experiment. */
export class FaultStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FaultStartError';
  }
}

/**
 * Another experiment of this run left a fault that has not ended (its stop failed): injecting now
 * would stack a second fault on top of it. Not retried by the workflow; its Catch records `failed`.
 */
export class PreviousFaultRunningError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = ERROR_NAMES.previousFaultRunning;
  }
}

/**
 * A FIS dry run (`actionsMode: skip-all`) was asked for, but the started experiment does not say it
 * skips its actions: it was stopped at once. Not retried by the workflow.
 */
export class DryRunNotHonouredError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = ERROR_NAMES.dryRunNotHonoured;
  }
}

/**
 * The FIS client token for one experiment of one run: the same on every retry, so FIS starts the
 * experiment once however often StartFault is retried (<= 64 characters).
 */
export function clientToken(runId: string, experimentName: string): string {
  return createHash('sha256').update(`${runId}/${experimentName}`).digest('hex').slice(0, 64);
}

/**
 * Adds `experimentOptions` to the serialized StartExperiment body. The pinned @aws-sdk/client-fis
 * (3.523) predates `experimentOptions.actionsMode` and drops unknown input fields, which would turn a
 * dry run into a real injection; this build-step middleware puts the field into the request itself.
 */
export function experimentOptionsMiddleware(
  options: Readonly<Record<string, string>>,
): BuildMiddleware<StartExperimentCommandInput, StartExperimentCommandOutput> {
  return (next) => async (args: BuildHandlerArguments<StartExperimentCommandInput>) => {
    const request = args.request as { body?: unknown; headers?: Record<string, string> };
    const body: Record<string, unknown> =
      typeof request.body === 'string' && request.body !== ''
        ? (JSON.parse(request.body) as Record<string, unknown>)
        : {};
    request.body = JSON.stringify({ ...body, experimentOptions: options });
    if (request.headers) {
      for (const key of Object.keys(request.headers)) {
        if (key.toLowerCase() === 'content-length') delete request.headers[key];
      }
    }
    return next(args);
  };
}

/** The `actionsMode` FIS reports for an experiment (the pinned 3.523 types lack it; its deserializer keeps it). */
function actionsModeOf(experiment: { experimentOptions?: object } | undefined): string | undefined {
  const options = experiment?.experimentOptions as { actionsMode?: unknown } | undefined;
  return typeof options?.actionsMode === 'string' ? options.actionsMode : undefined;
}

async function startFis(input: StartFaultInput, runtime: Runtime): Promise<FaultRef> {
  const { run, plan } = input;
  if (plan.fault.kind !== 'fis') throw new FaultStartError('internal: startFis on a non-FIS plan');
  const templateId = plan.fault.templateId;
  const request: StartExperimentCommandInput & { experimentOptions?: { actionsMode: string } } = {
    clientToken: clientToken(run.runId, plan.name),
    experimentTemplateId: templateId,
    tags: { [RUN_ID_TAG]: run.runId, [EXPERIMENT_TAG]: plan.name, Name: `chaos-cadence ${plan.name}` },
    ...(run.dryRun ? { experimentOptions: { actionsMode: 'skip-all' } } : {}),
  };
  const command = new StartExperimentCommand(request);
  if (run.dryRun) {
    command.middlewareStack.add(experimentOptionsMiddleware({ actionsMode: 'skip-all' }), {
      step: 'build',
      priority: 'high',
      name: 'chaosCadenceExperimentOptions',
    });
  }
  const answer = await awsCall('fis:StartExperiment', () => runtime.clients.fis.send(command));
  const experiment = answer.experiment;
  if (!experiment?.id) throw new FaultStartError(`FIS started no experiment for template ${templateId}`);
  if (run.dryRun) await requireSkipAll(experiment.id, actionsModeOf(experiment), plan, runtime);
  return {
    kind: 'fis',
    id: experiment.id,
    startedAt: (experiment.startTime ?? experiment.creationTime ?? runtime.now()).toISOString(),
    state: toFaultState(experiment.state?.status),
    dryRun: run.dryRun,
    templateId,
  };
}

/**
 * A dry run is verified, not trusted: FIS must answer `actionsMode: skip-all` for the experiment it
 * started (an older FIS API, an SDK that dropped the option, a proxy...). Otherwise the experiment
 * would inject for real: it is stopped at once and the start fails with {@link DryRunNotHonouredError}.
 * A failed stop is kept as the cause; the workflow's StopFaultAfterError stops it again by run id.
 */
async function requireSkipAll(
  id: string,
  actionsMode: string | undefined,
  plan: ExperimentPlan,
  runtime: Runtime,
): Promise<void> {
  if (actionsMode === 'skip-all') return;
  let stopFailure: unknown;
  try {
    await awsCall('fis:StopExperiment', () => runtime.clients.fis.send(new StopExperimentCommand({ id })));
  } catch (error) {
    stopFailure = error;
  }
  const stopped =
    stopFailure === undefined
      ? 'its stop was requested at once (StopFaultAfterError confirms it)'
      : 'STOPPING IT FAILED: stop it by hand';
  throw new DryRunNotHonouredError(
    `dry run not honoured: FIS experiment ${id} of ${plan.name} was started with actionsMode ${actionsMode ?? '(not reported)'} instead of skip-all, so it may inject; ${stopped}`,
    stopFailure === undefined ? undefined : { cause: stopFailure },
  );
}

/**
 * Applies the blast radius like FIS selection modes: `ALL`, `COUNT(n)` (n picked at random, never
 * more than there are) or `PERCENT(p)` (p % rounded up, at least one of a non-empty fleet, picked at
 * random). A random pick spreads the stress over the fleet from run to run instead of always hitting
 * the same lowest instance ids. The picked ids are returned sorted.
 * @param random a uniform [0, 1) source; tests pass a seeded one
 */
export function selectTargets(
  instanceIds: readonly string[],
  selection: string,
  random: () => number = Math.random,
): string[] {
  const ids = [...new Set(instanceIds)].sort();
  const count = /^COUNT\((\d+)\)$/.exec(selection);
  const percent = /^PERCENT\((\d+)\)$/.exec(selection);
  let wanted: number;
  if (selection === 'ALL') wanted = ids.length;
  else if (count) wanted = Number(count[1]);
  else if (percent)
    wanted = ids.length === 0 ? 0 : Math.max(1, Math.ceil((ids.length * Number(percent[1])) / 100));
  else throw new NoTargetsError(`selection must be ALL, COUNT(n) or PERCENT(p) (got "${selection}")`);
  const n = Math.min(wanted, ids.length);
  if (n === ids.length) return ids;
  // Partial Fisher-Yates: the first n slots become a uniform random sample.
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (ids.length - i));
    [ids[i], ids[j]] = [ids[j] as string, ids[i] as string];
  }
  return ids.slice(0, n).sort();
}

/**
 * The running instances carrying every target tag, with the blast radius applied.
 * @param random the source of a random pick (COUNT, PERCENT)
 */
export async function resolveTargets(
  spec: CpuStressSpec,
  runtime: Runtime,
  random: () => number = Math.random,
): Promise<string[]> {
  const instances: Instance[] = [];
  const pages = paginateDescribeInstances(
    { client: runtime.clients.ec2 },
    {
      Filters: [
        ...Object.entries(spec.targets.tags).map(([key, value]) => ({
          Name: `tag:${key}`,
          Values: [value],
        })),
        { Name: 'instance-state-name', Values: ['running'] },
      ],
    },
  );
  for await (const answer of awsPages('ec2:DescribeInstances', pages)) {
    for (const reservation of answer.Reservations ?? []) instances.push(...(reservation.Instances ?? []));
  }
  const ids = instances.map((i) => i.InstanceId).filter((id): id is string => typeof id === 'string');
  if (ids.length === 0) {
    const tags = Object.entries(spec.targets.tags)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    throw new NoTargetsError(`no running instance is tagged ${tags}; nothing to inject into`);
  }
  const selected = selectTargets(ids, spec.targets.selection, random);
  if (selected.length === 0) {
    throw new NoTargetsError(
      `selection ${spec.targets.selection} picks none of the ${ids.length} running instance(s); nothing to inject into`,
    );
  }
  return selected;
}

/** Throws {@link PreviousFaultRunningError} naming every unfinished fault of the run's other experiments. */
async function requireNoPreviousFault(input: StartFaultInput, runtime: Runtime): Promise<void> {
  const unfinished = await findUnfinishedFaults(input.run, input.plan, runtime);
  if (unfinished.length === 0) return;
  const list = unfinished.map((f) => `${f.kind} ${f.id} of ${f.experiment} (${f.state})`).join(', ');
  // The fault ids first: the workflow's advice keeps only the first 200 characters of the cause.
  throw new PreviousFaultRunningError(
    `earlier fault not ended: ${list}; not injecting ${input.plan.name} on top of it (run ${input.run.runId}). Stop it by hand and check its targets before running again.`,
  );
}

/**
 * Seconds to wait before each extra ListCommands when a retried start finds no command yet: 3 more
 * listings over about 6 s, since ListCommands is eventually consistent and SendCommand has no
 * idempotency token.
 */
export const RELIST_DELAYS_SECONDS: readonly number[] = [1, 2, 3];

/**
 * Run+experiment keys (`<runId>/<experiment>`) for which StartFault called SendCommand without
 * seeing its own invocation end with an answer, kept per SSM client: per Lambda container in
 * production (the client is built once), per rehearsal or test (each builds its own clients).
 */
const sendAttempts = new WeakMap<object, Set<string>>();

function attemptsOf(runtime: Runtime): Set<string> {
  const client = runtime.clients.ssm as object;
  let attempts = sendAttempts.get(client);
  if (!attempts) sendAttempts.set(client, (attempts = new Set()));
  return attempts;
}

/**
 * This run's commands for this experiment (one per chunk of targets), if any were sent. When this
 * container already tried to send them (a retried StartFault after SendCommand may have been
 * accepted), an empty listing is not trusted: it is repeated after {@link RELIST_DELAYS_SECONDS}.
 *
 * Trade-off: a first start is not slowed (it lists once), but a retry that lands on another container
 * within ListCommands' consistency delay of an accepted SendCommand can still send twice. The retried
 * errors (ThrottledError, TransientError) are thrown by this code in a container that stays warm, and
 * only one run executes at a time, so a retry nearly always reaches the same container.
 */
async function findOwnCommands(
  input: StartFaultInput,
  documentName: string,
  retried: boolean,
  runtime: Runtime,
): Promise<RunCommand[]> {
  const comment = faultComment(input.run.runId, input.plan.name);
  const list = () => findRunCommands(documentName, input.run.startedAt, (c) => c === comment, runtime);
  let found = await list();
  if (found.length > 0 || !retried) return found;
  for (const seconds of RELIST_DELAYS_SECONDS) {
    await sleep(seconds);
    found = await list();
    if (found.length > 0) return found;
  }
  return [];
}

/** One command sent (or found) for an SSM fault. */
interface SentCommand {
  readonly id: string;
  readonly targets: readonly string[];
  readonly requestedAt?: Date;
}

/** The SSM fault made of its commands (ids in the order sent, targets of all of them). */
function ssmFaultRef(commands: readonly SentCommand[], state: FaultState, runtime: Runtime): FaultRef {
  const first = commands[0];
  if (!first) throw new FaultStartError('internal: an SSM fault without a command');
  const requested = commands.map((c) => c.requestedAt?.getTime()).filter((t): t is number => t !== undefined);
  return {
    kind: 'ssm',
    id: first.id,
    commandIds: commands.map((c) => c.id),
    startedAt: (requested.length > 0 ? new Date(Math.min(...requested)) : runtime.now()).toISOString(),
    state,
    targets: commands.flatMap((c) => c.targets),
    dryRun: false,
  };
}

async function startSsm(input: StartFaultInput, runtime: Runtime): Promise<FaultRef> {
  const { run, plan } = input;
  if (plan.fault.kind !== 'ssm') throw new FaultStartError('internal: startSsm on a non-SSM plan');
  const { cpuStress, documentName } = plan.fault;
  // Picked with a generator seeded by run and experiment: a retried start picks the same instances.
  const targets = await resolveTargets(cpuStress, runtime, seededRandom(`${run.runId}/${plan.name}`));
  if (run.dryRun) {
    return {
      kind: 'ssm',
      id: `dry-run:${run.runId}`,
      startedAt: runtime.now().toISOString(),
      state: 'dry-run',
      targets,
      dryRun: true,
    };
  }
  const attempts = attemptsOf(runtime);
  const key = `${run.runId}/${plan.name}`;
  // An earlier attempt may have sent the commands already. It was cut short after some chunks only if
  // every command it sent is a full chunk of 50 and targets remain: then only those are sent (never
  // more than the blast radius). Otherwise its commands are the fault, as they are.
  const sent: SentCommand[] = (await findOwnCommands(input, documentName, attempts.has(key), runtime)).map(
    (c) => ({ id: c.id, targets: c.targets, ...(c.requestedAt ? { requestedAt: c.requestedAt } : {}) }),
  );
  const covered = new Set(sent.flatMap((c) => c.targets));
  const remaining = targets
    .filter((id) => !covered.has(id))
    .slice(0, Math.max(0, targets.length - covered.size));
  const cutShort = remaining.length > 0 && sent.every((c) => c.targets.length === SSM_MAX_INSTANCE_IDS);
  if (sent.length > 0 && !cutShort) {
    attempts.delete(key);
    return ssmFaultRef(sent, 'running', runtime);
  }
  attempts.add(key);
  for (const chunk of instanceIdChunks(remaining)) {
    const answer = await awsCall('ssm:SendCommand', () =>
      runtime.clients.ssm.send(
        new SendCommandCommand({
          DocumentName: documentName,
          InstanceIds: chunk,
          Comment: faultComment(run.runId, plan.name),
          Parameters: ssmCommandParameters(cpuStress),
        }),
      ),
    );
    const id = answer.Command?.CommandId;
    if (!id) throw new FaultStartError(`SSM SendCommand returned no command id for ${plan.name}`);
    sent.push({
      id,
      targets: chunk,
      ...(answer.Command?.RequestedDateTime ? { requestedAt: answer.Command.RequestedDateTime } : {}),
    });
  }
  attempts.delete(key);
  return ssmFaultRef(sent, covered.size > 0 ? 'running' : 'pending', runtime);
}

/**
 * Starts the fault: a FIS experiment from the plan's template (client token and tags from the run
 * id; `actionsMode: skip-all` in a dry run, verified in FIS's answer) or SSM
 * `AWSFIS-Run-CPU-Stress` commands to the tagged instances with the blast radius applied, one per chunk
 * of at most 50 instances (SendCommand's limit; a dry run only resolves the targets). First refuses ({@link PreviousFaultRunningError}) while a fault of
 * another experiment of the same run has not ended.
 */
export async function startFault(input: StartFaultInput, runtime: Runtime): Promise<FaultRef> {
  await requireNoPreviousFault(input, runtime);
  return input.plan.fault.kind === 'fis' ? startFis(input, runtime) : startSsm(input, runtime);
}

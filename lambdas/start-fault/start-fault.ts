import { createHash } from 'node:crypto';
import { DescribeInstancesCommand, type Instance } from '@aws-sdk/client-ec2';
import {
  StartExperimentCommand,
  type StartExperimentCommandInput,
  type StartExperimentCommandOutput,
} from '@aws-sdk/client-fis';
import { ListCommandsCommand, SendCommandCommand } from '@aws-sdk/client-ssm';
import type { BuildHandlerArguments, BuildMiddleware } from '@smithy/types';
import type { Runtime } from '../shared/aws';
import { awsCall } from '../shared/errors';
import type { CpuStressSpec, ExperimentPlan, FaultRef, FaultState, RunContext } from '../shared/types';

/** Tag key carrying the run id on every FIS experiment the workflow starts. */
export const RUN_ID_TAG = 'chaos-cadence:run-id';
/** Tag key carrying the experiment name on every FIS experiment the workflow starts. */
export const EXPERIMENT_TAG = 'chaos-cadence:experiment';
/** Prefix of the SSM command comment, followed by the run id and the experiment name. */
export const COMMENT_PREFIX = 'chaos-cadence:';

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
 * The FIS client token for one experiment of one run: the same on every retry, so FIS starts the
 * experiment once however often StartFault is retried (<= 64 characters).
 */
export function clientToken(runId: string, experimentName: string): string {
  return createHash('sha256').update(`${runId}/${experimentName}`).digest('hex').slice(0, 64);
}

/** The SSM command comment that identifies a run's command (SSM allows 100 characters). */
export function faultComment(runId: string, experimentName: string): string {
  return `${COMMENT_PREFIX}${runId}:${experimentName}`.slice(0, 100);
}

/** The comment prefix shared by every SSM command of a run. */
export function runCommentPrefix(runId: string): string {
  return `${COMMENT_PREFIX}${runId}:`;
}

/** FIS and SSM states in the workflow's vocabulary (FIS `cancelled` is newer than the SDK's enum). */
export function toFaultState(status: string | undefined): FaultState {
  switch (status) {
    case 'pending':
    case 'initiating':
    case 'running':
    case 'completed':
    case 'stopping':
    case 'stopped':
    case 'failed':
    case 'cancelled':
      return status;
    default:
      return 'pending';
  }
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

/** The running instances carrying every target tag, with the blast radius applied. */
export async function resolveTargets(spec: CpuStressSpec, runtime: Runtime): Promise<string[]> {
  const instances: Instance[] = [];
  let nextToken: string | undefined;
  do {
    const answer = await awsCall('ec2:DescribeInstances', () =>
      runtime.clients.ec2.send(
        new DescribeInstancesCommand({
          Filters: [
            ...Object.entries(spec.targets.tags).map(([key, value]) => ({
              Name: `tag:${key}`,
              Values: [value],
            })),
            { Name: 'instance-state-name', Values: ['running'] },
          ],
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      ),
    );
    for (const reservation of answer.Reservations ?? []) instances.push(...(reservation.Instances ?? []));
    nextToken = answer.NextToken;
  } while (nextToken);
  const ids = instances.map((i) => i.InstanceId).filter((id): id is string => typeof id === 'string');
  if (ids.length === 0) {
    const tags = Object.entries(spec.targets.tags)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    throw new NoTargetsError(`no running instance is tagged ${tags}; nothing to inject into`);
  }
  const selected = selectTargets(ids, spec.targets.selection);
  if (selected.length === 0) {
    throw new NoTargetsError(
      `selection ${spec.targets.selection} picks none of the ${ids.length} running instance(s); nothing to inject into`,
    );
  }
  return selected;
}

/** Finds the SSM command this run already sent for this experiment (a retried StartFault). */
export async function findRunCommands(
  documentName: string,
  since: string,
  matches: (comment: string) => boolean,
  runtime: Runtime,
): Promise<{ id: string; targets: string[]; requestedAt?: Date; status?: string }[]> {
  const found: { id: string; targets: string[]; requestedAt?: Date; status?: string }[] = [];
  let nextToken: string | undefined;
  do {
    const answer = await awsCall('ssm:ListCommands', () =>
      runtime.clients.ssm.send(
        new ListCommandsCommand({
          Filters: [
            { key: 'DocumentName', value: documentName },
            { key: 'InvokedAfter', value: new Date(Date.parse(since) - 60_000).toISOString() },
          ],
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      ),
    );
    for (const command of answer.Commands ?? []) {
      if (command.CommandId && matches(command.Comment ?? '')) {
        found.push({
          id: command.CommandId,
          targets: command.InstanceIds ?? [],
          ...(command.RequestedDateTime ? { requestedAt: command.RequestedDateTime } : {}),
          ...(command.Status ? { status: command.Status } : {}),
        });
      }
    }
    nextToken = answer.NextToken;
  } while (nextToken);
  return found;
}

async function startSsm(input: StartFaultInput, runtime: Runtime): Promise<FaultRef> {
  const { run, plan } = input;
  if (plan.fault.kind !== 'ssm') throw new FaultStartError('internal: startSsm on a non-SSM plan');
  const { cpuStress, documentName } = plan.fault;
  const targets = await resolveTargets(cpuStress, runtime);
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
  const comment = faultComment(run.runId, plan.name);
  const [existing] = await findRunCommands(documentName, run.startedAt, (c) => c === comment, runtime);
  if (existing) {
    return {
      kind: 'ssm',
      id: existing.id,
      startedAt: (existing.requestedAt ?? runtime.now()).toISOString(),
      state: 'running',
      targets: existing.targets,
      dryRun: false,
    };
  }
  const answer = await awsCall('ssm:SendCommand', () =>
    runtime.clients.ssm.send(
      new SendCommandCommand({
        DocumentName: documentName,
        InstanceIds: targets,
        Comment: comment,
        Parameters: {
          DurationSeconds: [String(cpuStress.durationSeconds)],
          CPU: [String(cpuStress.cores)],
          LoadPercent: [String(cpuStress.loadPercent)],
          InstallDependencies: [cpuStress.installDependencies ? 'True' : 'False'],
        },
      }),
    ),
  );
  const id = answer.Command?.CommandId;
  if (!id) throw new FaultStartError(`SSM SendCommand returned no command id for ${plan.name}`);
  return {
    kind: 'ssm',
    id,
    startedAt: (answer.Command?.RequestedDateTime ?? runtime.now()).toISOString(),
    state: 'pending',
    targets,
    dryRun: false,
  };
}

/**
 * Starts the fault: a FIS experiment from the plan's template (client token and tags from the run
 * id; `actionsMode: skip-all` in a dry run) or an SSM `AWSFIS-Run-CPU-Stress` command to the tagged
 * instances with the blast radius applied (a dry run only resolves the targets).
 */
export function startFault(input: StartFaultInput, runtime: Runtime): Promise<FaultRef> {
  return input.plan.fault.kind === 'fis' ? startFis(input, runtime) : startSsm(input, runtime);
}

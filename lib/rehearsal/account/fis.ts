import * as fisSdk from '@aws-sdk/client-fis';
import {
  DEFAULT_SAFETY_LEVER_ID,
  GetSafetyLeverCommand,
  UpdateSafetyLeverStateCommand,
} from '../../../lambdas/shared/fis-safety-lever';
import { resolveAt, type Route, type ServiceContext } from './context';
import { serviceError } from './errors';

/** A FIS experiment template the deployment would have created. */
export interface SimulatedFisTemplate {
  /** How long its action runs (the plan's fault duration). */
  readonly durationSeconds: number;
  /** Tags of the targeted instances (to list targets). */
  readonly targetTags?: Readonly<Record<string, string>>;
  readonly description?: string;
}

/** A FIS experiment started in the simulated account. */
export interface SimulatedExperiment {
  readonly id: string;
  readonly templateId: string;
  readonly clientToken?: string;
  readonly startMs: number;
  readonly durationSeconds: number;
  readonly dryRun: boolean;
  readonly tags: Record<string, string>;
  stopRequestedMs?: number;
}

/** The simulated FIS: its routes and the experiments started. */
export interface SimulatedFis {
  readonly routes: Route[];
  readonly experiments: SimulatedExperiment[];
}

/** FIS's answer for an experiment's state at a time. */
interface ExperimentState {
  readonly status: string;
  readonly reason: string;
  readonly endMs?: number;
}

const END_REASONS: Readonly<Record<string, string>> = {
  completed: 'Experiment completed.',
  failed: 'Experiment failed: action cpu-stress failed (aws:ssm:send-command returned Failed).',
  cancelled: 'Experiment cancelled.',
  stopped: 'Experiment stopped by a stop condition.',
};

/** A FIS action's status while its experiment is in `status`. */
function actionStatus(status: string): string {
  switch (status) {
    case 'pending':
    case 'initiating':
      return 'pending';
    case 'running':
      return 'running';
    default:
      return status;
  }
}

/** The running instances carrying every tag (what a template's target resolves to). */
export function matchingInstances(
  ctx: ServiceContext,
  tags: Readonly<Record<string, string>> | undefined,
): string[] {
  return ctx.scenario.instances
    .filter((i) => i.state === 'running')
    .filter((i) => Object.entries(tags ?? {}).every(([k, v]) => i.tags[k] === v))
    .map((i) => i.id);
}

/**
 * AWS Fault Injection Service: experiments start from the deployment's templates and pass through
 * pending, initiating and running to the scenario's end (`fis.end`, at `fis.at` or after the action's
 * duration); a stop takes 5 s; `skip-all` runs are dry runs that inject nothing. Also the account's
 * safety lever (from the scenario's `preflight.safetyLever`).
 */
export function simulatedFis(
  ctx: ServiceContext,
  templates: Readonly<Record<string, SimulatedFisTemplate>> = {},
): SimulatedFis {
  const { scenario, region, account, partition } = ctx;
  const experiments: SimulatedExperiment[] = [];
  const experimentArn = (id: string): string => `arn:${partition}:fis:${region}:${account}:experiment/${id}`;
  const templateArn = (id: string): string =>
    `arn:${partition}:fis:${region}:${account}:experiment-template/${id}`;

  const experimentStatus = (exp: SimulatedExperiment, atMs: number): ExperimentState => {
    if (exp.stopRequestedMs !== undefined) {
      const stoppedMs = exp.stopRequestedMs + 5000;
      return atMs < stoppedMs
        ? { status: 'stopping', reason: 'Stopping Experiment.' }
        : { status: 'stopped', reason: 'Experiment stopped.', endMs: stoppedMs };
    }
    if (atMs < exp.startMs + 1000) return { status: 'pending', reason: 'Experiment is pending.' };
    if (atMs < exp.startMs + 2000) return { status: 'initiating', reason: 'Experiment is initiating.' };
    if (exp.dryRun) {
      const endMs = exp.startMs + 5000;
      return atMs < endMs
        ? { status: 'running', reason: 'Experiment is running (actions skipped).' }
        : { status: 'completed', reason: 'Experiment completed (actions skipped).', endMs };
    }
    const scheduledEnd = scenario.fis.at ? resolveAt(ctx, scenario.fis.at, exp.startMs) : undefined;
    const endMs = scheduledEnd ?? exp.startMs + 2000 + exp.durationSeconds * 1000;
    if (atMs < endMs) return { status: 'running', reason: 'Experiment is running.' };
    return {
      status: scenario.fis.end,
      reason: scenario.fis.reason ?? END_REASONS[scenario.fis.end] ?? '',
      endMs,
    };
  };

  const describeExperiment = (exp: SimulatedExperiment): object => {
    const state = experimentStatus(exp, ctx.now());
    const template = templates[exp.templateId];
    return {
      id: exp.id,
      arn: experimentArn(exp.id),
      experimentTemplateId: exp.templateId,
      state: { status: state.status, reason: state.reason },
      startTime: new Date(exp.startMs),
      creationTime: new Date(exp.startMs),
      ...(state.endMs !== undefined ? { endTime: new Date(state.endMs) } : {}),
      // As the template defines them (FIS answers the target definition, not the resolved instances).
      targets: {
        Instances: {
          resourceType: 'aws:ec2:instance',
          resourceTags: { ...(template?.targetTags ?? {}) },
          selectionMode: 'ALL',
        },
      },
      actions: {
        'cpu-stress': {
          actionId: 'aws:ssm:send-command',
          state: { status: exp.dryRun ? 'skipped' : actionStatus(state.status), reason: state.reason },
        },
      },
      experimentOptions: { actionsMode: exp.dryRun ? 'skip-all' : 'run-all' },
      tags: exp.tags,
    };
  };

  const findExperiment = (id: string | undefined): SimulatedExperiment => {
    const exp = experiments.find((e) => e.id === id);
    if (!exp) throw serviceError('fis', 'ResourceNotFoundException', `Experiment ${String(id)} not found.`);
    return exp;
  };

  // FIS's safety lever (GetSafetyLever, UpdateSafetyLeverState): client-fis 3.523 predates them, so
  // they are the signed-request commands of fis-safety-lever.ts, answered here like any FIS call.
  const lever: { status: string; reason?: string } = { ...scenario.preflight.safetyLever };
  const leverOutput = (): object => ({
    safetyLever: {
      id: DEFAULT_SAFETY_LEVER_ID,
      arn: `arn:${partition}:fis:${region}:${account}:safety-lever/${DEFAULT_SAFETY_LEVER_ID}`,
      state: { status: lever.status, ...(lever.reason !== undefined ? { reason: lever.reason } : {}) },
    },
  });
  const checkLeverId = (id: string): void => {
    if (id !== DEFAULT_SAFETY_LEVER_ID) {
      throw serviceError('fis', 'ResourceNotFoundException', `Safety lever ${id} not found`);
    }
  };

  const routes: Route[] = [
    {
      command: GetSafetyLeverCommand,
      name: 'GetSafetyLever',
      handle: (input: { id: string }) => {
        checkLeverId(input.id);
        return leverOutput();
      },
    },
    {
      command: UpdateSafetyLeverStateCommand,
      name: 'UpdateSafetyLeverState',
      handle: (input: { id: string; state: { status: string; reason: string } }) => {
        checkLeverId(input.id);
        // Engaging takes a moment in AWS; the next read sees it engaged.
        lever.status = input.state.status === 'engaged' ? 'engaging' : 'disengaged';
        lever.reason = input.state.reason;
        const answer = leverOutput();
        if (lever.status === 'engaging') lever.status = 'engaged';
        return answer;
      },
    },
    {
      command: fisSdk.ListExperimentResolvedTargetsCommand,
      name: 'ListExperimentResolvedTargets',
      handle: (input: fisSdk.ListExperimentResolvedTargetsCommandInput) => {
        const exp = findExperiment(input.experimentId);
        const template = templates[exp.templateId];
        const resolved = experimentStatus(exp, ctx.now()).status !== 'pending';
        return {
          resolvedTargets: resolved
            ? matchingInstances(ctx, template?.targetTags).map((id) => ({
                resourceType: 'aws:ec2:instance',
                targetName: 'Instances',
                // A string-to-string map (FIS API reference, ResolvedTarget); an EC2 target carries its ARN
                // under `arn` (getmoto/moto moto/fis/models.py ResolvedTarget.to_dict).
                targetInformation: { arn: `arn:${partition}:ec2:${region}:${account}:instance/${id}` },
              }))
            : [],
        };
      },
    },
    {
      command: fisSdk.StartExperimentCommand,
      name: 'StartExperiment',
      handle: (input: fisSdk.StartExperimentCommandInput) => {
        if (input.clientToken) {
          const existing = experiments.find((e) => e.clientToken === input.clientToken);
          if (existing) {
            if (existing.templateId !== input.experimentTemplateId) {
              throw serviceError(
                'fis',
                'ConflictException',
                'The client token was already used with other parameters.',
              );
            }
            return { experiment: describeExperiment(existing) };
          }
        }
        const template = input.experimentTemplateId ? templates[input.experimentTemplateId] : undefined;
        if (!template || !input.experimentTemplateId) {
          throw serviceError(
            'fis',
            'ResourceNotFoundException',
            `Experiment template ${String(input.experimentTemplateId)} not found.`,
          );
        }
        // client-fis 3.523 does not model experimentOptions; the start-fault core sends it anyway.
        const extra = input as { experimentOptions?: { actionsMode?: string } };
        const dryRun = extra.experimentOptions?.actionsMode === 'skip-all';
        const exp: SimulatedExperiment = {
          id: ctx.nextId('EXPrehearsal', 6),
          templateId: input.experimentTemplateId,
          ...(input.clientToken !== undefined ? { clientToken: input.clientToken } : {}),
          startMs: ctx.now(),
          durationSeconds: template.durationSeconds,
          dryRun,
          tags: { ...(input.tags ?? {}) },
        };
        experiments.push(exp);
        if (!dryRun) ctx.faultStarted(exp.startMs);
        return { experiment: describeExperiment(exp) };
      },
    },
    {
      command: fisSdk.GetExperimentCommand,
      name: 'GetExperiment',
      handle: (input: fisSdk.GetExperimentCommandInput) => ({
        experiment: describeExperiment(findExperiment(input.id)),
      }),
    },
    {
      command: fisSdk.StopExperimentCommand,
      name: 'StopExperiment',
      handle: (input: fisSdk.StopExperimentCommandInput) => {
        const exp = findExperiment(input.id);
        const { status } = experimentStatus(exp, ctx.now());
        if (['completed', 'stopped', 'failed', 'cancelled'].includes(status)) {
          // FIS refuses to stop an experiment that has ended.
          throw serviceError(
            'fis',
            'ValidationException',
            `Experiment ${exp.id} cannot be stopped because it is in the ${status} state.`,
          );
        }
        if (status !== 'stopping') exp.stopRequestedMs = ctx.now();
        return { experiment: describeExperiment(exp) };
      },
    },
    {
      command: fisSdk.ListExperimentsCommand,
      name: 'ListExperiments',
      // Newer FIS APIs filter by experimentTemplateId; the pinned client lacks the field.
      handle: (input: fisSdk.ListExperimentsCommandInput & { experimentTemplateId?: string }) => ({
        experiments: experiments
          .filter((e) => !input.experimentTemplateId || e.templateId === input.experimentTemplateId)
          .map((e) => {
            const described = describeExperiment(e) as { state: object };
            return {
              id: e.id,
              arn: experimentArn(e.id),
              experimentTemplateId: e.templateId,
              state: described.state,
              creationTime: new Date(e.startMs),
              tags: e.tags,
            };
          }),
      }),
    },
    {
      command: fisSdk.GetExperimentTemplateCommand,
      name: 'GetExperimentTemplate',
      handle: (input: fisSdk.GetExperimentTemplateCommandInput) => {
        const template = input.id ? templates[input.id] : undefined;
        if (!template || !input.id) {
          throw serviceError(
            'fis',
            'ResourceNotFoundException',
            `Experiment template ${String(input.id)} not found.`,
          );
        }
        return {
          experimentTemplate: {
            id: input.id,
            arn: templateArn(input.id),
            description: template.description ?? 'chaos-cadence rehearsal template',
            roleArn: `arn:${partition}:iam::${account}:role/ChaosCadence-fis-${input.id}`,
            actions: {
              'cpu-stress': {
                actionId: 'aws:ssm:send-command',
                parameters: { duration: `PT${template.durationSeconds}S` },
                targets: { Instances: 'Instances' },
              },
            },
            targets: {
              Instances: {
                resourceType: 'aws:ec2:instance',
                resourceTags: template.targetTags ?? {},
                selectionMode: 'ALL',
              },
            },
            stopConditions: [{ source: 'none' }],
          },
        };
      },
    },
    {
      command: fisSdk.TagResourceCommand,
      name: 'TagResource',
      handle: (input: fisSdk.TagResourceCommandInput) => {
        const id = input.resourceArn?.split('/').pop();
        const exp = experiments.find((e) => e.id === id);
        if (exp) Object.assign(exp.tags, input.tags ?? {});
        return {};
      },
    },
  ];
  return { routes, experiments };
}

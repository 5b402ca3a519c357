import * as ssmSdk from '@aws-sdk/client-ssm';
import { SSM_MAX_INSTANCE_IDS } from '../../../lambdas/shared/fault-ref';
import { isoAt, resolveAt, type Route, type ServiceContext } from './context';
import { serviceError, validationError } from './errors';

/** An SSM Run Command sent in the simulated account. */
export interface SimulatedCommand {
  readonly id: string;
  readonly documentName: string;
  readonly comment?: string;
  readonly instanceIds: readonly string[];
  readonly parameters: Readonly<Record<string, readonly string[]>>;
  readonly startMs: number;
  readonly durationSeconds: number;
  cancelRequestedMs?: number;
}

/** The simulated SSM: its routes and the commands sent. */
export interface SimulatedSsm {
  readonly routes: Route[];
  readonly commands: SimulatedCommand[];
}

/** SSM command ids are UUIDs: 36 characters (the model's CommandId min and max). */
const COMMAND_ID_LENGTH = 36;

/** The format SSM documents for the `InvokedAfter`/`InvokedBefore` filters: `2026-12-01T09:00:00Z`. */
const SSM_FILTER_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** A ListCommands time filter value, refused unless it has the documented second precision. */
function ssmFilterTimeValue(value: string): string {
  if (!SSM_FILTER_TIME.test(value)) {
    throw serviceError(
      'ssm',
      'InvalidFilterValue',
      `ListCommands time filters take a timestamp such as 2026-12-01T09:00:00Z (got ${value}).`,
    );
  }
  return value;
}

/**
 * AWS Systems Manager: Parameter Store (the kill switch's timeline, then what the run puts), the
 * change calendar, Run Command (commands run on their targets for the document's DurationSeconds and
 * end as the scenario's `ssm.end` says) and the reads of the preflight (managed instances, documents).
 */
export function simulatedSsm(ctx: ServiceContext): SimulatedSsm {
  const { scenario, settings, region, account, partition } = ctx;
  const pre = scenario.preflight;
  const commands: SimulatedCommand[] = [];
  const parameterPuts = new Map<string, { value: string; type: string; atMs: number }[]>();

  const parameterValue = (name: string): { value: string; atMs: number; version: number } | undefined => {
    let best: { value: string; atMs: number; version: number } | undefined;
    let version = 0;
    if (name === settings.killSwitchParameter && scenario.killSwitch) {
      const entries = scenario.killSwitch
        .map((e) => ({ value: e.value, atMs: resolveAt(ctx, e.at) }))
        .filter((e): e is { value: string; atMs: number } => e.atMs !== undefined && e.atMs <= ctx.now())
        .sort((a, b) => a.atMs - b.atMs);
      for (const e of entries) {
        version += 1;
        best = { ...e, version };
      }
    }
    for (const put of parameterPuts.get(name) ?? []) {
      if (put.atMs > ctx.now()) continue;
      version += 1;
      if (!best || put.atMs >= best.atMs) best = { value: put.value, atMs: put.atMs, version };
    }
    return best ? { ...best, version } : undefined;
  };

  const commandStatus = (cmd: SimulatedCommand, atMs: number): string => {
    if (cmd.cancelRequestedMs !== undefined) {
      return atMs < cmd.cancelRequestedMs + 3000 ? 'Cancelling' : 'Cancelled';
    }
    if (atMs < cmd.startMs + 1000) return 'Pending';
    const scheduledEnd = scenario.ssm.at ? resolveAt(ctx, scenario.ssm.at, cmd.startMs) : undefined;
    const endMs = scheduledEnd ?? cmd.startMs + 2000 + cmd.durationSeconds * 1000;
    return atMs < endMs ? 'InProgress' : scenario.ssm.end;
  };

  const findCommand = (id: string | undefined): SimulatedCommand => {
    if (id !== undefined && id.length !== COMMAND_ID_LENGTH) {
      // A command id is a 36-character UUID; SSM rejects any other length before looking it up.
      throw validationError(
        'ssm',
        id,
        'commandId',
        `Member must have length ${id.length < COMMAND_ID_LENGTH ? 'greater' : 'less'} than or equal to ${COMMAND_ID_LENGTH}`,
      );
    }
    const cmd = commands.find((c) => c.id === id);
    if (!cmd) throw serviceError('ssm', 'InvalidCommandId', `Command ${String(id)} not found.`);
    return cmd;
  };

  const describeCommand = (cmd: SimulatedCommand): object => {
    const status = commandStatus(cmd, ctx.now());
    const done = ['Success', 'Failed', 'TimedOut', 'Cancelled'].includes(status);
    return {
      CommandId: cmd.id,
      DocumentName: cmd.documentName,
      ...(cmd.comment !== undefined ? { Comment: cmd.comment } : {}),
      Parameters: cmd.parameters,
      InstanceIds: cmd.instanceIds,
      RequestedDateTime: new Date(cmd.startMs),
      Status: status,
      StatusDetails: status,
      TargetCount: cmd.instanceIds.length,
      CompletedCount: done ? cmd.instanceIds.length : 0,
      ErrorCount: status === 'Failed' || status === 'TimedOut' ? cmd.instanceIds.length : 0,
    };
  };

  const targetedInstances = (targets: readonly ssmSdk.Target[]): string[] =>
    scenario.instances
      .filter((i) => i.state === 'running')
      .filter((i) =>
        targets.every((t) => {
          if (t.Key === 'InstanceIds') return (t.Values ?? []).includes(i.id);
          if (t.Key?.startsWith('tag:')) {
            const value = i.tags[t.Key.slice(4)];
            return value !== undefined && (t.Values ?? []).includes(value);
          }
          return false;
        }),
      )
      .map((i) => i.id);

  const routes: Route[] = [
    {
      command: ssmSdk.GetParameterCommand,
      name: 'GetParameter',
      handle: (input: ssmSdk.GetParameterCommandInput) => {
        const name = input.Name ?? '';
        const found = parameterValue(name);
        if (!found) throw serviceError('ssm', 'ParameterNotFound', `Parameter ${name} not found.`);
        return {
          Parameter: {
            Name: name,
            Type: 'String',
            Value: found.value,
            Version: found.version,
            LastModifiedDate: new Date(found.atMs),
            ARN: `arn:${partition}:ssm:${region}:${account}:parameter${name.startsWith('/') ? '' : '/'}${name}`,
            DataType: 'text',
          },
        };
      },
    },
    {
      command: ssmSdk.PutParameterCommand,
      name: 'PutParameter',
      handle: (input: ssmSdk.PutParameterCommandInput) => {
        const name = input.Name ?? '';
        const existing = parameterValue(name);
        if (existing && !input.Overwrite) {
          throw serviceError('ssm', 'ParameterAlreadyExists', `The parameter ${name} already exists.`);
        }
        const puts = parameterPuts.get(name) ?? [];
        puts.push({ value: input.Value ?? '', type: input.Type ?? 'String', atMs: ctx.now() });
        parameterPuts.set(name, puts);
        ctx.eventBus?.parameterWritten(name, ctx.now());
        return { Version: (existing?.version ?? 0) + 1, Tier: 'Standard' };
      },
    },
    {
      command: ssmSdk.GetCalendarStateCommand,
      name: 'GetCalendarState',
      handle: (input: ssmSdk.GetCalendarStateCommandInput) => ({
        // A state at a later time (the preflight asks about the next run) may differ from now's.
        State:
          input.AtTime !== undefined && Date.parse(input.AtTime) > ctx.now()
            ? (pre.changeCalendarAtNextRun ?? scenario.changeCalendar)
            : scenario.changeCalendar,
        AtTime: input.AtTime ?? isoAt(ctx.now()),
      }),
    },
    {
      command: ssmSdk.SendCommandCommand,
      name: 'SendCommand',
      handle: (input: ssmSdk.SendCommandCommandInput) => {
        const instanceIds =
          input.Targets && input.Targets.length > 0
            ? targetedInstances(input.Targets)
            : (input.InstanceIds ?? []);
        if ((input.InstanceIds ?? []).length > SSM_MAX_INSTANCE_IDS) {
          // SSM checks the model's constraints first: InstanceIds is a list of at most 50.
          throw validationError(
            'ssm',
            input.InstanceIds,
            'instanceIds',
            `Member must have length less than or equal to ${SSM_MAX_INSTANCE_IDS}`,
          );
        }
        if (instanceIds.length === 0) {
          throw serviceError('ssm', 'InvalidInstanceId', 'No instances match the command targets.');
        }
        const duration = Number(input.Parameters?.DurationSeconds?.[0] ?? '60');
        const cmd: SimulatedCommand = {
          id: ctx.nextUuid(),
          documentName: input.DocumentName ?? '',
          ...(input.Comment !== undefined ? { comment: input.Comment } : {}),
          instanceIds,
          parameters: input.Parameters ?? {},
          startMs: ctx.now(),
          durationSeconds: Number.isFinite(duration) ? duration : 60,
        };
        commands.push(cmd);
        ctx.faultStarted(cmd.startMs);
        return { Command: describeCommand(cmd) };
      },
    },
    {
      command: ssmSdk.ListCommandsCommand,
      name: 'ListCommands',
      handle: (input: ssmSdk.ListCommandsCommandInput) => {
        for (const filter of input.Filters ?? []) {
          if (filter.key === 'InvokedAfter' || filter.key === 'InvokedBefore') {
            ssmFilterTimeValue(filter.value ?? '');
          }
        }
        const matches = (cmd: SimulatedCommand): boolean =>
          (input.Filters ?? []).every((filter) => {
            const value = filter.value ?? '';
            switch (filter.key) {
              case 'DocumentName':
                return cmd.documentName === value;
              case 'InvokedAfter':
                return cmd.startMs >= Date.parse(ssmFilterTimeValue(value));
              case 'InvokedBefore':
                return cmd.startMs <= Date.parse(ssmFilterTimeValue(value));
              case 'Status':
                return commandStatus(cmd, ctx.now()) === value;
              default:
                throw serviceError(
                  'ssm',
                  'InvalidFilterKey',
                  `The simulated account does not support the filter ${String(filter.key)}.`,
                );
            }
          });
        const cmds = input.CommandId ? [findCommand(input.CommandId)] : commands.filter(matches);
        return { Commands: cmds.map(describeCommand) };
      },
    },
    {
      command: ssmSdk.ListCommandInvocationsCommand,
      name: 'ListCommandInvocations',
      handle: (input: ssmSdk.ListCommandInvocationsCommandInput) => {
        const cmds = input.CommandId ? [findCommand(input.CommandId)] : commands;
        return {
          CommandInvocations: cmds.flatMap((cmd) =>
            cmd.instanceIds
              .filter((id) => !input.InstanceId || id === input.InstanceId)
              .map((instanceId) => {
                const status = commandStatus(cmd, ctx.now());
                return {
                  CommandId: cmd.id,
                  InstanceId: instanceId,
                  DocumentName: cmd.documentName,
                  RequestedDateTime: new Date(cmd.startMs),
                  Status: status,
                  StatusDetails: status,
                };
              }),
          ),
        };
      },
    },
    {
      command: ssmSdk.CancelCommandCommand,
      name: 'CancelCommand',
      handle: (input: ssmSdk.CancelCommandCommandInput) => {
        const cmd = findCommand(input.CommandId);
        const status = commandStatus(cmd, ctx.now());
        // SSM accepts a cancel of a finished command and changes nothing.
        if (['Pending', 'InProgress'].includes(status)) cmd.cancelRequestedMs = ctx.now();
        return {};
      },
    },
    // Read by the preflight only.
    {
      command: ssmSdk.DescribeInstanceInformationCommand,
      name: 'DescribeInstanceInformation',
      handle: (input: ssmSdk.DescribeInstanceInformationCommandInput) => {
        const wanted = (input.Filters ?? []).find((f) => f.Key === 'InstanceIds')?.Values;
        const list = scenario.instances
          .filter((i) => !wanted || wanted.includes(i.id))
          .flatMap((instance) => {
            const agent = pre.agents[instance.id] ?? { pingStatus: 'Online', platform: 'Linux' };
            if (agent.pingStatus === 'unmanaged') return [];
            return [
              {
                InstanceId: instance.id,
                PingStatus: agent.pingStatus,
                LastPingDateTime: new Date(ctx.now() - (agent.pingStatus === 'Online' ? 60_000 : 86_400_000)),
                AgentVersion: '3.3.1142.0',
                IsLatestVersion: true,
                PlatformType: agent.platform,
                PlatformName: agent.platform === 'Linux' ? 'Amazon Linux' : agent.platform,
                PlatformVersion: agent.platform === 'Linux' ? '2023' : '10',
                ResourceType: 'EC2Instance',
                IPAddress: '10.0.0.10',
                ComputerName: `${instance.id}.${region}.compute.internal`,
              },
            ];
          });
        return { InstanceInformationList: list };
      },
    },
    {
      command: ssmSdk.DescribeDocumentCommand,
      name: 'DescribeDocument',
      handle: (input: ssmSdk.DescribeDocumentCommandInput) => {
        const name = input.Name ?? '';
        if (pre.missingDocuments.includes(name)) {
          throw serviceError('ssm', 'InvalidDocument', 'The specified document does not exist.');
        }
        return {
          Document: {
            Name: name,
            Owner: 'Amazon',
            DocumentType: 'Command',
            DocumentFormat: 'YAML',
            SchemaVersion: '2.2',
            Status: 'Active',
            DocumentVersion: '1',
            LatestVersion: '1',
            DefaultVersion: '1',
            PlatformTypes: ['Linux'],
            CreatedDate: new Date('2021-03-15T00:00:00Z'),
          },
        };
      },
    },
  ];
  return { routes, commands };
}

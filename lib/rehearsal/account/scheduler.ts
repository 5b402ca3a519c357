import * as schedulerSdk from '@aws-sdk/client-scheduler';
import type { Route, ServiceContext } from './context';
import { serviceError } from './errors';

/** A deployed schedule the simulated Scheduler knows, by name. */
export interface SimulatedSchedule {
  readonly group: string;
  readonly expression: string;
  readonly timeZone: string;
}

/**
 * Amazon EventBridge Scheduler (read by the preflight): the deployment's schedules, `ENABLED` unless
 * the scenario's `preflight.schedules` says `DISABLED` or `missing` for their cadence group.
 */
export function simulatedScheduler(
  ctx: ServiceContext,
  schedules: Readonly<Record<string, SimulatedSchedule>> = {},
): { readonly routes: Route[] } {
  const { scenario, region, account, partition } = ctx;
  const routes: Route[] = [
    {
      command: schedulerSdk.GetScheduleCommand,
      name: 'GetSchedule',
      handle: (input: schedulerSdk.GetScheduleCommandInput) => {
        const name = input.Name ?? '';
        const schedule = schedules[name];
        const state = schedule ? (scenario.preflight.schedules[schedule.group] ?? 'ENABLED') : 'missing';
        if (!schedule || state === 'missing') {
          throw serviceError('scheduler', 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
        }
        const groupName = input.GroupName ?? 'default';
        const created = new Date(ctx.runStartMs - 30 * 86_400_000);
        return {
          Arn: `arn:${partition}:scheduler:${region}:${account}:schedule/${groupName}/${name}`,
          Name: name,
          GroupName: groupName,
          State: state,
          ScheduleExpression: schedule.expression,
          ScheduleExpressionTimezone: schedule.timeZone,
          FlexibleTimeWindow: { Mode: 'OFF' },
          CreationDate: created,
          LastModificationDate: created,
          Target: {
            Arn: `arn:${partition}:states:${region}:${account}:stateMachine:ChaosCadence-run-experiments`,
            RoleArn: `arn:${partition}:iam::${account}:role/ChaosCadence-schedule-${schedule.group}`,
            RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 3 },
          },
        };
      },
    },
  ];
  return { routes };
}

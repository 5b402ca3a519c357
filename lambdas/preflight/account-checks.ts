import { GetScheduleCommand } from '@aws-sdk/client-scheduler';
import { paginateListSubscriptionsByTopic, type Subscription } from '@aws-sdk/client-sns';
import { GetCalendarStateCommand, GetParameterCommand } from '@aws-sdk/client-ssm';
import { nextRuns, formatRun } from '../../lib/cadence/next-runs';
import { describeAllowedHours, isWithinAllowedHours } from '../shared/allowed-hours';
import { awsErrorName } from '../shared/errors';
import { DEFAULT_SAFETY_LEVER_ID, GetSafetyLeverCommand, sendSafetyLever } from '../shared/fis-safety-lever';
import type { ManifestGroup, PreflightManifest } from './manifest';
import type { PreflightCheck, PreflightDeps } from './report';

/** The command that flips the kill switch back off. */
export const RESUME_COMMAND = 'npx chaos-cadence resume';

/** Stack deployed and running the local config (CLI only). */
export async function checkStack(
  manifest: PreflightManifest,
  deps: PreflightDeps,
): Promise<PreflightCheck[]> {
  if (!deps.deployedConfigHash) return [];
  const deployed = await deps.deployedConfigHash();
  const local = manifest.configHash.slice(0, 12);
  if (deployed === undefined) {
    return [
      {
        id: 'stack',
        status: 'fail',
        detail: `stack ${manifest.stackName} has no ConfigHash output (deployed by an older chaos-cadence)`,
        fix: 'redeploy with `npx cdk deploy`',
      },
    ];
  }
  return deployed === manifest.configHash
    ? [
        {
          id: 'stack',
          status: 'ok',
          detail: `stack ${manifest.stackName} is deployed with this config (${local})`,
        },
      ]
    : [
        {
          id: 'stack',
          status: 'fail',
          detail: `drift: stack ${manifest.stackName} runs config ${deployed.slice(0, 12)}, the local config is ${local}; the next run uses the deployed one`,
          fix: 'deploy the local config with `npx cdk deploy` (or check out the deployed one)',
        },
      ];
}

/** The schedule is enabled; its next run is inside the allowed hours; the change calendar is OPEN then. */
export async function checkGroup(
  group: ManifestGroup,
  manifest: PreflightManifest,
  deps: PreflightDeps,
  nextRun: Date | undefined,
): Promise<PreflightCheck[]> {
  const checks: PreflightCheck[] = [];
  const id = `schedule:${group.group}`;
  try {
    const schedule = await deps.clients.scheduler.send(new GetScheduleCommand({ Name: group.scheduleName }));
    if (schedule.State !== 'ENABLED') {
      checks.push({
        id,
        status: 'fail',
        detail: `schedule ${group.scheduleName} is ${schedule.State ?? 'in an unknown state'}: no run will start`,
        fix: `set enabled: true on the ${group.group} cadence and run \`npx cdk deploy\``,
      });
    } else if (schedule.ScheduleExpression !== group.expression) {
      checks.push({
        id,
        status: 'warn',
        detail: `schedule ${group.scheduleName} is enabled but fires on ${schedule.ScheduleExpression ?? '?'}, not ${group.expression}`,
        fix: 'deploy the config with `npx cdk deploy`; the schedule was changed outside CloudFormation',
      });
    } else {
      checks.push({
        id,
        status: 'ok',
        detail: `schedule ${group.scheduleName} is enabled (${group.expression})`,
      });
    }
  } catch (error) {
    checks.push(
      awsErrorName(error) === 'ResourceNotFoundException'
        ? {
            id,
            status: 'fail',
            detail: `schedule ${group.scheduleName} does not exist: no run will start`,
            fix: 'deploy the stack with `npx cdk deploy`',
          }
        : readFailure(id, 'scheduler:GetSchedule', error),
    );
  }

  if (!nextRun) {
    checks.push({
      id: `nextRun:${group.group}`,
      status: 'warn',
      detail: `${group.expression} (${group.timeZone}) has no future run`,
      fix: 'change the cadence expression',
    });
    return checks;
  }
  const when = `${formatRun(nextRun, group.timeZone)} (${nextRun.toISOString()})`;
  const hours = describeAllowedHours(manifest.allowedHours, manifest.timeZone);
  checks.push(
    isWithinAllowedHours(nextRun, manifest.allowedHours, manifest.timeZone)
      ? { id: `nextRun:${group.group}`, status: 'ok', detail: `next run ${when} is within ${hours}` }
      : {
          id: `nextRun:${group.group}`,
          status: 'fail',
          detail: `next run ${when} is outside the allowed hours ${hours}: it will be skipped`,
          fix: 'change the cadence expression or guardRails.allowedHours',
        },
  );
  if (manifest.changeCalendar !== undefined) {
    const calendarId = `calendar:${group.group}`;
    try {
      const answer = await deps.runtime.clients.ssm.send(
        new GetCalendarStateCommand({
          CalendarNames: [manifest.changeCalendar],
          AtTime: nextRun.toISOString(),
        }),
      );
      checks.push(
        answer.State === 'OPEN'
          ? {
              id: calendarId,
              status: 'ok',
              detail: `change calendar ${manifest.changeCalendar} is OPEN at ${when}`,
            }
          : {
              id: calendarId,
              status: 'fail',
              detail: `change calendar ${manifest.changeCalendar} is ${answer.State ?? 'UNKNOWN'} at ${when}: the run will be skipped`,
              fix: `open the calendar for that time in SSM Change Calendar, or move the run`,
            },
      );
    } catch (error) {
      checks.push(readFailure(calendarId, 'ssm:GetCalendarState', error));
    }
  }
  return checks;
}

/** The next run of a group after `now`. */
export function nextRunOf(group: ManifestGroup, now: Date): Date | undefined {
  return nextRuns(group.expression, group.timeZone, 1, now)[0];
}

/** The kill switch is off. */
export async function checkKillSwitch(
  manifest: PreflightManifest,
  deps: PreflightDeps,
): Promise<PreflightCheck> {
  const name = manifest.killSwitchParameter;
  try {
    const answer = await deps.runtime.clients.ssm.send(new GetParameterCommand({ Name: name }));
    const value = (answer.Parameter?.Value ?? '').trim().toLowerCase();
    if (value === 'off') return { id: 'killSwitch', status: 'ok', detail: `kill switch ${name} is off` };
    return {
      id: 'killSwitch',
      status: 'fail',
      detail: `kill switch ${name} is ${value === 'on' ? 'on' : `"${value}" (treated as on)`}: every run is skipped`,
      fix: `\`${RESUME_COMMAND}\` once the reason for the halt is gone`,
    };
  } catch (error) {
    if (awsErrorName(error) === 'ParameterNotFound') {
      return {
        id: 'killSwitch',
        status: 'fail',
        detail: `kill switch parameter ${name} does not exist (treated as on)`,
        fix: 'redeploy with `npx cdk deploy`',
      };
    }
    return readFailure('killSwitch', 'ssm:GetParameter', error);
  }
}

/** FIS's account-wide safety lever is not engaged (only when an experiment runs through FIS). */
export async function checkSafetyLever(
  manifest: PreflightManifest,
  deps: PreflightDeps,
): Promise<PreflightCheck[]> {
  if (!manifest.plans.some((plan) => plan.fault.kind === 'fis')) return [];
  try {
    const answer = await sendSafetyLever(
      deps.runtime.clients.fis,
      new GetSafetyLeverCommand({ id: DEFAULT_SAFETY_LEVER_ID }),
    );
    const lever = answer.safetyLever?.state;
    if (lever?.status === undefined) {
      return [
        {
          id: 'safetyLever',
          status: 'warn',
          detail: 'GetSafetyLever answered no state for the FIS safety lever',
          fix: 'check it with `aws fis get-safety-lever --id default`',
        },
      ];
    }
    if (lever.status === 'disengaged') {
      return [{ id: 'safetyLever', status: 'ok', detail: 'the FIS safety lever is disengaged' }];
    }
    return [
      {
        id: 'safetyLever',
        status: 'fail',
        detail: `the FIS safety lever is ${lever.status}${lever.reason ? ` (${lever.reason})` : ''}: FIS starts no experiment`,
        fix: "`aws fis update-safety-lever-state --id default --state 'status=disengaged,reason=...'` once it is safe",
      },
    ];
  } catch (error) {
    return [readFailure('safetyLever', 'fis:GetSafetyLever', error)];
  }
}

/** Every configured email is a confirmed subscription of the results topic. */
export async function checkSubscriptions(
  manifest: PreflightManifest,
  deps: PreflightDeps,
): Promise<PreflightCheck> {
  const id = 'subscriptions';
  const subscriptions: Subscription[] = [];
  try {
    const pages = paginateListSubscriptionsByTopic(
      { client: deps.runtime.clients.sns },
      { TopicArn: manifest.topicArn },
    );
    for await (const page of pages) subscriptions.push(...(page.Subscriptions ?? []));
  } catch (error) {
    return readFailure(id, 'sns:ListSubscriptionsByTopic', error);
  }
  const emails = subscriptions.filter((s) => s.Protocol === 'email' || s.Protocol === 'email-json');
  const pending = emails
    .filter((s) => s.SubscriptionArn === 'PendingConfirmation')
    .map((s) => s.Endpoint ?? '?');
  const confirmed = emails
    .filter((s) => s.SubscriptionArn !== 'PendingConfirmation')
    .map((s) => s.Endpoint ?? '?');
  const missing = manifest.emails.filter(
    (e) => !emails.some((s) => s.Endpoint?.toLowerCase() === e.toLowerCase()),
  );
  if (manifest.emails.length === 0 && emails.length === 0) {
    return {
      id,
      status: 'warn',
      detail: 'no email subscribes to the results topic: results go to S3 and the dashboard only',
      fix: 'add notifications.emails to the config and deploy',
    };
  }
  const problems = [
    ...(pending.length ? [`pending confirmation: ${pending.join(', ')}`] : []),
    ...(missing.length ? [`not subscribed: ${missing.join(', ')}`] : []),
  ];
  if (problems.length === 0) {
    return { id, status: 'ok', detail: `email subscriptions confirmed: ${confirmed.join(', ')}` };
  }
  return {
    id,
    status: confirmed.length === 0 ? 'fail' : 'warn',
    detail: `${confirmed.length === 0 ? 'nobody receives results: ' : ''}${problems.join('; ')}${confirmed.length ? `; confirmed: ${confirmed.join(', ')}` : ''}`,
    fix: 'open the "AWS Notification - Subscription Confirmation" email and confirm (or redeploy to resend it)',
  };
}

/** A read the preflight could not make is a failed check, never a pass. */
export function readFailure(id: string, action: string, error: unknown): PreflightCheck {
  const name = awsErrorName(error) ?? 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return {
    id,
    status: 'fail',
    detail: `could not check: ${action} failed: ${name}: ${message}`,
    fix:
      name === 'AccessDeniedException' || name === 'AccessDenied'
        ? `allow ${action} to the caller (README: the permissions the preflight needs)`
        : 'retry; if it persists, check the service in this region',
  };
}

import { PublishCommand } from '@aws-sdk/client-sns';
import { runsDueForHeadsUp } from '../../lib/cadence/heads-up';
import type { WorkflowSettings } from '../shared/aws';
import { awsCall } from '../shared/errors';
import { headsUpSubject, renderHeadsUpText, type HeadsUp } from '../shared/render/heads-up';
import type { PreflightManifest } from './manifest';
import { preflight } from './preflight';
import type { PreflightDeps } from './report';

/** What the heads-up schedule hands the function (its input; `scheduledTime` from the scheduler). */
export interface HeadsUpEvent {
  /** The cadence group this schedule announces. */
  readonly group: string;
  /** `<aws.scheduler.scheduled-time>`: when this firing was due (not when it ran). */
  readonly scheduledTime: string;
  readonly manifest: PreflightManifest;
}

/** One announced run. */
export interface Announcement {
  readonly run: string;
  readonly ready: boolean;
  readonly subject: string;
  readonly failed: readonly string[];
  readonly messageId?: string;
}

/** What the function returns (logged): the runs it announced; none on most days. */
export interface HeadsUpResult {
  readonly group: string;
  readonly scheduledTime: string;
  readonly announced: readonly Announcement[];
}

/** The heads-up event is not what the schedule sends. */
export class HeadsUpEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HeadsUpEventError';
  }
}

/** The settings the probes' runtime needs, from the manifest (the function reads no other environment). */
export function manifestSettings(manifest: PreflightManifest): WorkflowSettings {
  return {
    region: manifest.region,
    account: manifest.account,
    partition: manifest.partition,
    killSwitchParameter: manifest.killSwitchParameter,
    ...(manifest.changeCalendar !== undefined ? { changeCalendar: manifest.changeCalendar } : {}),
    allowedHours: manifest.allowedHours,
    timeZone: manifest.timeZone,
    resultsBucket: '',
    topicArn: manifest.topicArn,
    dashboardName: '',
    stackName: manifest.stackName,
  };
}

/**
 * The heads-up: when a run of the group is due exactly `headsUp` after the scheduled time, runs the
 * preflight for that group and emails the heads-up card to the results topic. A failing check puts
 * NOT READY in the subject. On other firings it does nothing.
 * @throws HeadsUpEventError for an event without a known group or a valid scheduled time
 */
export async function headsUp(event: HeadsUpEvent, deps: PreflightDeps): Promise<HeadsUpResult> {
  const group = event.manifest.groups.find((g) => g.group === event.group);
  const scheduled = new Date(event.scheduledTime);
  if (!group || Number.isNaN(scheduled.getTime())) {
    throw new HeadsUpEventError(
      `heads-up event needs a known group and an ISO scheduledTime (got group ${JSON.stringify(event.group)}, scheduledTime ${JSON.stringify(event.scheduledTime)})`,
    );
  }
  const announced: Announcement[] = [];
  for (const run of runsDueForHeadsUp(group, scheduled)) {
    const report = await preflight(event.manifest, deps, { groups: [group.group] });
    const plans = event.manifest.plans.filter((p) => group.experiments.includes(p.name));
    const card: HeadsUp = { group, run, plans, report };
    const subject = headsUpSubject(card);
    const answer = await awsCall('sns:Publish', () =>
      deps.runtime.clients.sns.send(
        new PublishCommand({
          TopicArn: event.manifest.topicArn,
          Subject: subject,
          Message: renderHeadsUpText(card),
        }),
      ),
    );
    announced.push({
      run: run.toISOString(),
      ready: report.ready,
      subject,
      failed: report.checks.filter((c) => c.status === 'fail').map((c) => c.id),
      ...(answer.MessageId ? { messageId: answer.MessageId } : {}),
    });
  }
  return { group: group.group, scheduledTime: scheduled.toISOString(), announced };
}

import type { IAMClient } from '@aws-sdk/client-iam';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import type { Runtime } from '../shared/aws';

/** ok: ready; warn: the run goes ahead but something is off; fail: the run would not work. */
export type CheckStatus = 'ok' | 'warn' | 'fail';

/** One line of the preflight. */
export interface PreflightCheck {
  /** Stable id, e.g. `schedule:default`, `agents:web-cpu-80`. */
  readonly id: string;
  readonly status: CheckStatus;
  /** What was found, one sentence. */
  readonly detail: string;
  /** What to do about a warn or fail. */
  readonly fix?: string;
}

/** A scheduled run the preflight looked at. */
export interface UpcomingRun {
  readonly group: string;
  /** ISO instant. */
  readonly at: string;
  readonly timeZone: string;
  readonly experiments: readonly string[];
}

/** The preflight's answer. */
export interface PreflightReport {
  readonly checkedAt: string;
  /** No check failed. */
  readonly ready: boolean;
  readonly counts: Readonly<Record<CheckStatus, number>>;
  readonly checks: readonly PreflightCheck[];
  /** The next run of each checked group. */
  readonly nextRuns: readonly UpcomingRun[];
}

/** The clients beyond the workflow's that the preflight reads with. */
export interface PreflightExtraClients {
  readonly scheduler: SchedulerClient;
  readonly iam: IAMClient;
  readonly serviceQuotas: ServiceQuotasClient;
}

/** What the preflight core receives. */
export interface PreflightDeps {
  /** Workflow clients (SSM, FIS, EC2, CloudWatch, Auto Scaling, SNS), settings, clock and fetch for probes. */
  readonly runtime: Runtime;
  readonly clients: PreflightExtraClients;
  /**
   * The config hash of the deployed stack (CLI: from its `ConfigHash` output); `undefined` when the
   * stack has no such output. @default - no stack check (the deployed function checks itself)
   */
  readonly deployedConfigHash?: () => Promise<string | undefined>;
}

/** Tallies the checks and decides readiness. */
export function summarize(
  checkedAt: Date,
  checks: readonly PreflightCheck[],
  nextRuns: readonly UpcomingRun[],
): PreflightReport {
  const counts = { ok: 0, warn: 0, fail: 0 };
  for (const check of checks) counts[check.status] += 1;
  return { checkedAt: checkedAt.toISOString(), ready: counts.fail === 0, counts, checks, nextRuns };
}

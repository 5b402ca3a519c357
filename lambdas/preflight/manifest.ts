import type { AllowedHours } from '../shared/aws';
import type { ExperimentPlan } from '../shared/types';

/** The workflow functions whose roles a run's calls go through (their IAM is simulated by the preflight). */
export const WORKFLOW_ROLE_KEYS = [
  'CheckGuardRails',
  'CheckSteadyState',
  'StartFault',
  'PollStopConditions',
  'StopFault',
] as const;

/** One of {@link WORKFLOW_ROLE_KEYS}. */
export type WorkflowRoleKey = (typeof WORKFLOW_ROLE_KEYS)[number];

/** One cadence group as deployed: its schedule and what it runs. */
export interface ManifestGroup {
  /** `default` or the key under `cadences`. */
  readonly group: string;
  readonly expression: string;
  readonly timeZone: string;
  /** ISO 8601 lead time of the heads-up, or `false`. */
  readonly headsUp: string | false;
  /** The EventBridge Scheduler schedule's name (group `default`). */
  readonly scheduleName: string;
  /** The experiments the schedule starts, in order. */
  readonly experiments: readonly string[];
}

/**
 * Everything the preflight checks, resolved for one deployment: built from the config by
 * `buildPreflightManifest` (lib/preflight/manifest.ts), at synth (baked into the heads-up schedule's
 * input) and in the CLI (from the local config and the stack's outputs). Plain JSON.
 */
export interface PreflightManifest {
  readonly stackName: string;
  readonly region: string;
  readonly account: string;
  readonly partition: string;
  /** sha256 of the config file the manifest was built from. */
  readonly configHash: string;
  readonly killSwitchParameter: string;
  readonly changeCalendar?: string;
  readonly allowedHours: AllowedHours;
  /** Time zone of the allowed hours (the default cadence's). */
  readonly timeZone: string;
  readonly topicArn: string;
  /** `notifications.emails`: each should be a confirmed subscription of the topic. */
  readonly emails: readonly string[];
  readonly groups: readonly ManifestGroup[];
  /** The plans of every deployed experiment (FIS template ids resolved). */
  readonly plans: readonly ExperimentPlan[];
  /** Role ARNs of the workflow functions, for `iam:SimulatePrincipalPolicy`. */
  readonly roles: Readonly<Partial<Record<WorkflowRoleKey, string>>>;
}

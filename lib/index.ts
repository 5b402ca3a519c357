/**
 * chaos-cadence's public API, for CDK apps that compose its constructs into their own stacks.
 *
 * `ChaosCadenceStack` is the whole deployment from one config file; the constructs below are its
 * parts. A CDK app that has its own results bucket, topic or kill switch builds `Results` and
 * `GuardRails` over them and hands those (as `IResults` / `IGuardRails`) to `ExperimentWorkflow`.
 * See "Use the constructs in your own CDK app" in the README.
 */

// The whole deployment.
export { ChaosCadenceStack, type ChaosCadenceStackProps } from './chaos-cadence-stack';

// Config: load and validate the config file, and turn it into the plans the workflow runs.
export {
  loadConfig,
  parseConfigText,
  validateConfig,
  type LoadedConfig,
  type ConfigLocation,
} from './config/load';
export { ConfigError, type ConfigProblem } from './config/errors';
export type { Config, ConfigInput, ExperimentConfig, CadenceConfig } from './config/schema';
export { buildRunConfig, experimentsInGroup, type BuildPlansOptions } from './config/plan';
export type { RunConfig, ExperimentPlan } from '../lambdas/shared/types';
export type { AllowedHours } from '../lambdas/shared/aws';
export { upcomingRuns } from './cadence/upcoming';

// The constructs.
export {
  ExperimentWorkflow,
  type ExperimentWorkflowProps,
  type ExperimentWorkflowFunctions,
} from './constructs/experiment-workflow';
export {
  GuardRails,
  GuardRailsError,
  KILL_SWITCH_VALUES,
  type GuardRailsProps,
  type GuardRailsAttributes,
  type IGuardRails,
} from './constructs/guard-rails';
export { Results, type ResultsProps, type IResults } from './constructs/results';
export { ResultsDashboard, dashboardNameFor, type ResultsDashboardProps } from './constructs/dashboard';
export {
  CadenceSchedule,
  CadenceScheduleError,
  type CadenceScheduleProps,
  type ScheduleInput,
} from './constructs/cadence-schedule';
export { HeadsUp, type HeadsUpProps } from './constructs/heads-up';
export { CpuStressFault, type CpuStressFaultProps, type FaultKind } from './constructs/cpu-stress-fault';
export type { IFaultPermissions } from './constructs/fault-permissions';
export { WorkflowAlarms, type WorkflowAlarmsProps } from './constructs/workflow-alarms';

import type { aws_iam as iam } from 'aws-cdk-lib';

/**
 * What the workflow needs from an experiment's fault resources: the template id to start, and the
 * least-privilege grants for the functions that start, observe and stop the fault. Implemented by
 * `CpuStressFault`; the workflow calls the grants on its own functions.
 */
export interface IFaultPermissions {
  /** The experiment this fault belongs to. */
  readonly experimentName: string;
  /** The FIS experiment template id (a deploy-time token), when the fault runs through FIS. */
  readonly templateId?: string;
  /** Start the fault: FIS StartExperiment + TagResource, or SSM SendCommand + DescribeInstances. */
  grantInject(grantee: iam.IGrantable): void;
  /** Read the fault's state: FIS GetExperiment, or SSM ListCommands/ListCommandInvocations. */
  grantObserve(grantee: iam.IGrantable): void;
  /** Stop the fault: FIS StopExperiment (+ ListExperiments to find by tag), or SSM CancelCommand. */
  grantStop(grantee: iam.IGrantable): void;
}

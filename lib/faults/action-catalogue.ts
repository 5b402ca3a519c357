/**
 * The FIS actions chaos-cadence knows, with what the experiment role needs to run each one.
 * Built from the "AWS FIS Actions reference" (docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html)
 * and the actions used by the public FIS template library. An action id not listed here is refused at
 * synth time, so a typo never reaches CloudFormation.
 */

/** The AWS managed policies FIS documents for experiment roles (all under `service-role/`). */
export type FisManagedPolicy =
  | 'AWSFaultInjectionSimulatorEC2Access'
  | 'AWSFaultInjectionSimulatorECSAccess'
  | 'AWSFaultInjectionSimulatorEKSAccess'
  | 'AWSFaultInjectionSimulatorNetworkAccess'
  | 'AWSFaultInjectionSimulatorRDSAccess'
  | 'AWSFaultInjectionSimulatorSSMAccess';

/** What one FIS action needs. */
export interface FisActionInfo {
  /** The AWS managed policy that covers this action, when FIS documents one. */
  readonly managedPolicy?: FisManagedPolicy;
  /** The IAM actions the experiment role needs when no managed policy covers the action. */
  readonly permissions: readonly string[];
  /** Parameters holding an ISO 8601 duration that bounds how long the action runs. */
  readonly durationParameters: readonly string[];
}

const DURATION = ['duration'] as const;

function action(
  permissions: readonly string[],
  options: { managedPolicy?: FisManagedPolicy; durationParameters?: readonly string[] } = {},
): FisActionInfo {
  return {
    permissions,
    durationParameters: options.durationParameters ?? DURATION,
    ...(options.managedPolicy ? { managedPolicy: options.managedPolicy } : {}),
  };
}

const EC2 = 'AWSFaultInjectionSimulatorEC2Access';
const ECS = 'AWSFaultInjectionSimulatorECSAccess';
const EKS = 'AWSFaultInjectionSimulatorEKSAccess';
const NETWORK = 'AWSFaultInjectionSimulatorNetworkAccess';
const RDS = 'AWSFaultInjectionSimulatorRDSAccess';
const SSM = 'AWSFaultInjectionSimulatorSSMAccess';

const EKS_POD = action(['eks:DescribeCluster', 'ec2:DescribeSubnets', 'tag:GetResources'], {
  managedPolicy: EKS,
});
const ECS_TASK_SSM = action(
  ['ecs:DescribeTasks', 'ssm:SendCommand', 'ssm:ListCommands', 'ssm:CancelCommand'],
  {
    managedPolicy: ECS,
  },
);
const ECS_TASK_NETWORK = action(
  [
    'ecs:DescribeTasks',
    'ecs:DescribeContainerInstances',
    'ec2:DescribeInstances',
    'ec2:DescribeSubnets',
    'ssm:SendCommand',
    'ssm:ListCommands',
    'ssm:CancelCommand',
  ],
  { managedPolicy: ECS },
);
const LAMBDA = action(['s3:PutObject', 's3:DeleteObject', 'lambda:GetFunction', 'tag:GetResources']);
const API_ERROR = (permission: string) => action([permission]);

/** Every FIS action id chaos-cadence accepts, by id. */
export const FIS_ACTIONS: Readonly<Record<string, FisActionInfo>> = {
  'aws:fis:inject-api-internal-error': API_ERROR('fis:InjectApiInternalError'),
  'aws:fis:inject-api-throttle-error': API_ERROR('fis:InjectApiThrottleError'),
  'aws:fis:inject-api-unavailable-error': API_ERROR('fis:InjectApiUnavailableError'),
  'aws:fis:wait': action([]),
  'aws:arc:start-zonal-autoshift': action([
    'arc-zonal-shift:StartZonalShift',
    'arc-zonal-shift:GetManagedResource',
    'arc-zonal-shift:UpdateZonalShift',
    'arc-zonal-shift:CancelZonalShift',
    'arc-zonal-shift:ListManagedResources',
    'autoscaling:DescribeTags',
    'tag:GetResources',
  ]),
  'aws:cloudwatch:assert-alarm-state': action(['cloudwatch:DescribeAlarms'], { durationParameters: [] }),
  'aws:dynamodb:global-table-pause-replication': action([
    'dynamodb:PutResourcePolicy',
    'dynamodb:DeleteResourcePolicy',
    'dynamodb:GetResourcePolicy',
    'dynamodb:DescribeTable',
    'dynamodb:InjectError',
    'tag:GetResources',
  ]),
  'aws:dsql:cluster-connection-failure': action(['dsql:InjectError', 'dsql:GetCluster', 'tag:GetResources']),
  'aws:ebs:pause-volume-io': action(['ec2:DescribeVolumes', 'ec2:PauseVolumeIO', 'tag:GetResources']),
  'aws:ebs:volume-io-latency': action([
    'ec2:DescribeVolumes',
    'ec2:InjectVolumeIOLatency',
    'tag:GetResources',
  ]),
  'aws:ec2:api-insufficient-instance-capacity-error': action(['ec2:InjectApiError']),
  'aws:ec2:asg-insufficient-instance-capacity-error': action([
    'ec2:InjectApiError',
    'autoscaling:DescribeAutoScalingGroups',
  ]),
  'aws:ec2:reboot-instances': action(['ec2:RebootInstances', 'ec2:DescribeInstances'], {
    managedPolicy: EC2,
    durationParameters: [],
  }),
  'aws:ec2:send-spot-instance-interruptions': action(
    ['ec2:SendSpotInstanceInterruptions', 'ec2:DescribeInstances'],
    { managedPolicy: EC2, durationParameters: ['durationBeforeInterruption'] },
  ),
  'aws:ec2:stop-instances': action(['ec2:StopInstances', 'ec2:StartInstances', 'ec2:DescribeInstances'], {
    managedPolicy: EC2,
    durationParameters: ['startInstancesAfterDuration'],
  }),
  'aws:ec2:terminate-instances': action(['ec2:TerminateInstances', 'ec2:DescribeInstances'], {
    managedPolicy: EC2,
    durationParameters: [],
  }),
  'aws:ecs:drain-container-instances': action(
    [
      'ecs:DescribeClusters',
      'ecs:UpdateContainerInstancesState',
      'ecs:ListContainerInstances',
      'tag:GetResources',
    ],
    { managedPolicy: ECS },
  ),
  'aws:ecs:stop-task': action(['ecs:DescribeTasks', 'ecs:ListTasks', 'ecs:StopTask', 'tag:GetResources'], {
    managedPolicy: ECS,
    durationParameters: [],
  }),
  'aws:ecs:task-cpu-stress': ECS_TASK_SSM,
  'aws:ecs:task-io-stress': ECS_TASK_SSM,
  'aws:ecs:task-kill-process': { ...ECS_TASK_SSM, durationParameters: [] },
  'aws:ecs:task-network-blackhole-port': ECS_TASK_SSM,
  'aws:ecs:task-network-latency': ECS_TASK_NETWORK,
  'aws:ecs:task-network-packet-loss': ECS_TASK_NETWORK,
  'aws:eks:inject-kubernetes-custom-resource': action([], { durationParameters: ['maxDuration'] }),
  'aws:eks:pod-cpu-stress': EKS_POD,
  'aws:eks:pod-delete': { ...EKS_POD, durationParameters: [] },
  'aws:eks:pod-io-stress': EKS_POD,
  'aws:eks:pod-memory-stress': EKS_POD,
  'aws:eks:pod-network-blackhole-port': EKS_POD,
  'aws:eks:pod-network-latency': EKS_POD,
  'aws:eks:pod-network-packet-loss': EKS_POD,
  'aws:eks:terminate-nodegroup-instances': action(
    ['ec2:DescribeInstances', 'ec2:TerminateInstances', 'eks:DescribeNodegroup', 'tag:GetResources'],
    { managedPolicy: EKS, durationParameters: [] },
  ),
  'aws:elasticache:replicationgroup-interrupt-az-power': action([
    'elasticache:InterruptClusterAzPower',
    'elasticache:DescribeReplicationGroups',
    'tag:GetResources',
  ]),
  // The former name of the action above; FIS still accepts it.
  'aws:elasticache:interrupt-cluster-az-power': action([
    'elasticache:InterruptClusterAzPower',
    'elasticache:DescribeReplicationGroups',
    'tag:GetResources',
  ]),
  'aws:kinesis:stream-provisioned-throughput-exception': action(['kinesis:InjectApiError']),
  'aws:kinesis:stream-expired-iterator-exception': action(['kinesis:InjectApiError']),
  'aws:lambda:invocation-add-delay': LAMBDA,
  'aws:lambda:invocation-error': LAMBDA,
  'aws:lambda:invocation-http-integration-response': LAMBDA,
  'aws:memorydb:multi-region-cluster-pause-replication': action([
    'memorydb:DescribeMultiRegionClusters',
    'memorydb:PauseMultiRegionClusterReplication',
    'tag:GetResources',
  ]),
  'aws:network:disrupt-connectivity': action([], { managedPolicy: NETWORK }),
  'aws:network:route-table-disrupt-cross-region-connectivity': action([], { managedPolicy: NETWORK }),
  'aws:network:transit-gateway-disrupt-cross-region-connectivity': action([], { managedPolicy: NETWORK }),
  'aws:network:disrupt-vpc-endpoint': action([
    'ec2:DescribeVpcEndpoints',
    'ec2:DescribeSecurityGroups',
    'ec2:ModifyVpcEndpoint',
    'ec2:CreateSecurityGroup',
    'ec2:DeleteSecurityGroup',
    'ec2:RevokeSecurityGroupEgress',
    'ec2:CreateTags',
  ]),
  'aws:rds:failover-db-cluster': action(
    ['rds:FailoverDBCluster', 'rds:DescribeDBClusters', 'tag:GetResources'],
    {
      managedPolicy: RDS,
      durationParameters: [],
    },
  ),
  'aws:rds:reboot-db-instances': action(
    ['rds:RebootDBInstance', 'rds:DescribeDBInstances', 'tag:GetResources'],
    { managedPolicy: RDS, durationParameters: [] },
  ),
  'aws:s3:bucket-pause-replication': action([
    's3:PutReplicationConfiguration',
    's3:GetReplicationConfiguration',
    's3:PauseReplication',
    's3:ListAllMyBuckets',
    'tag:GetResources',
  ]),
  'aws:ssm:send-command': action(['ssm:SendCommand', 'ssm:ListCommands', 'ssm:CancelCommand'], {
    managedPolicy: EC2,
  }),
  'aws:ssm:start-automation-execution': action(
    ['ssm:GetAutomationExecution', 'ssm:StartAutomationExecution', 'ssm:StopAutomationExecution'],
    { managedPolicy: SSM, durationParameters: ['maxDuration'] },
  ),
  'aws:directconnect:virtual-interface-disconnect': action([
    'directconnect:DescribeVirtualInterfaces',
    'directconnect:StartBgpFailoverTest',
    'directconnect:ListVirtualInterfaceTestHistory',
    'directconnect:StopBgpFailoverTest',
    'tag:GetResources',
  ]),
};

/** The catalogue entry of an action id, or `undefined` when FIS has no such action. */
export function fisAction(actionId: string): FisActionInfo | undefined {
  return Object.prototype.hasOwnProperty.call(FIS_ACTIONS, actionId) ? FIS_ACTIONS[actionId] : undefined;
}

/** The closest known action ids to an unknown one (same service prefix first), for error messages. */
export function similarActionIds(actionId: string, limit = 3): string[] {
  const prefix = actionId.split(':').slice(0, 2).join(':');
  const known = Object.keys(FIS_ACTIONS);
  const sameService = known.filter((id) => id.startsWith(`${prefix}:`));
  return (sameService.length > 0 ? sameService : known).slice(0, limit);
}

/** What a set of actions needs: the managed policies that cover some, and inline permissions for the rest. */
export interface RolePermissions {
  /** Managed policy names, sorted. */
  readonly managedPolicies: readonly FisManagedPolicy[];
  /** IAM actions for the actions no managed policy covers, sorted and de-duplicated. */
  readonly inlineActions: readonly string[];
}

/** Collects what the experiment role needs for the given (known) action ids. */
export function rolePermissionsFor(actionIds: Iterable<string>): RolePermissions {
  const managed = new Set<FisManagedPolicy>();
  const inline = new Set<string>();
  for (const id of actionIds) {
    const info = fisAction(id);
    if (!info) continue;
    if (info.managedPolicy) managed.add(info.managedPolicy);
    else info.permissions.forEach((permission) => inline.add(permission));
  }
  return { managedPolicies: [...managed].sort(), inlineActions: [...inline].sort() };
}

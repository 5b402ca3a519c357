import * as autoScalingSdk from '@aws-sdk/client-auto-scaling';
import type { Route, ServiceContext } from './context';

/**
 * Amazon EC2 Auto Scaling: the groups of the scenario with as many `InService` instances as their
 * timeline holds now, and the group metrics collected unless `preflight.asgMetricsCollection` says not.
 */
export function simulatedAutoScaling(ctx: ServiceContext): { readonly routes: Route[] } {
  const { scenario, region, account, partition, runStartMs } = ctx;
  const instanceId = (group: string, index: number): string =>
    scenario.instances[index]?.id ??
    `i-${group.replace(/[^a-z0-9]/gi, '').slice(0, 8)}${String(index + 1).padStart(8, '0')}`;
  const routes: Route[] = [
    {
      command: autoScalingSdk.DescribeAutoScalingGroupsCommand,
      name: 'DescribeAutoScalingGroups',
      handle: (input: autoScalingSdk.DescribeAutoScalingGroupsCommandInput) => {
        const wanted = input.AutoScalingGroupNames;
        const groups = Object.entries(scenario.asgs)
          .filter(([name]) => !wanted || wanted.length === 0 || wanted.includes(name))
          .map(([name, entries]) => {
            const inService = ctx.at(entries)?.entry.inService ?? 0;
            const instances = Array.from({ length: inService }, (_, index) => ({
              InstanceId: instanceId(name, index),
              LifecycleState: 'InService',
              HealthStatus: 'Healthy',
              AvailabilityZone: `${region}a`,
              ProtectedFromScaleIn: false,
            }));
            const metricsCollected = scenario.preflight.asgMetricsCollection[name] ?? true;
            return {
              AutoScalingGroupName: name,
              AutoScalingGroupARN: `arn:${partition}:autoscaling:${region}:${account}:autoScalingGroup:00000000-0000-0000-0000-000000000000:autoScalingGroupName/${name}`,
              MinSize: Math.min(inService, 1),
              MaxSize: Math.max(inService, 10),
              DesiredCapacity: inService,
              DefaultCooldown: 300,
              AvailabilityZones: [`${region}a`],
              HealthCheckType: 'EC2',
              CreatedTime: new Date(runStartMs - 86_400_000),
              Instances: instances,
              EnabledMetrics: metricsCollected
                ? ['GroupInServiceInstances', 'GroupDesiredCapacity'].map((Metric) => ({
                    Metric,
                    Granularity: '1Minute',
                  }))
                : [],
            };
          });
        return { AutoScalingGroups: groups };
      },
    },
  ];
  return { routes };
}

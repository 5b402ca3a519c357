import * as ec2Sdk from '@aws-sdk/client-ec2';
import type { Scenario } from '../scenario';
import type { Route, ServiceContext } from './context';
import { serviceError } from './errors';

/** Whether an instance passes one DescribeInstances filter (the filters the run and preflight use). */
function passes(instance: Scenario['instances'][number], filter: ec2Sdk.Filter): boolean {
  const values = filter.Values ?? [];
  const name = filter.Name ?? '';
  if (name.startsWith('tag:')) {
    const value = instance.tags[name.slice(4)];
    return value !== undefined && values.includes(value);
  }
  if (name === 'tag-key') return values.some((k) => k in instance.tags);
  if (name === 'instance-state-name') return values.includes(instance.state);
  if (name === 'instance-id') return values.includes(instance.id);
  throw serviceError(
    'ec2',
    'InvalidParameterValue',
    `The simulated account does not support the filter ${name}.`,
  );
}

/** Amazon EC2: DescribeInstances over the scenario's instances, filtered as EC2 filters. */
export function simulatedEc2(ctx: ServiceContext): { readonly routes: Route[] } {
  const { scenario, region, account } = ctx;
  const routes: Route[] = [
    {
      command: ec2Sdk.DescribeInstancesCommand,
      name: 'DescribeInstances',
      handle: (input: ec2Sdk.DescribeInstancesCommandInput) => {
        const wanted = input.InstanceIds ?? [];
        const matches = scenario.instances.filter(
          (instance) =>
            (wanted.length === 0 || wanted.includes(instance.id)) &&
            (input.Filters ?? []).every((filter) => passes(instance, filter)),
        );
        return {
          Reservations: matches.length
            ? [
                {
                  ReservationId: 'r-rehearsal0001',
                  OwnerId: account,
                  Instances: matches.map((instance) => ({
                    InstanceId: instance.id,
                    State: { Name: instance.state, Code: instance.state === 'running' ? 16 : 80 },
                    Tags: Object.entries(instance.tags).map(([Key, Value]) => ({ Key, Value })),
                    InstanceType: 't3.small',
                    Monitoring: { State: instance.monitoring === 'detailed' ? 'enabled' : 'disabled' },
                    Placement: { AvailabilityZone: `${region}a` },
                  })),
                },
              ]
            : [],
        };
      },
    },
  ];
  return { routes };
}

import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { setUp, start } from './fixture';

describe('simulated Auto Scaling', () => {
  it('lists the InService instances the timeline holds', async () => {
    const { account, clock } = setUp();
    await account.clients.fis.send(start());
    clock.advance(240);

    const answer = await account.clients.autoScaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['shop-asg'] }),
    );

    const instances = answer.AutoScalingGroups?.[0]?.Instances ?? [];
    expect(instances).toHaveLength(4);
    expect(instances.every((i) => i.LifecycleState === 'InService')).toBe(true);
  });
});

import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { setUp } from './fixture';

describe('simulated EC2', () => {
  it('filters DescribeInstances by tag and state', async () => {
    const { account } = setUp();

    const answer = await account.clients.ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'tag:chaos-ready', Values: ['true'] },
          { Name: 'instance-state-name', Values: ['running'] },
        ],
      }),
    );

    expect(answer.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId)).toEqual([
      'i-0001',
    ]);
  });
});

import { resolvedInstanceId } from '../../../lambdas/poll-stop-conditions/poll-stop-conditions';

describe('resolvedInstanceId', () => {
  it('reads the instance id from the ARN FIS returns under targetInformation.arn', () => {
    const target = {
      resourceType: 'aws:ec2:instance',
      targetName: 'Instances',
      targetInformation: { arn: 'arn:aws:ec2:eu-west-1:123456789012:instance/i-0a1b2c3d4e5f60001' },
    };

    const id = resolvedInstanceId(target);

    expect(id).toBe('i-0a1b2c3d4e5f60001');
  });

  it('reads spot instances and other partitions too', () => {
    const target = {
      resourceType: 'aws:ec2:spot-instance',
      targetInformation: { arn: 'arn:aws-cn:ec2:cn-north-1:123456789012:instance/i-0123456789abcdef0' },
    };

    expect(resolvedInstanceId(target)).toBe('i-0123456789abcdef0');
  });

  it('accepts an instance ARN or id under another key (the keys are not part of the documented contract)', () => {
    const target = {
      resourceType: 'aws:ec2:instance',
      targetInformation: { resourceId: 'i-0123456789abcdef0' },
    };

    expect(resolvedInstanceId(target)).toBe('i-0123456789abcdef0');
  });

  it('ignores targets that are not EC2 instances', () => {
    const target = {
      resourceType: 'aws:ecs:task',
      targetInformation: { arn: 'arn:aws:ecs:eu-west-1:123456789012:task/cluster/0123456789abcdef' },
    };

    expect(resolvedInstanceId(target)).toBeUndefined();
  });

  it('ignores values that are not instance references', () => {
    const target = {
      resourceType: 'aws:ec2:instance',
      targetInformation: { arn: 'arn:aws:ec2:eu-west-1:123456789012:volume/vol-0123456789abcdef0' },
    };

    expect(resolvedInstanceId(target)).toBeUndefined();
  });
});

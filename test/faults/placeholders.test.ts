import {
  findPlaceholders,
  resolveDeep,
  resolveString,
  stackPlaceholder,
} from '../../lib/faults/placeholders';

const STACK = { account: '123456789012', region: 'eu-west-1', partition: 'aws' };

describe('placeholders', () => {
  it.each([
    'YOUR AWS ACCOUNT',
    'ACCOUNT_ID',
    'AWS_ACCOUNT_ID',
    'YOUR-ACCOUNT-ID',
    'YOUR_AWS_ACCOUNT',
    'ACCOUNT',
  ])('reads <%s> as the stack account', (name) => {
    expect(stackPlaceholder(name)).toBe('account');
  });

  it.each(['REGION', 'YOUR REGION', 'AWS_REGION'])('reads <%s> as the stack region', (name) => {
    expect(stackPlaceholder(name)).toBe('region');
  });

  it('does not read role or resource placeholders as stack values', () => {
    expect(['IAM_ROLE', 'YOUR ROLE NAME', 'YOUR SUBNET ID'].map(stackPlaceholder)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('fills account and region from the stack, including {{ aws:region }}', () => {
    const text = 'arn:aws:ssm:<YOUR REGION>:<YOUR AWS ACCOUNT>:document/x in {{ aws:region }}';

    expect(resolveString(text, STACK, {})).toBe('arn:aws:ssm:eu-west-1:123456789012:document/x in eu-west-1');
  });

  it('fills other placeholders from given values, whatever their spacing and case', () => {
    const text = '{"SubnetId":"<YOUR SUBNET ID>","Vpc":"<YOUR VPC ID>"}';

    const resolved = resolveString(text, STACK, { your_subnet_id: 'subnet-1', '<YOUR VPC ID>': 'vpc-1' });

    expect(resolved).toBe('{"SubnetId":"subnet-1","Vpc":"vpc-1"}');
  });

  it('lists the placeholders left, with their paths', () => {
    const value = resolveDeep(
      { targets: { a: { arns: ['arn:x:<INSTANCE_ID>'] } }, ok: '<ACCOUNT_ID>' },
      STACK,
      {},
    );

    expect(findPlaceholders(value)).toEqual([{ placeholder: '<INSTANCE_ID>', path: 'targets.a.arns[0]' }]);
  });
});

import { consoleHost, executionUrl, s3ObjectConsoleUrl } from '../../lambdas/shared/render/links';

describe('console links', () => {
  it('builds the Step Functions execution URL from the execution ARN and region', () => {
    const url = executionUrl('arn:aws:states:eu-central-1:123456789012:execution:sm:run-1', {
      region: 'eu-central-1',
      partition: 'aws',
    });

    expect(url).toBe(
      'https://eu-central-1.console.aws.amazon.com/states/home?region=eu-central-1#/v2/executions/details/arn%3Aaws%3Astates%3Aeu-central-1%3A123456789012%3Aexecution%3Asm%3Arun-1',
    );
  });

  it('uses the China console host in the aws-cn partition', () => {
    expect(consoleHost('cn-north-1', 'aws-cn')).toBe('https://cn-north-1.console.amazonaws.cn');
  });

  it('links an S3 object in the S3 console', () => {
    const url = s3ObjectConsoleUrl('bucket', 'reports/r-1.html', {
      region: 'eu-central-1',
      partition: 'aws',
    });

    expect(url).toBe(
      'https://s3.console.aws.amazon.com/s3/object/bucket?region=eu-central-1&prefix=reports%2Fr-1.html',
    );
  });
});

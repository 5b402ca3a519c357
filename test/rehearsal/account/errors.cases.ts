import { ParameterNotFound } from '@aws-sdk/client-ssm';
import {
  classifyAwsError,
  THROTTLING_ERROR_NAMES,
  TRANSIENT_ERROR_NAMES,
  ThrottledError,
  TransientError,
} from '../../../lambdas/shared/errors';
import { serviceError, validationError } from '../../../lib/rehearsal/account/errors';

describe('serviceError', () => {
  it('builds the SDK class the service models, so instanceof works', () => {
    const error = serviceError('ssm', 'ParameterNotFound', 'Parameter /x not found.');

    expect(error).toBeInstanceOf(ParameterNotFound);
    expect(error.message).toBe('Parameter /x not found.');
  });

  it.each([...THROTTLING_ERROR_NAMES])(
    'throws %s as throttling, which the Lambdas classify as ThrottledError',
    (name) => {
      const error = serviceError('fis', name);

      expect(error).toMatchObject({ name, $retryable: { throttling: true } });
      expect(classifyAwsError(error, 'fis:StartExperiment')).toBeInstanceOf(ThrottledError);
    },
  );

  it.each([...TRANSIENT_ERROR_NAMES])(
    'throws %s as a server error, which the Lambdas classify as TransientError',
    (name) => {
      const error = serviceError('ssm', name);

      expect(error).toMatchObject({ name, $fault: 'server', $metadata: { httpStatusCode: 500 } });
      expect(classifyAwsError(error, 'ssm:GetParameter')).toBeInstanceOf(TransientError);
    },
  );

  it('answers a name it does not model with the service base exception, as a client error', () => {
    const error = serviceError('cloudwatch', 'AccessDeniedException');

    expect(error).toMatchObject({ name: 'AccessDeniedException', $fault: 'client' });
    expect((error as { $retryable?: unknown }).$retryable).toBeUndefined();
  });
});

describe('validationError', () => {
  it('words a broken model constraint as AWS does', () => {
    const error = validationError(
      'ssm',
      ['i-1', 'i-2'],
      'instanceIds',
      'Member must have length less than or equal to 1',
    );

    expect([error.name, error.message]).toEqual([
      'ValidationException',
      "1 validation error detected: Value '[i-1, i-2]' at 'instanceIds' failed to satisfy constraint: Member must have length less than or equal to 1",
    ]);
  });
});

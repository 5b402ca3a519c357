import { wrap } from '../../lambdas/shared/render/text';
import { emailOf } from './report-fixtures';
import { abortedResult, failedResult, passedResult, skippedResult } from '../fixtures/results';

describe('renderEmailText', () => {
  it('keeps every line within 78 columns except unbreakable links', () => {
    const text = emailOf(abortedResult);

    const long = text.split('\n').filter((line) => line.length > 78 && !/https?:\/\//.test(line));

    expect(long).toEqual([]);
  });

  it.each([
    'Application',
    'Hypothesis',
    'Expected impact',
    'Scope of failure',
    'Duration',
    'Abort conditions',
    'Results',
    'Observed impact',
    'Conclusions',
    'Dig deeper',
    'Timings (UTC)',
  ])('has the card section %s', (section) => {
    const text = emailOf(passedResult);

    expect(text).toContain(section);
  });

  it('links the Step Functions execution, the FIS experiment, the dashboard and the report', () => {
    const text = emailOf(passedResult);

    expect(text).toContain('/states/home?region=eu-central-1#/v2/executions/details/arn%3Aaws%3Astates');
    expect(text).toContain('/fis/home?region=eu-central-1#ExperimentDetails:ExperimentId=EXPaB3dE5fG7hJ9k');
    expect(text).toContain('#dashboards/dashboard/ChaosCadence-ChaosCadence');
    expect(text).toContain('X-Amz-Signature=fixture');
    expect(text).toContain('https://s3.console.aws.amazon.com/s3/object/chaoscadence-results-bucket-1a2b3c');
  });

  it('warns that the presigned link dies with the Lambda credentials and offers the console link', () => {
    const text = emailOf(passedResult);

    expect(text).toMatch(/temporary credentials and stops working when those\s+expire/);
  });

  it('says why a skipped experiment was skipped and what to do', () => {
    const text = emailOf(skippedResult);

    expect(text).toContain('answered HTTP 503');
    expect(text).toMatch(/What to do\s+The shop was already unhealthy/);
  });

  it('gives default advice for a failed experiment that carries none', () => {
    const text = emailOf(failedResult);

    expect(text).toMatch(/What to do\s+The orchestration failed; the stop of any fault was\s+requested/);
    expect(text).toContain('AccessDeniedException');
  });
});

describe('wrap', () => {
  it('breaks at word boundaries and indents continuation lines', () => {
    const wrapped = wrap('one two three four five', 11, '  ');

    expect(wrapped).toBe('one two\n  three\n  four five');
  });
});

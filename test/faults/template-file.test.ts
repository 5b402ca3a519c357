import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaultConfigError } from '../../lib/faults/errors';
import {
  documentParametersProblem,
  parseFisTemplate,
  readFisTemplateFile,
  templateDurationSeconds,
} from '../../lib/faults/template-file';

const SOURCE = { file: 'faults/t.json', configPath: 'experiments[1].fault.fisTemplate.file' };

function template(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    description: 'stop instances',
    targets: {
      Instances: { resourceType: 'aws:ec2:instance', resourceTags: { env: 'test' }, selectionMode: 'ALL' },
    },
    actions: {
      Stop: {
        actionId: 'aws:ec2:stop-instances',
        parameters: { startInstancesAfterDuration: 'PT5M' },
        targets: { Instances: 'Instances' },
      },
    },
    stopConditions: [{ source: 'none' }],
    ...overrides,
  };
}

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(FaultConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a FaultConfigError');
}

describe('parseFisTemplate', () => {
  it('accepts the bare template form of the FIS template library', () => {
    const parsed = parseFisTemplate(template(), SOURCE);

    expect(Object.keys(parsed.actions)).toEqual(['Stop']);
  });

  it('accepts the output of aws fis get-experiment-template, ignoring its read-only fields', () => {
    const output = {
      experimentTemplate: { id: 'EXT123abc', creationTime: '2024-01-01T00:00:00Z', ...template() },
    };

    const parsed = parseFisTemplate(output, SOURCE);

    expect(parsed.description).toBe('stop instances');
    expect(parsed).not.toHaveProperty('id');
  });

  it('rejects an SSM Automation document, saying what it is and what was expected', () => {
    const automation = { schemaVersion: '0.3', mainSteps: [{ name: 'a', action: 'aws:executeAwsApi' }] };

    const message = messageOf(() => parseFisTemplate(automation, SOURCE));

    expect(message).toContain(
      'experiments[1].fault.fisTemplate.file: faults/t.json: is an SSM Automation document',
    );
    expect(message).toContain('Expected a FIS experiment template JSON');
  });

  it('rejects JSON without actions, listing the keys it found', () => {
    const message = messageOf(() => parseFisTemplate({ Resources: {} }, SOURCE));

    expect(message).toContain('has no "actions" (found keys: Resources)');
  });

  it('rejects a template with more than the 20 actions FIS allows, counting the waits startAfterDelay adds', () => {
    const stop = { actionId: 'aws:ec2:stop-instances', targets: { Instances: 'Instances' } };
    const actions = Object.fromEntries(
      Array.from({ length: 11 }, (_, i) => [
        `Stop${i}`,
        i === 0 ? stop : { ...stop, startAfterDelay: 'PT1M' },
      ]),
    );

    const message = messageOf(() => parseFisTemplate(template({ actions }), SOURCE));

    expect(message).toMatch(
      /has 21 actions \(10 of them aws:fis:wait actions made from startAfterDelay\); FIS allows at most 20 per experiment template/,
    );
  });

  it('rejects a template with more than the 5 stop conditions FIS allows', () => {
    const stopConditions = Array.from({ length: 6 }, (_, i) => ({
      source: 'aws:cloudwatch:alarm',
      value: `arn:aws:cloudwatch:eu-central-1:123456789012:alarm:a${i}`,
    }));

    const message = messageOf(() => parseFisTemplate(template({ stopConditions }), SOURCE));

    expect(message).toMatch(/has 6 stop conditions; FIS allows at most 5 per experiment template/);
  });

  it('rejects an unknown action id and suggests known ones of the same service', () => {
    const bad = template({
      actions: { Stop: { actionId: 'aws:ec2:stop-instance', targets: { Instances: 'Instances' } } },
    });

    const message = messageOf(() => parseFisTemplate(bad, SOURCE));

    expect(message).toMatch(
      /actions\.Stop\.actionId "aws:ec2:stop-instance" is not a known FIS action \(similar: aws:ec2:/,
    );
  });

  it('rejects a target with neither resourceTags nor resourceArns', () => {
    const bad = template({
      targets: { Instances: { resourceType: 'aws:ec2:instance', selectionMode: 'ALL' } },
    });

    const message = messageOf(() => parseFisTemplate(bad, SOURCE));

    expect(message).toContain('targets.Instances has neither resourceTags nor resourceArns');
  });

  it('rejects more than 5 resource ARNs in a target', () => {
    const resourceArns = Array.from(
      { length: 6 },
      (_, i) => `arn:aws:ec2:eu-west-1:123456789012:instance/i-${i}`,
    );
    const bad = template({
      targets: { Instances: { resourceType: 'aws:ec2:instance', resourceArns, selectionMode: 'ALL' } },
    });

    const message = messageOf(() => parseFisTemplate(bad, SOURCE));

    expect(message).toContain('targets.Instances.resourceArns lists 6 ARNs; FIS allows at most 5');
  });

  it('rejects an action that names a target the template does not define', () => {
    const bad = template({
      actions: { Stop: { actionId: 'aws:ec2:stop-instances', targets: { Instances: 'Missing' } } },
    });

    const message = messageOf(() => parseFisTemplate(bad, SOURCE));

    expect(message).toContain('actions.Stop.targets.Instances names target "Missing"');
  });

  it('rejects documentParameters given as a JSON object instead of a string', () => {
    const bad = template({
      actions: {
        Run: {
          actionId: 'aws:ssm:send-command',
          parameters: { documentArn: 'arn:aws:ssm:eu-west-1::document/X', documentParameters: { a: '1' } },
          targets: { Instances: 'Instances' },
        },
      },
    });

    const message = messageOf(() => parseFisTemplate(bad, SOURCE));

    expect(message).toContain('actions.Run.parameters.documentParameters: action parameters must be strings');
  });

  it('rejects documentParameters whose values are numbers', () => {
    const bad = template({
      actions: {
        Run: {
          actionId: 'aws:ssm:send-command',
          parameters: {
            documentArn: 'arn:aws:ssm:eu-west-1::document/X',
            documentParameters: '{"DurationSeconds": 60}',
          },
          targets: { Instances: 'Instances' },
        },
      },
    });

    const message = messageOf(() => parseFisTemplate(bad, SOURCE));

    expect(message).toContain('documentParameters must have only string (or string array) values');
    expect(message).toContain('DurationSeconds: 60');
  });

  it('turns startAfterDelay, which FIS does not know, into an aws:fis:wait action', () => {
    const withDelay = template({
      actions: {
        First: { actionId: 'aws:fis:wait', parameters: { duration: 'PT1M' } },
        Then: {
          actionId: 'aws:fis:wait',
          parameters: { duration: 'PT2M' },
          startAfter: ['First'],
          startAfterDelay: 'PT5M',
        },
      },
    });

    const parsed = parseFisTemplate(withDelay, SOURCE);

    expect(parsed.actions['Then-delay']).toMatchObject({
      actionId: 'aws:fis:wait',
      parameters: { duration: 'PT5M' },
      startAfter: ['First'],
    });
    expect(parsed.actions.Then?.startAfter).toEqual(['Then-delay']);
  });
});

describe('documentParametersProblem', () => {
  it.each([['{"DurationSeconds":"60","CPU":"0"}'], ['{"commands":["echo a","echo b"]}']])(
    'accepts %s',
    (text) => {
      expect(documentParametersProblem(text)).toBeUndefined();
    },
  );

  it.each([
    ['not json', /not JSON/],
    ['["a"]', /JSON object of string values/],
    ['{"InstallDependencies": true}', /InstallDependencies: true/],
  ])('refuses %s', (text, pattern) => {
    expect(documentParametersProblem(text)).toMatch(pattern);
  });
});

describe('readFisTemplateFile', () => {
  it('rejects a missing file, naming where it looked', () => {
    const message = messageOf(() => readFisTemplateFile('/nonexistent/t.json', SOURCE));

    expect(message).toContain('faults/t.json: file not found (looked at /nonexistent/t.json)');
  });

  it('rejects a file that is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fis-'));
    const path = join(dir, 't.json');
    writeFileSync(path, '{ not json');

    const message = messageOf(() => readFisTemplateFile(path, SOURCE));

    expect(message).toContain('faults/t.json: is not valid JSON');
  });
});

describe('templateDurationSeconds', () => {
  it('is the longest startAfter chain of action durations', () => {
    const parsed = parseFisTemplate(
      template({
        actions: {
          Wait: { actionId: 'aws:fis:wait', parameters: { duration: 'PT5M' } },
          Stop: {
            actionId: 'aws:ec2:stop-instances',
            parameters: { startInstancesAfterDuration: 'PT10M' },
            targets: { Instances: 'Instances' },
            startAfter: ['Wait'],
          },
          Parallel: { actionId: 'aws:fis:wait', parameters: { duration: 'PT12M' } },
        },
      }),
      SOURCE,
    );

    expect(templateDurationSeconds(parsed)).toBe(15 * 60);
  });

  it('is undefined when no action has a duration', () => {
    const parsed = parseFisTemplate(
      template({
        actions: { Kill: { actionId: 'aws:ec2:terminate-instances', targets: { Instances: 'Instances' } } },
      }),
      SOURCE,
    );

    expect(templateDurationSeconds(parsed)).toBeUndefined();
  });
});

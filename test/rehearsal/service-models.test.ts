import { SSMClient, SendCommandCommand } from '@aws-sdk/client-ssm';
import type { RecordedCall } from '../../lib/rehearsal/simulated-account';
import type { RehearsalResult } from '../../lib/rehearsal/engine';
import {
  botocoreDataDir,
  checkCall,
  checkCalls,
  checkShape,
  formatFigures,
  loadServiceModel,
  operationOfSdkCommand,
  staleAllowances,
  type CheckedCallInput,
  type ModelAllowance,
  type ModelCheckFigures,
} from '../support/aws-service-models';
import { MODEL_ALLOWANCES } from '../support/service-model-allowances';
import { PREFLIGHT_CASES, preflightCalls } from '../support/preflight-catalogue';
import { catalogue, rehearseCase, shippedScenarios } from '../support/rehearsal-catalogue';

/**
 * Every AWS call of the rehearsed runs (requests, and the simulated account's answers) checked against
 * AWS's own service models (Debian's python3-botocore, see test/support/aws-service-models.ts).
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const call = (service: string, command: string, input: unknown, output?: unknown): RecordedCall =>
  ({
    at: '2026-12-01T09:00:00.000Z',
    service,
    command,
    input,
    ...(output !== undefined ? { output } : {}),
  }) as RecordedCall;
const ids = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => `i-0a1b2c3d4e5f6${String(i).padStart(4, '0')}`);
const messages = (findings: readonly { message: string }[]): string[] => findings.map((f) => f.message);

describe('the AWS service-model check', () => {
  it('reads the models from python3-botocore, or from BOTOCORE_DATA', () => {
    expect(botocoreDataDir({})).toBe('/usr/lib/python3/dist-packages/botocore/data');
    expect(botocoreDataDir({ BOTOCORE_DATA: '/opt/botocore/data' })).toBe('/opt/botocore/data');
  });

  it('fails with the package and the variable to set when the models are missing', () => {
    expect(() => loadServiceModel('ssm', '/nonexistent')).toThrow(
      /install Debian's python3-botocore .* BOTOCORE_DATA/,
    );
  });

  it('maps SDK v3 clients and commands to botocore service ids and operations', () => {
    const client = new SSMClient({ region: 'eu-central-1' });

    expect(operationOfSdkCommand(client, new SendCommandCommand({ DocumentName: 'x' }))).toEqual({
      service: 'ssm',
      operation: 'SendCommand',
    });
  });

  it('accepts a valid SendCommand', () => {
    const check = checkCall(
      call('ssm', 'SendCommand', { DocumentName: 'AWSFIS-Run-CPU-Stress', InstanceIds: ids(50) }),
    );

    expect(check.request).toEqual([]);
  });

  it('fails a SendCommand with 51 InstanceIds (the model allows 50)', () => {
    const check = checkCall(
      call('ssm', 'SendCommand', { DocumentName: 'AWSFIS-Run-CPU-Stress', InstanceIds: ids(51) }),
    );

    expect(check.request).toEqual([
      {
        kind: 'invalid',
        path: 'InstanceIds',
        message: 'list of 51 item(s): size 51 is above the maximum 50',
      },
    ]);
  });

  it('fails a CancelCommand with a 42-character command id (ids are 36)', () => {
    const check = checkCall(
      call('ssm', 'CancelCommand', { CommandId: 'rehearsal-0001-0000-4000-8000-000000000000' }),
    );

    expect(messages(check.request)).toEqual(['length 42 is above the maximum 36']);
  });

  it('fails an answer with a malformed id', () => {
    const check = checkCall(
      call(
        'ssm',
        'SendCommand',
        { DocumentName: 'AWSFIS-Run-CPU-Stress', InstanceIds: ids(1) },
        {
          Command: { CommandId: 'rehearsal-0001-0000-4000-8000-000000000000' },
        },
      ),
    );

    expect(check.answer).toEqual([
      { kind: 'invalid', path: 'Command.CommandId', message: 'length 42 is above the maximum 36' },
    ]);
  });

  it('fails a missing required member, a pattern, an enum, a number range and a nested structure', () => {
    const model = loadServiceModel('ssm');

    const findings = checkShape(model, 'ListCommandsRequest', {
      CommandId: 'x'.repeat(36),
      InstanceId: 'web-1',
      MaxResults: 51,
      Filters: [{ key: 'Colour', value: '' }, { value: 'Success' }],
    });

    expect(findings.map((f) => `${f.kind} ${f.path}`)).toEqual([
      'invalid InstanceId',
      'invalid MaxResults',
      'unknown-enum Filters[0].key',
      'invalid Filters[0].value',
      'invalid Filters[1].key',
    ]);
  });

  it('fails a timestamp that is not a Date (the SDK sends and gives Dates)', () => {
    const findings = checkShape(loadServiceModel('cloudwatch'), 'GetMetricDataInput', {
      MetricDataQueries: [],
      StartTime: '2026-12-01T09:00:00Z',
      EndTime: new Date('2026-12-01T10:00:00Z'),
    });

    expect(findings.map((f) => f.path)).toEqual(['StartTime']);
  });

  it('reports a member unknown to the model, and lets it through only with a listed allowance', () => {
    const unknown = call('ssm', 'GetParameter', { Name: '/kill-switch', Colour: 'blue' });
    const allowance: ModelAllowance = {
      operation: 'ssm:GetParameter',
      direction: 'request',
      kind: 'unknown-member',
      path: 'Colour',
      why: 'test',
    };

    const without = checkCalls([{ name: 'test', calls: [unknown] }], []);
    const withIt = checkCalls([{ name: 'test', calls: [unknown] }], [allowance]);

    expect([without.validRequests, without.problems]).toEqual([
      0,
      ['test: ssm:GetParameter request Colour: GetParameterRequest has no member Colour in this model'],
    ]);
    expect([withIt.validRequests, [...withIt.allowed.entries()]]).toEqual([1, [[allowance, 1]]]);
  });

  it('fails an error answer the operation does not model and that is no common AWS error', () => {
    const failed = {
      ...call('ssm', 'CancelCommand', { CommandId: 'x'.repeat(36) }),
      error: 'NoSuchCommand: gone',
    };

    expect(messages(checkCall(failed).answer)).toEqual([
      'NoSuchCommand is neither an error of CancelCommand (InternalServerError, InvalidCommandId, InvalidInstanceId, DuplicateInstanceId) nor a common AWS error',
    ]);
  });

  it('lists no allowance the installed model no longer needs', () => {
    expect(staleAllowances(MODEL_ALLOWANCES)).toEqual([]);
  });

  it('flags an allowance as stale once the model knows the member', () => {
    const known: ModelAllowance = {
      operation: 'ssm:SendCommand',
      direction: 'request',
      kind: 'unknown-member',
      path: 'Comment',
      why: 'test',
    };

    expect(staleAllowances([known])).toEqual([known]);
  });
});

describe('every AWS call of the rehearsed runs and offline preflights, against the AWS service models', () => {
  const cases = catalogue();
  const runs = new Map<string, RehearsalResult>();
  let figures: ModelCheckFigures;
  const preflightSources: { name: string; calls: readonly CheckedCallInput[] }[] = [];
  const run = (name: string): RehearsalResult => {
    const found = runs.get(name);
    if (!found) throw new Error(`no rehearsal ${name} in the catalogue`);
    return found;
  };

  beforeAll(async () => {
    const sources = [];
    for (const entry of cases) {
      const result = await rehearseCase(entry);
      if (result.rehearsal) runs.set(entry.name, result.rehearsal);
      sources.push({ name: entry.name, calls: result.calls });
    }
    for (const entry of PREFLIGHT_CASES) {
      preflightSources.push({ name: entry.name, calls: await preflightCalls(entry) });
    }
    sources.push(...preflightSources);
    figures = checkCalls(sources, MODEL_ALLOWANCES);
    console.log(
      `${cases.length} runs (rehearsals and direct function calls), ${PREFLIGHT_CASES.length} offline preflights\n${formatFigures(figures)}`,
    );
  }, 240_000);

  it('covers every operation of the preflight, its error answers included', () => {
    const preflightOperations = [
      'scheduler:GetSchedule',
      'iam:GetRole',
      'iam:SimulatePrincipalPolicy',
      'service-quotas:ListServiceQuotas',
      'sns:ListSubscriptionsByTopic',
      'ssm:DescribeInstanceInformation',
      'ssm:DescribeDocument',
      'ssm:GetCalendarState',
      'ssm:GetParameter',
      'fis:GetSafetyLever',
      'fis:GetExperimentTemplate',
      'ec2:DescribeInstances',
      'cloudwatch:DescribeAlarms',
      'autoscaling:DescribeAutoScalingGroups',
    ];

    const preflight = checkCalls(preflightSources, MODEL_ALLOWANCES);

    expect([...preflight.operations.keys()]).toEqual(expect.arrayContaining(preflightOperations));
    // Missing schedule (ResourceNotFoundException), role (NoSuchEntityException), document (InvalidDocument).
    expect(preflight.errors).toBeGreaterThanOrEqual(3);
    expect(preflight.problems).toEqual([]);
  });

  it('covers every shipped scenario in FIS and SSM mode', () => {
    const names = cases.map((c) => c.name);

    expect(names).toEqual(
      expect.arrayContaining(shippedScenarios().flatMap((s) => [`FIS, ${s}`, `SSM, ${s}`])),
    );
  });

  it('covers every function that calls AWS, the sweep included', () => {
    const states = new Set([...runs.values()].flatMap((r) => r.callStates.filter((s) => s !== undefined)));

    expect([...states].sort()).toEqual(
      expect.arrayContaining([
        'CheckGuardRails',
        'CheckSteadyStateAfter',
        'CheckSteadyStateBefore',
        'PollStopConditions',
        'PublishResults',
        'RecheckGuardRails',
        'ReleaseRunLock',
        'StartFault',
        'StopFault',
        'StopFaultAfterError',
        'Sweep',
      ]),
    );
  });

  it('finds every request valid (100 %)', () => {
    expect(figures.problems.filter((p) => p.includes(' request '))).toEqual([]);
    expect(figures.validRequests).toBe(figures.requests);
    expect(figures.requests).toBeGreaterThan(1000);
  });

  it('finds every answer of the simulated account valid (100 %)', () => {
    expect(figures.problems.filter((p) => p.includes(' answer '))).toEqual([]);
    expect(figures.validAnswers).toBe(figures.answers);
  });

  it('reports what the installed model does not know through the listed allowances, each of them used', () => {
    expect([...figures.allowed.keys()]).toEqual(expect.arrayContaining([...MODEL_ALLOWANCES]));
  });

  it('fails when one request of a rehearsal goes over a limit (deliberate break)', () => {
    const healthy = run('SSM, healthy');
    const broken = healthy.calls.map((c) =>
      c.command === 'SendCommand' ? { ...c, input: { ...(c.input as object), InstanceIds: ids(51) } } : c,
    );

    const result = checkCalls([{ name: 'broken', calls: broken }], MODEL_ALLOWANCES);

    expect(result.requests - result.validRequests).toBe(1);
    expect(result.problems).toEqual([
      'broken: ssm:SendCommand request InstanceIds: list of 51 item(s): size 51 is above the maximum 50',
    ]);
  });

  it('fails when one answer of a rehearsal carries a malformed id (deliberate break)', () => {
    const healthy = run('SSM, healthy');
    const broken = healthy.calls.map((c) =>
      c.command === 'SendCommand'
        ? { ...c, output: { Command: { CommandId: `rehearsal-${'0'.repeat(32)}` } } }
        : c,
    );

    const result = checkCalls([{ name: 'broken', calls: broken }], MODEL_ALLOWANCES);

    expect(result.answers - result.validAnswers).toBe(1);
    expect(result.problems).toEqual([
      'broken: ssm:SendCommand answer Command.CommandId: length 42 is above the maximum 36',
    ]);
  });

  it('after a FIS run is stopped mid-fault, the sweep stops the experiment, releases the lock and publishes', () => {
    const result = run('FIS, execution stopped mid-fault, then the sweep');
    const experiment = result.account.fisExperiments[0];

    expect(result.status).toBe('ABORTED');
    expect(result.sweep?.stopped).toEqual([experiment?.id]);
    expect(result.sweep?.runLock.released).toBe(true);
    expect(result.journal?.experiments.map((e) => e.outcome)).toEqual(['failed']);
  });

  describe('SSM mode at any fleet size (120 targets)', () => {
    const sends = (r: RehearsalResult): RecordedCall[] =>
      r.calls.filter((c) => c.command === 'SendCommand' && c.error === undefined);
    const commandIds = (r: RehearsalResult): string[] =>
      sends(r).map((c) => (c.output as { Command: { CommandId: string } }).Command.CommandId);
    const cancelled = (r: RehearsalResult): string[] =>
      r.calls
        .filter((c) => c.command === 'CancelCommand' && c.error === undefined)
        .map((c) => (c.input as { CommandId: string }).CommandId);

    it('sends three commands of at most 50 instance ids, covering all 120 once', () => {
      const result = run('SSM, 120 targets');
      const chunks = sends(result).map((c) => (c.input as { InstanceIds: string[] }).InstanceIds);

      expect(chunks.map((c) => c.length)).toEqual([50, 50, 20]);
      expect(new Set(chunks.flat()).size).toBe(120);
      expect(commandIds(result).every((id) => UUID.test(id))).toBe(true);
      expect(result.journal?.experiments.map((e) => e.outcome)).toEqual(['passed']);
    });

    it('on a stop condition, cancels all three commands, confirms them, and reports all three', () => {
      const result = run('SSM, 120 targets, stop condition fires');
      const experiment = result.journal?.experiments[0];
      const sent = commandIds(result);

      expect(sent).toHaveLength(3);
      expect(cancelled(result).sort()).toEqual([...sent].sort());
      expect(experiment?.outcome).toBe('aborted');
      expect(experiment?.fault?.commandIds).toEqual(sent);
      expect(experiment?.stop?.confirmedState).toBe('cancelled');
      for (const id of sent) {
        expect(result.reportHtml).toContain(id);
        expect(result.emailText).toContain(id);
      }
    });

    it('on an error after the start, finds all three commands by run id and cancels them', () => {
      const result = run('SSM, 120 targets, PollStopConditions fails (error path stops by run id)');

      expect(cancelled(result).sort()).toEqual(commandIds(result).sort());
      expect(result.journal?.experiments[0]?.stop?.confirmedState).toBe('cancelled');
    });

    it('after the execution is stopped mid-fault, the sweep cancels all three and publishes the failure', () => {
      const result = run('SSM, 120 targets, execution stopped mid-fault, then the sweep');

      expect(result.status).toBe('ABORTED');
      expect([...(result.sweep?.stopped ?? [])].sort()).toEqual(commandIds(result).sort());
      expect(cancelled(result).sort()).toEqual(commandIds(result).sort());
      expect(result.journal?.experiments.map((e) => e.outcome)).toEqual(['failed']);
    });
  });
});

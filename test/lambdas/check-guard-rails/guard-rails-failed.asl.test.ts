// CheckGuardRails failing after its retries must still publish the run (the ASL's Catch path).
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { StateMachine } from 'aws-local-stepfunctions';
import type { PublishInput, RunConfig } from '../../../lambdas/shared/types';
import { localFunctionArns, renderDefinition, substitute } from '../../../lib/workflow/definition';
import { createTaskHandlers } from '../../../lib/workflow/task-handlers';
import { webCpu80Plan } from '../../fixtures/results';
import { mockRuntime } from '../check-steady-state/mock-runtime';

const other = { ...webCpu80Plan, name: 'api-cpu-50' };
const config: RunConfig = {
  configHash: 'hash',
  plans: { [webCpu80Plan.name]: webCpu80Plan, [other.name]: other },
};

async function run(input: object, breakGuardRails: (mocks: ReturnType<typeof mockRuntime>) => void) {
  const mocks = mockRuntime();
  breakGuardRails(mocks);
  const published: PublishInput[] = [];
  const handlers = createTaskHandlers(mocks.runtime, (publish) => {
    published.push(publish);
    return Promise.resolve({
      journal: 'ok',
      report: 'ok',
      metrics: 'ok',
      email: 'ok',
      journalKey: 'j',
      reportKey: 'r',
    });
  });
  const text = substitute(renderDefinition(config), {
    ...localFunctionArns(),
    FisTemplateId_web_cpu_80: 'EXT1',
  });
  const machine = new StateMachine(JSON.parse(text) as never, { validationOptions: { checkArn: false } });
  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: handlers as never,
      retryIntervalOverrides: { CheckGuardRails: 0, GuardRailsFailed: 0 },
    },
    context: {
      Execution: { Id: 'arn:aws:states:eu-central-1:123456789012:execution:sm:run-1', Name: 'run-1' },
      StateMachine: { Id: 'arn:aws:states:eu-central-1:123456789012:stateMachine:sm', Name: 'sm' },
    },
  });
  await execution.result;
  return { published, mocks };
}

describe('run-experiments.asl.json when CheckGuardRails fails', () => {
  it('publishes a failed result per requested experiment instead of failing silently', async () => {
    const { published } = await run({ trigger: 'schedule', experiments: ['web-cpu-80'] }, (mocks) => {
      mocks.ssm
        .on(GetParameterCommand)
        .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    });

    expect(published[0]?.results.map((r) => [r.name, r.outcome])).toEqual([['web-cpu-80', 'failed']]);
  });

  it('says in the result what failed and what to check', async () => {
    const { published } = await run({ trigger: 'schedule', experiments: ['web-cpu-80'] }, (mocks) => {
      mocks.ssm
        .on(GetParameterCommand)
        .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    });

    const result = published[0]?.results[0];
    expect(result?.reason).toContain('guard rails could not be checked (AwsCallError');
    expect(result?.advice).toContain('kill-switch parameter');
  });

  it('records the guard rails as not allowed', async () => {
    const { published } = await run({ trigger: 'schedule' }, (mocks) => {
      mocks.ssm
        .on(GetParameterCommand)
        .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    });

    expect(published[0]?.guardRails?.allowed).toBe(false);
    expect(published[0]?.results.map((r) => r.name)).toEqual(['web-cpu-80', 'api-cpu-50']);
  });

  it('publishes the deployed experiments asked for and names the unknown one in the reason', async () => {
    const { published } = await run(
      { trigger: 'manual', experiments: ['web-cpu-80', 'web-cpu-99'] },
      () => undefined,
    );

    expect(published[0]?.results.map((r) => r.name)).toEqual(['web-cpu-80']);
    expect(published[0]?.guardRails?.reason).toContain('unknown experiment "web-cpu-99"');
  });
});

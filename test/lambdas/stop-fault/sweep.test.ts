import { GetExperimentCommand, ListExperimentsCommand, StopExperimentCommand } from '@aws-sdk/client-fis';
import { DescribeStateMachineForExecutionCommand } from '@aws-sdk/client-sfn';
import type { Runtime } from '../../../lambdas/shared/aws';
import { sweepRun, type ExecutionStatusChangeEvent } from '../../../lambdas/stop-fault/sweep';
import { renderDefinition } from '../../../lib/workflow/definition';
import { createMocks, fisPlan, runConfigOf, SETTINGS, T0 } from '../../workflow/harness';

const event: ExecutionStatusChangeEvent = {
  source: 'aws.states',
  'detail-type': 'Step Functions Execution Status Change',
  detail: {
    executionArn: 'arn:aws:states:eu-central-1:123456789012:execution:sm:run-9',
    stateMachineArn: 'arn:aws:states:eu-central-1:123456789012:stateMachine:sm',
    name: 'run-9',
    status: 'TIMED_OUT',
    startDate: T0,
    input: '{"trigger":"schedule"}',
  },
};

function setUp(status: string) {
  const mocks = createMocks();
  const runtime: Runtime = {
    clients: mocks.clients,
    settings: SETTINGS,
    now: () => new Date(T0 + 3_600_000),
    fetch,
  };
  mocks.sfn
    .on(DescribeStateMachineForExecutionCommand)
    .resolves({ definition: renderDefinition(runConfigOf(fisPlan())) });
  mocks.fis.on(ListExperimentsCommand).resolves({
    experiments: [
      { id: 'EXP9', state: { status: status as never }, tags: { 'chaos-cadence:run-id': 'run-9' } },
      { id: 'EXPother', state: { status: 'running' }, tags: { 'chaos-cadence:run-id': 'another-run' } },
    ],
  });
  let stopped = false;
  mocks.fis.on(StopExperimentCommand).callsFake(() => {
    stopped = true;
    return {};
  });
  mocks.fis
    .on(GetExperimentCommand)
    .callsFake(() => ({ experiment: { id: 'EXP9', state: { status: stopped ? 'stopped' : status } } }));
  return { mocks, runtime };
}

describe('sweepRun', () => {
  it('stops the running FIS experiment tagged with the run id, and only that one', async () => {
    const { mocks, runtime } = setUp('running');
    const outcome = await sweepRun(event, runtime);
    expect(outcome.stopped).toEqual(['EXP9']);
    expect(mocks.fis).toHaveReceivedCommandTimes(StopExperimentCommand, 1);
    expect(mocks.fis).toHaveReceivedCommandWith(StopExperimentCommand, { id: 'EXP9' });
  });

  it('returns a failed result per experiment of the run for PublishResults', async () => {
    const { runtime } = setUp('completed');
    const outcome = await sweepRun(event, runtime);
    expect(outcome.publish.run.runId).toBe('run-9');
    expect(outcome.publish.results.map((r) => [r.name, r.outcome])).toEqual([['web-cpu-80', 'failed']]);
    expect(outcome.publish.results[0]?.reason).toContain('TIMED_OUT');
  });

  it('does not stop an experiment that already ended', async () => {
    const { mocks, runtime } = setUp('completed');
    await sweepRun(event, runtime);
    expect(mocks.fis).not.toHaveReceivedCommand(StopExperimentCommand);
  });
});

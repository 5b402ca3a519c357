import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { manualRunId } from '../../lib/cli/commands/run';
import { STACK_OUTPUTS, describeStacksOutput, runCli } from './helpers';

const cloudFormation = mockClient(CloudFormationClient);
const sfn = mockClient(SFNClient);

const EXECUTION_ARN =
  'arn:aws:states:eu-central-1:123456789012:execution:ChaosCadenceRunExperiments:manual-20261201T100000Z-abc123';
const START = new Date('2026-12-01T10:00:00Z');

function at(seconds: number): Date {
  return new Date(START.getTime() + seconds * 1000);
}

function entered(id: number, seconds: number, name: string): HistoryEvent {
  return {
    id,
    timestamp: at(seconds),
    type: 'TaskStateEntered',
    stateEnteredEventDetails: { name },
  };
}

const RESULT = {
  name: 'web-cpu-80',
  application: 'sock-shop',
  outcome: 'passed',
  reason: 'hypothesis held: steady again 40 s after the fault',
  recoverySeconds: 40,
};

beforeEach(() => {
  cloudFormation.reset();
  sfn.reset();
  cloudFormation.on(DescribeStacksCommand).resolves(describeStacksOutput());
  sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: START });
});

describe('manualRunId', () => {
  it('names the run after its trigger, the UTC start time and a random suffix', () => {
    expect(manualRunId(new Date('2026-12-01T10:00:00.123Z'), 'abc123')).toBe(
      'manual-20261201T100000Z-abc123',
    );
  });
});

describe('chaos-cadence run', () => {
  it('starts the state machine from the stack outputs with a manual trigger and the run id as name', async () => {
    const result = await runCli(['run', 'web-cpu-80', '--dry-run']);

    expect(result.code).toBe(0);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: STACK_OUTPUTS.StateMachineArn,
      name: 'manual-20261201T100000Z-abc123',
      input: JSON.stringify({ experiments: ['web-cpu-80'], trigger: 'manual', dryRun: true }),
    });
  });

  it('asks for every enabled experiment when none is named', async () => {
    await runCli(['run']);

    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      input: JSON.stringify({ experiments: [], trigger: 'manual', dryRun: false }),
    });
  });

  it('prints the run id and the console link of the execution without waiting for it', async () => {
    const result = await runCli(['run']);

    expect(result.stdout).toContain('Started run manual-20261201T100000Z-abc123: every enabled experiment');
    expect(result.stdout).toContain(`#/v2/executions/details/${EXECUTION_ARN}`);
    expect(sfn).not.toHaveReceivedCommand(DescribeExecutionCommand);
  });

  it('with --wait prints each state entered once, in order, with the time into the run', async () => {
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce({
        status: 'RUNNING',
        startDate: START,
        executionArn: EXECUTION_ARN,
        stateMachineArn: 'x',
      })
      .resolves({
        status: 'SUCCEEDED',
        startDate: START,
        executionArn: EXECUTION_ARN,
        stateMachineArn: 'x',
        output: JSON.stringify({
          run: {},
          results: [RESULT],
          published: { journalKey: 'runs/2026/12/x.json' },
        }),
      });
    const first = [entered(2, 0, 'CheckGuardRails'), entered(3, 15, 'PollStopConditions')];
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: [{ id: 1, timestamp: START, type: 'ExecutionStarted' }, ...first] })
      .resolves({
        events: [
          { id: 1, timestamp: START, type: 'ExecutionStarted' },
          ...first,
          entered(4, 375, 'PublishResults'),
        ],
      });

    const result = await runCli(['run', '--wait']);

    const progress = result.stdout.split('\n').filter((line) => line.startsWith('+'));
    expect(progress).toEqual([
      '+  0:00  CheckGuardRails',
      '+  0:15  PollStopConditions',
      '+  6:15  PublishResults',
    ]);
  });

  it('with --wait ends with the verdict per experiment and exit 3 when an experiment deviated', async () => {
    sfn.on(DescribeExecutionCommand).resolves({
      status: 'SUCCEEDED',
      startDate: START,
      executionArn: EXECUTION_ARN,
      stateMachineArn: 'x',
      output: JSON.stringify({
        run: {},
        results: [{ ...RESULT, outcome: 'deviated', reason: 'no recovery' }],
      }),
    });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });

    const result = await runCli(['run', '--wait']);

    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(
      /Verdict:\n {2}web-cpu-80 {2}DEVIATED {2}no recovery \(time to stop -, recovery 40 s\)/,
    );
  });

  function succeededWith(outcomes: readonly string[]): void {
    sfn.on(DescribeExecutionCommand).resolves({
      status: 'SUCCEEDED',
      startDate: START,
      executionArn: EXECUTION_ARN,
      stateMachineArn: 'x',
      output: JSON.stringify({
        run: {},
        results: outcomes.map((outcome, i) => ({ ...RESULT, name: `experiment-${i}`, outcome })),
      }),
    });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
  }

  it.each<[string, number]>([
    ['passed', 0],
    ['deviated', 3],
    ['aborted', 4],
    ['inconclusive', 5],
    ['skipped', 6],
    ['failed', 7],
  ])('with --wait exits with the code of the outcome %s (%i)', async (outcome, code) => {
    succeededWith([outcome]);

    const result = await runCli(['run', '--wait']);

    expect(result.code).toBe(code);
  });

  it('with --wait exits 5, not 0, when one experiment passed and another was inconclusive', async () => {
    succeededWith(['passed', 'inconclusive']);

    const result = await runCli(['run', '--wait']);

    expect(result.code).toBe(5);
  });

  it('with --wait exits 6 when the execution succeeded without any experiment (nothing was injected)', async () => {
    succeededWith([]);

    const result = await runCli(['run', '--wait']);

    expect(result.code).toBe(6);
    expect(result.stdout).toContain('no experiment ran');
  });

  it('with --wait fails with exit 1 and the error when the execution failed', async () => {
    sfn.on(DescribeExecutionCommand).resolves({
      status: 'FAILED',
      startDate: START,
      executionArn: EXECUTION_ARN,
      stateMachineArn: 'x',
      error: 'States.Timeout',
      cause: 'the execution timed out',
    });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });

    const result = await runCli(['run', '--wait']);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: run manual-20261201T100000Z-abc123 ended FAILED (States.Timeout: the execution timed out) (hint: see the execution in the console (link above))\n',
    );
  });

  it('with --wait polls again after a pause while the execution is running', async () => {
    const pauses: number[] = [];
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce({
        status: 'RUNNING',
        startDate: START,
        executionArn: EXECUTION_ARN,
        stateMachineArn: 'x',
      })
      .resolves({ status: 'ABORTED', startDate: START, executionArn: EXECUTION_ARN, stateMachineArn: 'x' });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
    const { testCli } = await import('./helpers');
    const cli = testCli({
      sleep: (ms) => {
        pauses.push(ms);
        return Promise.resolve();
      },
    });

    const result = await runCli(['run', '--wait'], cli);

    expect(pauses).toEqual([5000]);
    expect(result.code).toBe(1);
  });
});

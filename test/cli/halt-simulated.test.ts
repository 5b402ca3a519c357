// `chaos-cadence halt` against a simulated account: two running FIS experiments and one SSM command of
// the stack's runs (and one experiment of a run that is not the stack's), stopped at once and printed.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { StartExperimentCommand } from '@aws-sdk/client-fis';
import { S3Client } from '@aws-sdk/client-s3';
import { SendCommandCommand } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import type { CliClients } from '../../lib/cli/context';
import { parseScenario, type ScenarioInput } from '../../lib/rehearsal/scenario';
import { createSimulatedAccount, type SimulatedAccount } from '../../lib/rehearsal/simulated-account';
import { STACK_OUTPUTS, describeStacksOutput, runCli, testCli } from './helpers';

const START = Date.parse('2026-12-01T10:00:00Z');
const TEMPLATE = 'EXTweb';
const RUN = 'schedule-2026-12-01';
const cloudFormation = mockClient(CloudFormationClient);

function world(apiFailures: ScenarioInput['apiFailures'] = []) {
  let nowMs = START;
  const scenario = parseScenario({
    now: new Date(START - 60_000).toISOString(),
    instances: [{ id: 'i-0a1', tags: { app: 'shop' } }],
    fis: { end: 'completed', at: 'fault+3600s' },
    ssm: { end: 'Success', at: 'fault+3600s' },
    apiFailures,
  });
  const account: SimulatedAccount = createSimulatedAccount(
    scenario,
    { nowMs: () => nowMs, trackIo: (work) => work },
    {
      settings: {
        region: 'eu-central-1',
        account: '123456789012',
        partition: 'aws',
        killSwitchParameter: STACK_OUTPUTS.KillSwitchParameterName,
        allowedHours: { days: [], start: '00:00', end: '00:00' },
        timeZone: 'UTC',
        resultsBucket: 'b',
        topicArn: 't',
        dashboardName: 'd',
        stackName: 'ChaosCadence',
        runLockTable: 'ChaosCadence-run-lock',
      },
      fisTemplates: { [TEMPLATE]: { durationSeconds: 3600 } },
      ownExecutionArn: `${STACK_OUTPUTS.StateMachineArn.replace(':stateMachine:', ':execution:')}:${RUN}`,
    },
  );
  const clients: CliClients = {
    cloudFormation: new CloudFormationClient({ region: 'eu-central-1' }),
    s3: new S3Client({ region: 'eu-central-1' }),
    sfn: account.clients.sfn,
    ssm: account.clients.ssm,
    fis: account.clients.fis,
    dynamodb: account.clients.dynamodb as NonNullable<typeof account.clients.dynamodb>,
  };
  const cli = testCli({
    clients: () => clients,
    now: () => new Date(nowMs),
    sleep: (ms) => {
      nowMs += ms;
      return Promise.resolve();
    },
  });
  return { account, cli, advance: (ms: number) => (nowMs += ms) };
}

async function startFaults(w: ReturnType<typeof world>): Promise<void> {
  const start = (runId: string, experiment: string) =>
    w.account.clients.fis.send(
      new StartExperimentCommand({
        experimentTemplateId: TEMPLATE,
        tags: { 'chaos-cadence:run-id': runId, 'chaos-cadence:experiment': experiment },
      }),
    );
  await start(RUN, 'web-cpu-80');
  await start(RUN, 'api-cpu-80');
  await start('someone-elses-run', 'other');
  await w.account.clients.ssm.send(
    new SendCommandCommand({
      DocumentName: 'AWSFIS-Run-CPU-Stress',
      InstanceIds: ['i-0a1'],
      Comment: `chaos-cadence:${RUN}:db-cpu-ssm`,
      Parameters: { DurationSeconds: ['3600'] },
    }),
  );
  w.advance(10_000);
}

beforeEach(() => {
  cloudFormation.reset();
  cloudFormation
    .on(DescribeStacksCommand)
    .resolves(describeStacksOutput({ ...STACK_OUTPUTS, RunLockTableName: 'ChaosCadence-run-lock' }));
});

describe('chaos-cadence halt (simulated account)', () => {
  it('stops both running experiments and the SSM command of the stack at once, prints each confirmed, exit 0', async () => {
    const w = world();
    await startFaults(w);

    const result = await runCli(['halt'], w.cli);

    const stopped = w.account.calls.filter(
      (c) => (c.command === 'StopExperiment' || c.command === 'CancelCommand') && !c.error,
    );
    expect(stopped.map((c) => c.input)).toEqual([
      { id: 'EXPrehearsal000001' },
      { id: 'EXPrehearsal000002' },
      { CommandId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown as string },
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /stopped FIS experiment EXPrehearsal000001 \(run schedule-2026-12-01, web-cpu-80\): confirmed stopped/,
    );
    expect(result.stdout).toMatch(/stopped FIS experiment EXPrehearsal000002 .*confirmed stopped/);
    expect(result.stdout).toMatch(
      /stopped SSM command [0-9a-f-]{36} \(run schedule-2026-12-01, db-cpu-ssm\): confirmed cancelled/,
    );
    expect(result.stdout).not.toContain('EXPrehearsal000003');
  });

  it('sends every stop before reading any fault state', async () => {
    const w = world();
    await startFaults(w);
    const first = w.account.calls.length;

    await runCli(['halt'], w.cli);

    const commands = w.account.calls.slice(first).map((c) => c.command);
    const lastStop = Math.max(commands.lastIndexOf('StopExperiment'), commands.lastIndexOf('CancelCommand'));
    const firstRead = Math.min(
      ...['GetExperiment', 'ListCommandInvocations'].map((c) => commands.indexOf(c)).filter((i) => i >= 0),
    );
    expect(lastStop).toBeLessThan(firstRead);
  });

  it('exits 1 naming the experiment whose stop FIS refuses, after stopping the others', async () => {
    const w = world([{ call: 'fis:StopExperiment', error: 'AccessDeniedException', times: 1 }]);
    await startFaults(w);

    const result = await runCli(['halt'], w.cli);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/NOT STOPPED FIS experiment EXPrehearsal000001 .*AccessDeniedException/);
    expect(result.stdout).toMatch(/stopped FIS experiment EXPrehearsal000002 .*confirmed stopped/);
    expect(result.stderr).toContain('halt could not stop or confirm: EXPrehearsal000001');
  });
});

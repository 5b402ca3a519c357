import {
  CancelCommandCommand,
  DescribeDocumentCommand,
  DescribeInstanceInformationCommand,
  GetCalendarStateCommand,
  GetParameterCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  ParameterNotFound,
  PutParameterCommand,
  SendCommandCommand,
} from '@aws-sdk/client-ssm';
import { START, KILL_SWITCH, setUp, errorOf } from './fixture';

describe('simulated SSM', () => {
  it('answers the kill switch from its timeline', async () => {
    const { account, clock } = setUp();
    clock.advance(600);

    const answer = await account.clients.ssm.send(new GetParameterCommand({ Name: KILL_SWITCH }));

    expect(answer.Parameter?.Value).toBe('on');
  });

  it('rejects an absent parameter with the SDK ParameterNotFound class', async () => {
    const { account } = setUp({ killSwitch: undefined });

    const error = await errorOf(account.clients.ssm.send(new GetParameterCommand({ Name: KILL_SWITCH })));

    expect(error).toBeInstanceOf(ParameterNotFound);
  });

  it('answers a parameter put during the run', async () => {
    const { account, clock } = setUp();
    await account.clients.ssm.send(
      new PutParameterCommand({ Name: KILL_SWITCH, Value: 'on', Overwrite: true }),
    );
    clock.advance(1);

    const answer = await account.clients.ssm.send(new GetParameterCommand({ Name: KILL_SWITCH }));

    expect(answer.Parameter?.Value).toBe('on');
  });

  it('answers the change calendar state', async () => {
    const { account } = setUp({ changeCalendar: 'CLOSED' });

    const answer = await account.clients.ssm.send(new GetCalendarStateCommand({ CalendarNames: ['freeze'] }));

    expect(answer.State).toBe('CLOSED');
  });

  it('runs a command on the tagged running instances for its duration', async () => {
    const { account, clock } = setUp();
    const sent = await account.clients.ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWSFIS-Run-CPU-Stress',
        Targets: [{ Key: 'tag:chaos-ready', Values: ['true'] }],
        Parameters: { DurationSeconds: ['120'] },
      }),
    );
    clock.advance(200);

    const answer = await account.clients.ssm.send(
      new ListCommandInvocationsCommand({ CommandId: sent.Command?.CommandId }),
    );

    expect(answer.CommandInvocations?.map((i) => [i.InstanceId, i.Status])).toEqual([['i-0001', 'Success']]);
  });

  it('finds a sent command by document and time, with its comment', async () => {
    const { account, clock } = setUp();
    await account.clients.ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWSFIS-Run-CPU-Stress',
        InstanceIds: ['i-0001'],
        Comment: 'run-1 web',
      }),
    );
    clock.advance(10);

    const answer = await account.clients.ssm.send(
      new ListCommandsCommand({
        Filters: [
          { key: 'DocumentName', value: 'AWSFIS-Run-CPU-Stress' },
          { key: 'InvokedAfter', value: new Date(START - 60_000).toISOString().replace('.000Z', 'Z') },
        ],
      }),
    );

    expect(answer.Commands?.map((c) => [c.Comment, c.Status])).toEqual([['run-1 web', 'InProgress']]);
  });

  it('rejects a ListCommands time filter in millisecond precision (the API documents whole seconds)', async () => {
    const { account } = setUp();

    const listing = account.clients.ssm.send(
      new ListCommandsCommand({ Filters: [{ key: 'InvokedAfter', value: new Date(START).toISOString() }] }),
    );

    await expect(listing).rejects.toThrow(/2026-12-01T09:00:00Z/);
  });

  it('cancels a running command', async () => {
    const { account, clock } = setUp();
    const sent = await account.clients.ssm.send(
      new SendCommandCommand({ DocumentName: 'AWSFIS-Run-CPU-Stress', InstanceIds: ['i-0001'] }),
    );
    clock.advance(10);

    await account.clients.ssm.send(new CancelCommandCommand({ CommandId: sent.Command?.CommandId }));
    clock.advance(5);
    const answer = await account.clients.ssm.send(
      new ListCommandInvocationsCommand({ CommandId: sent.Command?.CommandId }),
    );

    expect(answer.CommandInvocations?.[0]?.Status).toBe('Cancelled');
  });

  it('gives a command a 36-character UUID as its id, as SSM does', async () => {
    const { account } = setUp();

    const sent = await account.clients.ssm.send(
      new SendCommandCommand({ DocumentName: 'AWSFIS-Run-CPU-Stress', InstanceIds: ['i-0001'] }),
    );

    expect(sent.Command?.CommandId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('rejects a SendCommand with more than 50 InstanceIds with ValidationException, sending nothing', async () => {
    const { account } = setUp();
    const ids = Array.from({ length: 51 }, (_, i) => `i-${String(i).padStart(8, '0')}`);

    const error = await errorOf(
      account.clients.ssm.send(
        new SendCommandCommand({ DocumentName: 'AWSFIS-Run-CPU-Stress', InstanceIds: ids }),
      ),
    );

    expect([error.name, error.message]).toEqual([
      'ValidationException',
      expect.stringContaining(
        "at 'instanceIds' failed to satisfy constraint: Member must have length less than or equal to 50",
      ),
    ]);
    expect(account.ssmCommands).toEqual([]);
  });

  it('rejects a command id that is not 36 characters long with ValidationException', async () => {
    const { account } = setUp();

    const error = await errorOf(
      account.clients.ssm.send(new CancelCommandCommand({ CommandId: 'rehearsal-0001' })),
    );

    expect([error.name, error.message]).toEqual([
      'ValidationException',
      expect.stringContaining("at 'commandId' failed to satisfy constraint"),
    ]);
  });

  it('lists the managed instances for the preflight, leaving out those SSM does not know', async () => {
    const { account } = setUp({
      preflight: {
        agents: { 'i-0002': { pingStatus: 'ConnectionLost' }, 'i-0003': { pingStatus: 'unmanaged' } },
      },
    });

    const answer = await account.clients.ssm.send(new DescribeInstanceInformationCommand({}));

    expect(answer.InstanceInformationList?.map((i) => [i.InstanceId, i.PingStatus, i.PlatformType])).toEqual([
      ['i-0001', 'Online', 'Linux'],
      ['i-0002', 'ConnectionLost', 'Linux'],
    ]);
  });

  it('describes the stress document, or rejects it with InvalidDocument when the scenario says it is missing', async () => {
    const { account } = setUp({ preflight: { missingDocuments: ['AWSFIS-Run-CPU-Stress'] } });

    const present = await account.clients.ssm.send(
      new DescribeDocumentCommand({ Name: 'AWS-RunShellScript' }),
    );
    const missing = await errorOf(
      account.clients.ssm.send(new DescribeDocumentCommand({ Name: 'AWSFIS-Run-CPU-Stress' })),
    );

    expect([present.Document?.Status, missing.name]).toEqual(['Active', 'InvalidDocument']);
  });
});

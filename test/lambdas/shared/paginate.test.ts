import { ListCommandsCommand, ListCommandInvocationsCommand } from '@aws-sdk/client-ssm';
import { paginateListExperiments, ListExperimentsCommand } from '@aws-sdk/client-fis';
import { ThrottledError } from '../../../lambdas/shared/errors';
import { commandInvocations, findRunCommands, findRunExperiments } from '../../../lambdas/shared/faults';
import { awsPages } from '../../../lambdas/shared/paginate';
import { mockRuntime } from '../check-steady-state/mock-runtime';

function throttling(): Error {
  return Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
}

describe('awsPages', () => {
  it('classifies an error on a later page as awsCall does', async () => {
    const mocks = mockRuntime();
    mocks.fis
      .on(ListExperimentsCommand)
      .resolvesOnce({ experiments: [{ id: 'EXP1' }], nextToken: 'page-2' })
      .rejectsOnce(throttling());
    const pages = paginateListExperiments({ client: mocks.runtime.clients.fis }, {});
    const seen: string[] = [];

    const reading = (async () => {
      for await (const page of awsPages('fis:ListExperiments', pages)) {
        seen.push(...(page.experiments ?? []).map((e) => e.id ?? '?'));
      }
    })();

    await expect(reading).rejects.toBeInstanceOf(ThrottledError);
    expect(seen).toEqual(['EXP1']);
  });
});

describe('the run-fault searches', () => {
  it('read every page of ListCommands, passing each NextToken on', async () => {
    const mocks = mockRuntime();
    mocks.ssm
      .on(ListCommandsCommand)
      .resolvesOnce({ Commands: [{ CommandId: 'c-1', Comment: 'chaos-cadence:r:a' }], NextToken: 't2' })
      .resolvesOnce({ Commands: [{ CommandId: 'c-2', Comment: 'chaos-cadence:r:b' }], NextToken: 't3' })
      .resolvesOnce({ Commands: [{ CommandId: 'c-3', Comment: 'other' }] });

    const found = await findRunCommands(
      undefined,
      '2025-03-04T10:00:00Z',
      (c) => c.startsWith('chaos-cadence:r:'),
      mocks.runtime,
    );

    expect(found.map((c) => c.id)).toEqual(['c-1', 'c-2']);
    expect(mocks.ssm).toHaveReceivedCommandTimes(ListCommandsCommand, 3);
    expect(mocks.ssm).toHaveReceivedNthCommandWith(3, ListCommandsCommand, { NextToken: 't3' });
  });

  it("read every page of every command's invocations", async () => {
    const mocks = mockRuntime();
    mocks.ssm
      .on(ListCommandInvocationsCommand, { CommandId: 'c-1' })
      .resolvesOnce({ CommandInvocations: [{ Status: 'Success', InstanceId: 'i-1' }], NextToken: 'more' })
      .resolvesOnce({ CommandInvocations: [{ Status: 'InProgress', InstanceId: 'i-2' }] });
    mocks.ssm
      .on(ListCommandInvocationsCommand, { CommandId: 'c-2' })
      .resolves({ CommandInvocations: [{ Status: 'Pending', InstanceId: 'i-3' }] });

    const invocations = await commandInvocations(['c-1', 'c-2'], mocks.runtime);

    expect(invocations).toEqual([
      { status: 'Success', instanceId: 'i-1' },
      { status: 'InProgress', instanceId: 'i-2' },
      { status: 'Pending', instanceId: 'i-3' },
    ]);
  });

  it("read every page of ListExperiments for the run's tags", async () => {
    const mocks = mockRuntime();
    const tags = { 'chaos-cadence:run-id': 'r', 'chaos-cadence:experiment': 'a' };
    mocks.fis
      .on(ListExperimentsCommand)
      .resolvesOnce({ experiments: [{ id: 'EXP1', tags }], nextToken: 'p2' })
      .resolvesOnce({
        experiments: [{ id: 'EXP2', tags: { ...tags, 'chaos-cadence:run-id': 'other' } }],
        nextToken: 'p3',
      })
      .resolvesOnce({ experiments: [{ id: 'EXP3', tags }] });

    const found = await findRunExperiments('r', 'a', mocks.runtime);

    expect(found.map((e) => e.id)).toEqual(['EXP1', 'EXP3']);
    expect(mocks.fis).toHaveReceivedNthCommandWith(3, ListExperimentsCommand, {
      nextToken: 'p3',
      maxResults: 100,
    });
  });
});

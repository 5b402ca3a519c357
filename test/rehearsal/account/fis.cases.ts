import { ListExperimentsCommand, StopExperimentCommand } from '@aws-sdk/client-fis';
import { START, TEMPLATE, setUp, start, statusOf, errorOf } from './fixture';

describe('simulated FIS', () => {
  it('records the fault start when an experiment starts', async () => {
    const { account, clock } = setUp();
    clock.advance(30);

    await account.clients.fis.send(start());

    expect(account.faultStartedAt()).toEqual(new Date(START + 30_000));
  });

  it('moves an experiment from pending through running to completed after its duration', async () => {
    const { account, clock } = setUp();
    const id = (await account.clients.fis.send(start())).experiment?.id ?? '';
    const seen: (string | undefined)[] = [];

    for (const step of [0, 1, 1, 300, 61]) {
      clock.advance(step);
      seen.push(await statusOf(account, id));
    }

    expect(seen).toEqual(['pending', 'initiating', 'running', 'running', 'completed']);
  });

  it('returns the same experiment for a repeated client token', async () => {
    const { account } = setUp();

    const first = await account.clients.fis.send(start());
    const second = await account.clients.fis.send(start());

    expect(second.experiment?.id).toBe(first.experiment?.id);
    expect(account.fisExperiments).toHaveLength(1);
  });

  it('rejects an unknown template with ResourceNotFoundException', async () => {
    const { account } = setUp();

    const error = await errorOf(account.clients.fis.send(start({ experimentTemplateId: 'EXTnope' })));

    expect(error.name).toBe('ResourceNotFoundException');
  });

  it('runs a skip-all experiment as a dry run that injects nothing', async () => {
    const { account, clock } = setUp();

    const id =
      (await account.clients.fis.send(start({ experimentOptions: { actionsMode: 'skip-all' } }))).experiment
        ?.id ?? '';
    clock.advance(10);

    expect(await statusOf(account, id)).toBe('completed');
    expect(account.faultStartedAt()).toBeUndefined();
  });

  it('ends the experiment the way the scenario says', async () => {
    const { account, clock } = setUp({ fis: { end: 'failed', at: 'fault+30s' } });
    const id = (await account.clients.fis.send(start())).experiment?.id ?? '';
    clock.advance(30);

    expect(await statusOf(account, id)).toBe('failed');
  });

  it('stops a running experiment: stopping, then stopped', async () => {
    const { account, clock } = setUp();
    const id = (await account.clients.fis.send(start())).experiment?.id ?? '';
    clock.advance(60);

    const answer = await account.clients.fis.send(new StopExperimentCommand({ id }));
    clock.advance(5);

    expect(answer.experiment?.state?.status).toBe('stopping');
    expect(await statusOf(account, id)).toBe('stopped');
  });

  it('rejects stopping an experiment that has ended with ValidationException, as FIS does', async () => {
    const { account, clock } = setUp();
    const id = (await account.clients.fis.send(start())).experiment?.id ?? '';
    clock.advance(400);

    const error = await errorOf(account.clients.fis.send(new StopExperimentCommand({ id })));

    expect(error.name).toBe('ValidationException');
    expect(error.message).toMatch(/completed/);
  });

  it('lists experiments with their tags', async () => {
    const { account } = setUp();
    await account.clients.fis.send(start({ tags: { 'chaos-cadence:run-id': 'run-1' } }));

    const answer = await account.clients.fis.send(new ListExperimentsCommand({}));

    expect(answer.experiments).toEqual([
      expect.objectContaining({
        experimentTemplateId: TEMPLATE,
        tags: { 'chaos-cadence:run-id': 'run-1' },
      }),
    ]);
  });
});

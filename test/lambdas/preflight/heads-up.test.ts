import { headsUp, type HeadsUpEvent } from '../../../lambdas/preflight/heads-up';
import { offlineDeps, offlineManifest } from '../../../lib/preflight/offline';
import { parseScenario } from '../../../lib/rehearsal/scenario';
import { expectGolden } from '../../render/golden';
import { exampleConfig, readyScenario } from './fixtures';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseYamlOrJson } from '../../../lib/config/load';
import { ROOT } from './fixtures';

/** The day before the first Tuesday of January 2027, 10:00 Berlin: what the heads-up schedule passes. */
const SCHEDULED = '2027-01-04T09:00:00Z';

async function fire(scheduledTime: string, scenario = readyScenario()) {
  const loaded = exampleConfig();
  const manifest = offlineManifest(loaded);
  const { deps, account } = offlineDeps(loaded, scenario, manifest);
  const event: HeadsUpEvent = { group: 'default', scheduledTime, manifest };
  try {
    return { result: await headsUp(event, deps), account };
  } finally {
    account.restore();
  }
}

const notReady = () =>
  parseScenario(
    parseYamlOrJson(
      readFileSync(join(ROOT, 'scenarios', 'preflight', 'not-ready.yaml'), 'utf8'),
      'not-ready.yaml',
    ),
  );

describe('headsUp', () => {
  it('emails the heads-up card for the run exactly headsUp ahead', async () => {
    const { result, account } = await fire(SCHEDULED);

    expect(result.announced).toEqual([
      expect.objectContaining({ run: '2027-01-05T09:00:00.000Z', ready: true, failed: [] }),
    ]);
    expect(account.snsMessages).toHaveLength(1);
    expect(account.snsMessages[0]?.subject).toBe(
      '[chaos-cadence] heads-up: web-cpu-80 on Tue 5 Jan 10:00 CET',
    );
    expectGolden('heads-up-ready.email.txt', account.snsMessages[0]?.message ?? '');
  });

  it('puts NOT READY and the failed checks in the email when a check fails', async () => {
    const { result, account } = await fire(SCHEDULED, notReady());

    expect(result.announced[0]).toMatchObject({
      ready: false,
      failed: ['killSwitch', 'safetyLever', 'agents:web-cpu-80', 'subscriptions'],
    });
    expect(account.snsMessages[0]?.subject).toBe(
      '[chaos-cadence] NOT READY: web-cpu-80 on Tue 5 Jan 10:00 CET',
    );
    expectGolden('heads-up-not-ready.email.txt', account.snsMessages[0]?.message ?? '');
  });

  it('sends nothing and checks nothing on a day with no run headsUp ahead', async () => {
    const { result, account } = await fire('2027-01-03T09:00:00Z');

    expect(result.announced).toEqual([]);
    expect(account.calls).toEqual([]);
  });

  it('rejects an event for a group the manifest does not have', async () => {
    const loaded = exampleConfig();
    const { deps, account } = offlineDeps(loaded, readyScenario());

    await expect(
      headsUp({ group: 'nightly', scheduledTime: SCHEDULED, manifest: offlineManifest(loaded) }, deps),
    ).rejects.toThrow(/known group/);
    account.restore();
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RehearsalStalledError, VirtualClock } from '../../lib/rehearsal/clock';

const START = new Date('2026-12-01T09:00:00Z');
// The test server runs in this process: it must use the real timers, not the installed fake ones.
const realSetTimeout = globalThis.setTimeout;

function sleep(seconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, seconds * 1000));
}

describe('VirtualClock', () => {
  let clock: VirtualClock;
  beforeEach(() => {
    clock = new VirtualClock(START);
  });
  afterEach(() => {
    clock.uninstall();
  });

  it('starts Date at the given moment once installed', () => {
    clock.install();

    expect(new Date().toISOString()).toBe('2026-12-01T09:00:00.000Z');
  });

  it('restores the real Date when uninstalled', () => {
    clock.install();

    clock.uninstall();

    expect(Math.abs(Date.now() - performance.timeOrigin - performance.now())).toBeLessThan(60_000);
  });

  it('runs hours of timers in virtual time within a fraction of a second', async () => {
    clock.install();
    const wallStart = performance.now();
    const work = (async () => {
      for (let i = 0; i < 24; i += 1) await sleep(15);
      await sleep(3600);
      return new Date().toISOString();
    })();

    const finishedAt = await clock.drive(work);

    expect(finishedAt).toBe('2026-12-01T10:06:00.000Z');
    expect(performance.now() - wallStart).toBeLessThan(2000);
  });

  it('fires a timeout race the way real time would', async () => {
    clock.install();
    const work = Promise.race([sleep(10).then(() => 'slow'), sleep(5).then(() => 'fast')]);

    await expect(clock.drive(work)).resolves.toBe('fast');
  });

  it('passes a rejection of the work through', async () => {
    clock.install();
    const work = sleep(1).then(() => {
      throw new Error('boom');
    });

    await expect(clock.drive(work)).rejects.toThrow('boom');
  });

  it('fails with RehearsalStalledError when nothing is scheduled and nothing is in flight', async () => {
    clock.install();
    const never = new Promise<never>(() => undefined);

    await expect(clock.drive(never, { stallMs: 50 })).rejects.toBeInstanceOf(RehearsalStalledError);
  });

  it('fails when virtual time runs past the limit', async () => {
    clock.install();
    const endless = (async () => {
      for (;;) await sleep(60);
    })();

    await expect(clock.drive(endless, { maxVirtualSeconds: 600 })).rejects.toThrow(/600 virtual seconds/);
  });

  describe('with real I/O', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      server = createServer((req, res) => {
        // /hang never answers; /slow answers after 100 real ms.
        if (req.url !== '/hang') realSetTimeout(() => res.end('late'), 100);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('does not jump to a pending timer while tracked I/O is in flight', async () => {
      clock.install();
      const timeout = sleep(30).then(() => 'timed out');
      const request = clock.trackIo(fetch(`${url}slow`).then((r) => r.text()));

      await expect(clock.drive(Promise.race([timeout, request]))).resolves.toBe('late');
    });

    it('lets virtual time follow real time during I/O, so a timeout fires on a hung server', async () => {
      clock.install();
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 300);
      const request = clock.trackIo(
        fetch(`${url}hang`, { signal: controller.signal }).then(
          () => 'answered',
          () => `aborted at +${clock.elapsedSeconds()} s`,
        ),
      );

      await expect(clock.drive(request)).resolves.toMatch(/^aborted at \+0\.[3-9]\d* s$/);
    });
  });
});

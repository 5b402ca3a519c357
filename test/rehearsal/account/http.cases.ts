import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setUp, start } from './fixture';

describe('simulated HTTP (fetch)', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(201, { 'content-type': 'text/plain' });
      res.end('real');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers a scenario URL from its timeline', async () => {
    const { account, clock } = setUp();
    await account.clients.fis.send(start());
    clock.advance(60);

    const response = await account.fetch('https://shop.example.com/health');

    expect(response.status).toBe(503);
  });

  it('answers a scenario URL body', async () => {
    const { account } = setUp();

    const response = await account.fetch('https://shop.example.com/health');

    expect(await response.text()).toBe('ok');
  });

  it('sends other URLs to the real network as tracked I/O', async () => {
    const { account, clock } = setUp();

    const response = await account.fetch(url);

    expect([response.status, await response.text(), clock.tracked]).toEqual([201, 'real', 1]);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli, testCli } from './helpers';

function configFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cc-validate-'));
  const file = join(dir, 'chaos-cadence.config.yaml');
  writeFileSync(file, text);
  return file;
}

describe('chaos-cadence validate', () => {
  it('summarizes the shipped config and lists the next 6 runs in its time zone, offline', async () => {
    const result = await runCli(['validate']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Config OK: ');
    expect(result.stdout).toContain('Cadence default: cron(0 10 ? * TUE#1 *) in Europe/Berlin (web-cpu-80)');
    expect(result.stdout).toContain(
      [
        '  next 6 runs:',
        '    Tue 2027-01-05 10:00 CET',
        '    Tue 2027-02-02 10:00 CET',
        '    Tue 2027-03-02 10:00 CET',
        '    Tue 2027-04-06 10:00 CEST',
        '    Tue 2027-05-04 10:00 CEST',
        '    Tue 2027-06-01 10:00 CEST',
      ].join('\n'),
    );
  });

  it('describes each experiment: application, fault scope, stop conditions and steady-state probes', async () => {
    const result = await runCli(['validate']);

    expect(result.stdout).toContain('web-cpu-80 (application sock-shop, cadence default)');
    expect(result.stdout).toMatch(
      / {2}fault: +CPU stress at 80 % on all cores of all running instances tagged/,
    );
    expect(result.stdout).toContain('  stop conditions: sock-shop-5xx, sock-shop-instance-count-low');
    expect(result.stdout).toMatch(
      / {2}steady state: +alarm:sock-shop-5xx, http:GET https:\/\/shop.example.com\/health/,
    );
  });

  it('reads the config named by --config relative to the working directory', async () => {
    const file = configFile(`
cadence: { expression: 'cron(0 11 ? * WED#2 *)', timeZone: America/New_York }
guardRails: { allowedHours: { start: '09:00', end: '16:00' } }
experiments:
  - name: api-cpu
    application: api
    hypothesis: The API keeps answering while its hosts are hot
    steadyState: [ { alarm: { name: api-5xx } } ]
    fault: { cpuStress: { targets: { tags: { app: api } } } }
    stopConditions: [ { alarm: api-5xx } ]
`);

    const cli = testCli({ cwd: dirname(file) });

    const result = await runCli(['validate', '--config', 'chaos-cadence.config.yaml'], cli);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Config OK: ${file} (1 experiment)`);
    expect(result.stdout).toContain('    Wed 2026-12-09 11:00 EST');
  });

  it('prints warnings about the cadence', async () => {
    const file = configFile(`
cadence: { expression: 'cron(0 10 ? * TUE#1,TUE#3 *)', timeZone: UTC }
allowFrequentRuns: true
experiments:
  - name: api-cpu
    application: api
    hypothesis: The API keeps answering while its hosts are hot
    steadyState: [ { alarm: { name: api-5xx } } ]
    fault: { cpuStress: { targets: { tags: { app: api } } } }
    stopConditions: [ { alarm: api-5xx } ]
`);

    const result = await runCli(['validate', '--config', file]);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /Warnings \(\d+\):\n {2}- cadence.expression .* more often than every 4 weeks/,
    );
  });

  it('fails with exit 2 and the list of problems, naming the file and each path', async () => {
    const file = configFile(`
experiments:
  - name: Bad_Name
    application: api
    hypothesis: short
    steadyState: []
    fault: { cpuStress: { loadPercent: 180, targets: { tags: { app: api } } } }
    stopConditions: [ { alarm: api-5xx } ]
`);

    const result = await runCli(['validate', '--config', file]);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Invalid configuration \(4 problems\):\n/);
    expect(result.stderr).toContain(`${file}: experiments[0].fault.cpuStress.loadPercent:`);
    expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('fails with exit 2 when no config file is found', async () => {
    const cli = testCli({ cwd: tmpdir() });

    const result = await runCli(['validate'], cli);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no config file found in');
  });
});

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PACKAGE_ROOT } from './helpers';

const run = promisify(execFile);
const BIN = join(PACKAGE_ROOT, 'bin', 'chaos-cadence-cli.cjs');

describe('bin/chaos-cadence-cli.cjs', () => {
  it('runs the TypeScript CLI through tsx and prints the help of every command', async () => {
    const { stdout, stderr } = await run(process.execPath, [BIN, '--help'], {
      cwd: PACKAGE_ROOT,
      env: { ...process.env, NO_COLOR: '1' },
    });

    expect(stderr).toBe('');
    for (const command of ['rehearse', 'validate', 'run', 'status', 'history', 'halt', 'resume']) {
      expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
  });

  it('exits 2 on bad usage', async () => {
    const failure = run(process.execPath, [BIN, 'history', '--limit', 'many'], { cwd: PACKAGE_ROOT });

    await expect(failure).rejects.toMatchObject({ code: 2 });
  });
});

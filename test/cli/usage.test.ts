import { colorAllowed, paint } from '../../lib/cli/io';
import { lineCount, runCli } from './helpers';

describe('chaos-cadence usage', () => {
  it('exits 2 on an unknown command, saying which', async () => {
    const result = await runCli(['explode']);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: unknown command 'explode'/);
  });

  it('exits 2 on an unknown option', async () => {
    const result = await runCli(['run', '--fast']);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: unknown option '--fast'/);
  });

  it('exits 2 and shows the help when no command is given', async () => {
    const result = await runCli([]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: chaos-cadence [options] [command]');
  });

  it.each(['run', 'status', 'history', 'halt', 'resume'])(
    'prints help for %s with exit 0',
    async (command) => {
      const result = await runCli([command, '--help']);

      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: chaos-cadence ${command}`);
      expect(result.stdout).toContain('--stack <name>');
    },
  );

  it.each(['rehearse', 'validate'])('prints help for the offline command %s with exit 0', async (command) => {
    const result = await runCli([command, '--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: chaos-cadence ${command}`);
    expect(result.stdout).toContain('--config <file>');
  });

  it('says in the help of halt that it stops every running fault and can engage the FIS safety lever', async () => {
    const result = await runCli(['halt', '--help']);

    const help = result.stdout.replace(/\s+/g, ' ');
    expect(help).toContain('stop every running fault of this stack now');
    expect(help).toContain("also engage FIS's account safety lever (UpdateSafetyLeverState)");
  });

  it('prints the version with exit 0', async () => {
    const result = await runCli(['--version']);

    expect(result.code).toBe(0);
    expect(lineCount(result.stdout)).toBe(1);
  });
});

describe('colours', () => {
  it('are used on a terminal', () => {
    expect(colorAllowed(true, {})).toBe(true);
  });

  it('are not used when stdout is not a terminal', () => {
    expect(colorAllowed(false, {})).toBe(false);
  });

  it('are not used when NO_COLOR is set', () => {
    expect(colorAllowed(true, { NO_COLOR: '1' })).toBe(false);
  });

  it('leave text unchanged when off', () => {
    expect(paint({ color: false }, 'red', 'aborted')).toBe('aborted');
  });

  it('wrap text in escape codes when on', () => {
    expect(paint({ color: true }, 'red', 'aborted')).toBe('\u001b[31maborted\u001b[39m');
  });
});

import { join } from 'node:path';
import { loadConfig } from '../../lib/config/load';

const root = join(__dirname, '..', '..');

describe('loadConfig', () => {
  it('loads the shipped example with every default filled in', () => {
    const { config, hash } = loadConfig({ cwd: root, env: {} });

    const [experiment] = config.experiments;
    expect(experiment?.name).toBe('web-cpu-80');
    expect(experiment?.fault.cpuStress).toMatchObject({
      loadPercent: 80,
      cores: 0,
      duration: 'PT6M',
      via: 'fis',
    });
    expect(config.pollInterval).toBe('PT15S');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

import { cpuStressDocumentParameters } from '../../../lib/constructs/cpu-stress-fault';
import { toCpuStressSpec } from '../../../lib/config/plan';
import type { CpuStressConfig } from '../../../lib/config/schema';
import {
  cpuStressParameters,
  fisDocumentParameters,
  ssmCommandParameters,
} from '../../../lambdas/shared/cpu-stress';

const STRESS = {
  durationSeconds: 360,
  cores: 2,
  loadPercent: 80,
  installDependencies: false,
};

describe('cpuStressParameters', () => {
  it('writes every setting as the string the document declares', () => {
    const parameters = cpuStressParameters(STRESS);

    expect(parameters).toEqual({
      DurationSeconds: '360',
      CPU: '2',
      LoadPercent: '80',
      InstallDependencies: 'False',
    });
  });

  it('gives FIS a JSON string and SSM lists of one string, with the same values', () => {
    const fis = fisDocumentParameters({ ...STRESS, installDependencies: true });
    const ssm = ssmCommandParameters({ ...STRESS, installDependencies: true });

    expect(fis).toBe('{"DurationSeconds":"360","CPU":"2","LoadPercent":"80","InstallDependencies":"True"}');
    expect(ssm).toEqual({
      DurationSeconds: ['360'],
      CPU: ['2'],
      LoadPercent: ['80'],
      InstallDependencies: ['True'],
    });
  });

  it('is what the FIS template construct writes for the same config', () => {
    // The construct still builds its own copy (lib/constructs is folded separately); this checks the repeat.
    const config: CpuStressConfig = {
      loadPercent: 70,
      cores: 0,
      duration: 'PT6M',
      targets: { tags: { app: 'web' }, selection: 'ALL' },
      via: 'fis',
      installDependencies: true,
    };

    expect(cpuStressDocumentParameters(config)).toBe(fisDocumentParameters(toCpuStressSpec(config)));
  });
});

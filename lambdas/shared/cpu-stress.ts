import type { CpuStressSpec } from './types';

/** The SSM document both FIS and SSM mode run for a CPU stress. */
export const CPU_STRESS_DOCUMENT = 'AWSFIS-Run-CPU-Stress';

/** The stress settings the `AWSFIS-Run-CPU-Stress` document takes. */
export type CpuStressSettings = Pick<
  CpuStressSpec,
  'durationSeconds' | 'cores' | 'loadPercent' | 'installDependencies'
>;

/** The parameters of `AWSFIS-Run-CPU-Stress`, every value a string as the document declares it. */
export interface CpuStressParameters {
  readonly DurationSeconds: string;
  /** Cores to stress; `0` = all. */
  readonly CPU: string;
  readonly LoadPercent: string;
  readonly InstallDependencies: 'True' | 'False';
}

/**
 * The one builder of the stress document's parameters: the FIS template's `documentParameters`
 * ({@link fisDocumentParameters}) and SSM SendCommand's `Parameters` ({@link ssmCommandParameters})
 * both come from it, so the two ways of injecting run the same stress.
 */
export function cpuStressParameters(stress: CpuStressSettings): CpuStressParameters {
  return {
    DurationSeconds: String(stress.durationSeconds),
    CPU: String(stress.cores),
    LoadPercent: String(stress.loadPercent),
    InstallDependencies: stress.installDependencies ? 'True' : 'False',
  };
}

/**
 * The `documentParameters` FIS passes to the document: a JSON string whose values are all strings
 * (`{"DurationSeconds":"360","CPU":"0","LoadPercent":"80","InstallDependencies":"True"}`).
 */
export function fisDocumentParameters(stress: CpuStressSettings): string {
  return JSON.stringify(cpuStressParameters(stress));
}

/** SSM SendCommand's `Parameters`: each parameter a list of one string. */
export function ssmCommandParameters(stress: CpuStressSettings): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(cpuStressParameters(stress)).map(([name, value]) => [name, [value]]),
  );
}

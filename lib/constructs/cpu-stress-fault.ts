import { Construct } from 'constructs';
import type { Config, ExperimentConfig } from '../config/schema';

/** Props of {@link CpuStressFault}. */
export interface CpuStressFaultProps {
  readonly config: Config;
  readonly experiment: ExperimentConfig;
  /** Folder relative template paths are resolved against. */
  readonly baseDir: string;
}

/** The AWS resources behind one experiment's fault (issue 4 fills this in). */
export class CpuStressFault extends Construct {
  constructor(scope: Construct, id: string, props: CpuStressFaultProps) {
    super(scope, id);
    void props;
  }
}

import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { LoadedConfig } from './config/load';
import { buildRunConfig, experimentsInGroup } from './config/plan';
import { CadenceSchedule } from './constructs/cadence-schedule';
import { CpuStressFault } from './constructs/cpu-stress-fault';
import { ExperimentWorkflow } from './constructs/experiment-workflow';
import { GuardRails } from './constructs/guard-rails';
import { Results } from './constructs/results';

/** Props of {@link ChaosCadenceStack}. */
export interface ChaosCadenceStackProps extends StackProps {
  /** The validated config (see `loadConfig`). */
  readonly loaded: LoadedConfig;
}

/**
 * The whole chaos-cadence deployment: results, guard rails, one fault per experiment, the workflow,
 * and one schedule per cadence group. Composes constructs, nothing else.
 */
export class ChaosCadenceStack extends Stack {
  constructor(scope: Construct, id: string, props: ChaosCadenceStackProps) {
    super(scope, id, props);
    const { config, baseDir, hash } = props.loaded;

    new Results(this, 'Results', { config });
    new GuardRails(this, 'GuardRails', { config });
    config.experiments.forEach(
      (experiment) => new CpuStressFault(this, `Fault-${experiment.name}`, { config, experiment, baseDir }),
    );
    new ExperimentWorkflow(this, 'Workflow', { runConfig: buildRunConfig(config, hash) });

    const groups = { default: config.cadence, ...config.cadences };
    for (const [group, cadence] of Object.entries(groups)) {
      const experiments = experimentsInGroup(config, group);
      if (experiments.length === 0) continue;
      new CadenceSchedule(this, group === 'default' ? 'Schedule' : `Schedule-${group}`, {
        group,
        cadence,
        experiments,
      });
    }
  }
}

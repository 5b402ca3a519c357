import { Construct } from 'constructs';
import type { RunConfig } from '../../lambdas/shared/types';

/** Props of {@link ExperimentWorkflow}. */
export interface ExperimentWorkflowProps {
  readonly runConfig: RunConfig;
}

/** The Step Functions workflow and its Lambdas (issue 3 fills this in). */
export class ExperimentWorkflow extends Construct {
  constructor(scope: Construct, id: string, props: ExperimentWorkflowProps) {
    super(scope, id);
    void props;
  }
}

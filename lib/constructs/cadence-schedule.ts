import { Construct } from 'constructs';
import type { CadenceConfig } from '../config/schema';

/** Props of {@link CadenceSchedule}. */
export interface CadenceScheduleProps {
  readonly group: string;
  readonly cadence: CadenceConfig;
  readonly experiments: readonly string[];
}

/** One EventBridge Scheduler schedule per cadence group (issue 6 fills this in). */
export class CadenceSchedule extends Construct {
  constructor(scope: Construct, id: string, props: CadenceScheduleProps) {
    super(scope, id);
    void props;
  }
}

import { Construct } from 'constructs';
import type { Config } from '../config/schema';

/** Props of {@link GuardRails}. */
export interface GuardRailsProps {
  readonly config: Config;
}

/** The kill switch parameter and the other guard-rail settings (issue 6 fills this in). */
export class GuardRails extends Construct {
  constructor(scope: Construct, id: string, props: GuardRailsProps) {
    super(scope, id);
    void props;
  }
}

import { Construct } from 'constructs';
import type { Config } from '../config/schema';

/** Props of {@link Results}. */
export interface ResultsProps {
  readonly config: Config;
}

/** The results bucket, the notification topic and the publish-results function (issue 5 fills this in). */
export class Results extends Construct {
  constructor(scope: Construct, id: string, props: ResultsProps) {
    super(scope, id);
    void props;
  }
}

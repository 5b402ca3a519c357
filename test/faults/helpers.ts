import { App, Stack } from 'aws-cdk-lib';
import { configSchema, type Config, type ConfigInput, type ExperimentConfig } from '../../lib/config/schema';

/** The account and region every test stack is deployed to. */
export const ENV = { account: '123456789012', region: 'eu-west-1' } as const;

/** The folder of the public FIS template library fixtures. */
export const LIBRARY_DIR = '/work/shared/fixtures/fis-template-library';

type FaultInput = ConfigInput['experiments'][number]['fault'];
type ExperimentInput = ConfigInput['experiments'][number];

/** A validated config with one experiment using the given fault (and overrides). */
export function configWith(
  fault: FaultInput,
  overrides: Partial<ExperimentInput> = {},
  top: Partial<ConfigInput> = {},
): { config: Config; experiment: ExperimentConfig } {
  const config = configSchema.parse({
    ...top,
    experiments: [
      {
        name: 'web-cpu-80',
        application: 'sock-shop',
        hypothesis: 'If CPU rises to 80 %, availability is not impacted',
        steadyState: [{ alarm: { name: 'sock-shop-5xx' } }],
        fault,
        stopConditions: [{ alarm: 'sock-shop-5xx' }, { alarm: 'sock-shop-instance-count-low' }],
        ...overrides,
      },
    ],
  });
  const experiment = config.experiments[0];
  if (!experiment) throw new Error('the test config has no experiment');
  return { config, experiment };
}

/** A stack in {@link ENV}, with bundling skipped. */
export function newStack(): Stack {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  return new Stack(app, 'Chaos', { env: ENV });
}

/** What `stack.formatArn` renders for an ARN in {@link ENV}: the partition stays a `Ref`. */
export function arnIn(rest: string): unknown {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] };
}

import { DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { MissingOutputError, StackNotFoundError } from './errors';

/** The CloudFormation output keys of the chaos-cadence stack the CLI reads. */
export const STACK_OUTPUT_KEYS = [
  'StateMachineArn',
  'ResultsBucketName',
  'KillSwitchParameterName',
  'TopicArn',
  'DashboardName',
  'DashboardUrl',
] as const;

/** One of {@link STACK_OUTPUT_KEYS}. */
export type StackOutputKey = (typeof STACK_OUTPUT_KEYS)[number];

/** The deployed stack, as found by its outputs. */
export interface DeployedStack {
  readonly stackName: string;
  readonly region: string | undefined;
  /** Every output of the stack, by key. */
  readonly outputs: Readonly<Record<string, string>>;
  /** The value of an output the command needs. @throws MissingOutputError */
  require(key: StackOutputKey): string;
}

/**
 * Finds the stack with DescribeStacks and reads its outputs.
 * @throws StackNotFoundError when CloudFormation says the stack does not exist
 */
export async function findStack(
  cloudFormation: Pick<CloudFormationClient, 'send' | 'config'>,
  stackName: string,
): Promise<DeployedStack> {
  const region = await regionOf(cloudFormation);
  let stacks;
  try {
    ({ Stacks: stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName })));
  } catch (error) {
    if (isStackMissing(error)) throw new StackNotFoundError(stackName, region, error);
    throw error;
  }
  const stack = stacks?.[0];
  if (!stack) throw new StackNotFoundError(stackName, region);
  const outputs: Record<string, string> = {};
  for (const output of stack.Outputs ?? []) {
    if (output.OutputKey && output.OutputValue !== undefined) outputs[output.OutputKey] = output.OutputValue;
  }
  return {
    stackName,
    region,
    outputs,
    require(key) {
      const value = outputs[key];
      if (value === undefined || value === '') throw new MissingOutputError(stackName, key);
      return value;
    },
  };
}

function isStackMissing(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'ValidationError' && /does not exist/i.test(error.message);
}

/** The region a client is configured with, or `undefined` when it cannot be resolved. */
export async function regionOf(client: Pick<CloudFormationClient, 'config'>): Promise<string | undefined> {
  try {
    return await client.config.region();
  } catch {
    return undefined;
  }
}

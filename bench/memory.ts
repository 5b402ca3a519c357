import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ChaosCadenceStack } from '../lib/chaos-cadence-stack';
import type { LoadedConfig } from '../lib/config/load';

/** Lambda's (and CDK's) default memory size when a function sets none. */
export const DEFAULT_MEMORY_MB = 128;

/** What the stack deploys for one function. */
export interface DeployedFunction {
  readonly logicalId: string;
  readonly memoryMb: number;
  /** `NODE_OPTIONS` of its environment, e.g. `--enable-source-maps`. */
  readonly nodeOptions?: string;
}

/** The deployed functions, by function name as the bench knows them (`poll-stop-conditions`...). */
export interface DeployedFunctions {
  /** Memory of a function (the default for one not found). */
  readonly memoryOf: (fn: string) => number;
  readonly found: Readonly<Record<string, DeployedFunction>>;
  /** Logical ids of every function in the template. */
  readonly functions: readonly string[];
  /** Why the stack could not be built (then every function gets the default). */
  readonly error?: string;
}

const pascal = (kebab: string): string =>
  kebab
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/** `poll-stop-conditions` -> `PollStopConditions`; `<folder>/foo-bar-handler` -> `FooBar`. */
export function constructName(fn: string): string {
  const extra = /\/(.+)-handler$/.exec(fn);
  return pascal(extra?.[1] ?? fn);
}

interface FunctionResource {
  readonly Properties?: {
    readonly MemorySize?: number;
    readonly Environment?: { readonly Variables?: Record<string, unknown> };
  };
}

/**
 * Builds the stack in-process (bundling skipped, as the construct tests do) and reads each
 * `AWS::Lambda::Function`'s `MemorySize` and `NODE_OPTIONS`, matching a function to the logical id
 * that contains its construct name (`poll-stop-conditions` -> `...PollStopConditions...`). A function
 * with no match gets {@link DEFAULT_MEMORY_MB}, which is what Lambda gives a function that sets none.
 */
export function deployedFunctions(loaded: LoadedConfig, names: readonly string[]): DeployedFunctions {
  let resources: Record<string, FunctionResource>;
  try {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new ChaosCadenceStack(app, 'ChaosCadenceBench', { loaded });
    resources = Template.fromStack(stack).findResources('AWS::Lambda::Function');
  } catch (error) {
    return {
      memoryOf: () => DEFAULT_MEMORY_MB,
      found: {},
      functions: [],
      error: error instanceof Error ? error.message : String(error),
    };
  }
  const found: Record<string, DeployedFunction> = {};
  for (const fn of names) {
    const id = constructName(fn);
    const match = Object.entries(resources).find(([logicalId]) =>
      new RegExp(`${id}[0-9A-F]{8}$`).test(logicalId),
    );
    if (!match) continue;
    const nodeOptions = match[1].Properties?.Environment?.Variables?.NODE_OPTIONS;
    found[fn] = {
      logicalId: match[0],
      memoryMb: match[1].Properties?.MemorySize ?? DEFAULT_MEMORY_MB,
      ...(typeof nodeOptions === 'string' ? { nodeOptions } : {}),
    };
  }
  return {
    memoryOf: (fn) => found[fn]?.memoryMb ?? DEFAULT_MEMORY_MB,
    found,
    functions: Object.keys(resources),
  };
}

import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ChaosCadenceStack } from '../lib/chaos-cadence-stack';
import type { LoadedConfig } from '../lib/config/load';

/** Lambda's (and CDK's) default memory size when a function sets none. */
export const DEFAULT_MEMORY_MB = 128;

/** Memory sizes of the deployed functions, by function folder, and where they came from. */
export interface MemorySizes {
  /** Memory of a function folder (e.g. `poll-stop-conditions`). */
  readonly of: (fn: string) => number;
  /** Folder -> MB as found in the template. */
  readonly found: Readonly<Record<string, number>>;
  /** Logical ids of every function in the template. */
  readonly functions: readonly string[];
  /** Why the stack could not be built (then every function gets the default). */
  readonly error?: string;
}

const pascal = (kebab: string): string =>
  kebab
    .split(/[-/]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/**
 * Builds the stack in-process (bundling skipped, as the construct tests do) and reads each
 * `AWS::Lambda::Function`'s `MemorySize`, matching a function folder to the logical id that contains
 * its PascalCase name (`poll-stop-conditions` -> `...PollStopConditions...`). A folder with no match
 * gets {@link DEFAULT_MEMORY_MB}, which is what Lambda gives a function that sets none.
 */
export function memorySizes(loaded: LoadedConfig, folders: readonly string[]): MemorySizes {
  let resources: Record<string, { Properties?: { MemorySize?: number } }>;
  try {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new ChaosCadenceStack(app, 'ChaosCadenceBench', { loaded });
    resources = Template.fromStack(stack).findResources('AWS::Lambda::Function');
  } catch (error) {
    return {
      of: () => DEFAULT_MEMORY_MB,
      found: {},
      functions: [],
      error: error instanceof Error ? error.message : String(error),
    };
  }
  const found: Record<string, number> = {};
  for (const folder of folders) {
    const name = pascal(folder);
    const match = Object.entries(resources).find(([id]) => id.includes(name));
    if (match) found[folder] = match[1].Properties?.MemorySize ?? DEFAULT_MEMORY_MB;
  }
  return {
    of: (fn) => found[fn] ?? DEFAULT_MEMORY_MB,
    found,
    functions: Object.keys(resources),
  };
}

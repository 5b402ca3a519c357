import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError, formatPath, type ConfigProblem } from './errors';
import { configSchema, type Config } from './schema';

/** File names looked for in the working directory when no path is given. */
export const DEFAULT_CONFIG_FILES = [
  'chaos-cadence.config.yaml',
  'chaos-cadence.config.yml',
  'chaos-cadence.config.json',
] as const;

/** A validated config and where it came from. */
export interface LoadedConfig {
  readonly config: Config;
  /** Absolute path of the file read. */
  readonly file: string;
  /** Folder relative paths in the config (e.g. `fisTemplate.file`) are resolved against. */
  readonly baseDir: string;
  /** sha256 of the file's bytes, recorded in every run journal. */
  readonly hash: string;
}

/** Where to look for the config; the first one given wins. */
export interface ConfigLocation {
  /** `--config` or the cdk context `config`. */
  readonly path?: string;
  /** Defaults to `process.env`, read for `CHAOS_CADENCE_CONFIG`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Defaults to `process.cwd()`. */
  readonly cwd?: string;
}

/** Finds the config file: explicit path, then `CHAOS_CADENCE_CONFIG`, then the default names. */
export function resolveConfigPath(location: ConfigLocation = {}): string {
  const cwd = location.cwd ?? process.cwd();
  const explicit = location.path ?? (location.env ?? process.env).CHAOS_CADENCE_CONFIG;
  if (explicit) {
    const file = resolve(cwd, explicit);
    if (!existsSync(file)) {
      throw new ConfigError(file, [
        { path: '', message: 'file not found; check --config / CHAOS_CADENCE_CONFIG' },
      ]);
    }
    return file;
  }
  for (const name of DEFAULT_CONFIG_FILES) {
    const file = resolve(cwd, name);
    if (existsSync(file)) return file;
  }
  throw new ConfigError(undefined, [
    {
      path: '',
      message: `no config file found in ${cwd}; create chaos-cadence.config.yaml or point --config / CHAOS_CADENCE_CONFIG at one`,
    },
  ]);
}

/** Reads, parses and validates the config file. @throws ConfigError naming the file and every bad path */
export function loadConfig(location: ConfigLocation = {}): LoadedConfig {
  const file = resolveConfigPath(location);
  const text = readFileSync(file, 'utf8');
  const config = parseConfigText(text, file);
  return { config, file, baseDir: dirname(file), hash: createHash('sha256').update(text).digest('hex') };
}

/** Parses YAML or JSON text (JSON is YAML) and validates it. @throws ConfigError */
export function parseConfigText(text: string, file = 'config'): Config {
  return validateConfig(parseYamlOrJson(text, file), file);
}

/** Parses YAML (or JSON) into plain data. @throws ConfigError with the line of the syntax error */
export function parseYamlOrJson(text: string, file: string): unknown {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      file,
      document.errors.map((e) => ({
        path: e.linePos ? `line ${e.linePos[0].line}` : '',
        message: firstLine(e.message),
      })),
    );
  }
  try {
    return document.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (error) {
    // e.g. an alias without its anchor, or an alias bomb: still the user's file, not our bug.
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(file, [{ path: '', message: `not valid YAML: ${firstLine(reason)}` }], {
      cause: error,
    });
  }
}

/** Validates already-parsed data. @throws ConfigError listing every problem */
export function validateConfig(data: unknown, file = 'config'): Config {
  const result = configSchema.safeParse(data);
  if (result.success) return result.data;
  throw new ConfigError(file, toProblems(result.error, data));
}

/** Turns zod issues into problems that name the path, what was found and what is allowed. */
export function toProblems(error: z.ZodError, data: unknown): ConfigProblem[] {
  return error.issues.map((issue) => {
    const found = valueAt(data, issue.path);
    const message = friendlyMessage(issue);
    const mentionsValue =
      /\(got /.test(message) ||
      found === undefined ||
      issue.code === 'custom' ||
      issue.code === 'unrecognized_keys';
    const suffix = mentionsValue ? '' : ` (found ${describe(found)})`;
    return { path: formatPath(issue.path), message: `${message}${suffix}` };
  });
}

/** Zod's default wording is terse; say what is allowed in the words of the config. */
function friendlyMessage(issue: z.core.$ZodIssue): string {
  const isZodDefault = /^(Invalid|Too big|Too small|Unrecognized key)/.test(issue.message);
  if (!isZodDefault) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `is required (${typeName(issue.expected)})`;
      return `must be ${typeName(issue.expected)}`;
    case 'too_big':
      if (issue.origin === 'array') return `allows at most ${String(issue.maximum)} items`;
      if (issue.origin === 'string') return `must be at most ${String(issue.maximum)} characters`;
      return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${String(issue.maximum)}`;
    case 'too_small':
      if (issue.origin === 'array')
        return `needs at least ${String(issue.minimum)} item${issue.minimum === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return `must be at least ${String(issue.minimum)} characters`;
      return `must be ${issue.inclusive === false ? 'greater than' : 'at least'} ${String(issue.minimum)}`;
    case 'invalid_value':
      return `must be one of: ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => `"${k}"`).join(', ')}: check the spelling (README.md, "Configuration", lists every key)`;
    default:
      return issue.message;
  }
}

function typeName(expected: string): string {
  const names: Record<string, string> = {
    int: 'a whole number',
    array: 'a list',
    object: 'a mapping',
    string: 'a string',
  };
  return names[expected] ?? `a ${expected}`;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = data;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ConfigError } from '../../lib/config/errors';
import { parseConfigText, validateConfig } from '../../lib/config/load';

const example: unknown = parse(
  readFileSync(join(__dirname, '..', '..', 'chaos-cadence.config.yaml'), 'utf8'),
);

/** Sets `value` at a random path of a deep copy of `base` (a config with one field broken). */
function mutateAt(base: unknown, path: readonly number[], value: unknown): unknown {
  const copy = structuredClone(base);
  let node: unknown = copy;
  for (let depth = 0; depth < path.length; depth += 1) {
    if (node === null || typeof node !== 'object') break;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[(path[depth] ?? 0) % keys.length] as string;
    if (depth === path.length - 1) {
      (node as Record<string, unknown>)[key] = value;
    } else {
      node = (node as Record<string, unknown>)[key];
    }
  }
  return copy;
}

/** Loads or fails with ConfigError; anything else (TypeError, RangeError...) is a bug. */
function loadsOrConfigError(run: () => unknown): boolean {
  try {
    run();
    return true;
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.length > 0;
    throw error;
  }
}

describe('config validation (property-based)', () => {
  it('either loads or fails with ConfigError for any value', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => loadsOrConfigError(() => validateConfig(value))),
      { numRuns: 300 },
    );
  });

  it('either loads or fails with ConfigError when one field of the example is replaced', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.jsonValue(), (path, value) =>
        loadsOrConfigError(() => validateConfig(mutateAt(example, path, value))),
      ),
      { numRuns: 500 },
    );
  });

  it('either loads or fails with ConfigError for any text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => loadsOrConfigError(() => parseConfigText(text, 'x.yaml'))),
      {
        numRuns: 300,
      },
    );
  });
});

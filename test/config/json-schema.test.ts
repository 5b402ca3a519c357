import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { configJsonSchema } from '../../lib/config/json-schema';

const root = join(__dirname, '..', '..');

describe('configJsonSchema', () => {
  it('matches the committed schema file (run `npm run schema` after changing the config schema)', () => {
    const committed: unknown = JSON.parse(
      readFileSync(join(root, 'schema', 'chaos-cadence.config.schema.json'), 'utf8'),
    );

    expect(committed).toEqual(configJsonSchema());
  });

  it('accepts the shipped example config, so editors do not flag it', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(configJsonSchema());

    const valid = validate(parse(readFileSync(join(root, 'chaos-cadence.config.yaml'), 'utf8')));

    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('flags a misspelt key, as an editor would', () => {
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    const validate = ajv.compile(configJsonSchema());

    expect(validate({ experimentz: [] })).toBe(false);
  });
});

/**
 * Writes the config's JSON Schema (for editors: completion and checks in the YAML) to
 * `schema/chaos-cadence.config.schema.json`. `npm run schema`; a test fails when the file is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configJsonSchema } from '../lib/config/json-schema';

const file = join(__dirname, '..', 'schema', 'chaos-cadence.config.schema.json');
writeFileSync(file, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${file}\n`);

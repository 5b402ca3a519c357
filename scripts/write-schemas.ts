/**
 * Writes the JSON Schemas generated from zod: the config's (for editors: completion and checks in
 * the YAML) to `schema/chaos-cadence.config.schema.json` and the run journal's to
 * `schema/run-journal.schema.json`. `npm run schema`; a test fails when a file is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configJsonSchema } from '../lib/config/json-schema';
import { runJournalJsonSchema } from '../lambdas/shared/journal-schema';

const schemas: readonly (readonly [string, Record<string, unknown>])[] = [
  ['chaos-cadence.config.schema.json', configJsonSchema()],
  ['run-journal.schema.json', runJournalJsonSchema()],
];
for (const [name, schema] of schemas) {
  const file = join(__dirname, '..', 'schema', name);
  writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
  process.stdout.write(`wrote ${file}\n`);
}

import { z } from 'zod';
import { configSchema } from './schema';

/**
 * The config's JSON Schema (draft 2020-12), generated from the zod schema so the two never drift:
 * it describes the file as written (defaults optional). Refinements that JSON Schema cannot express
 * (unique names, durations within limits, valid cron) are checked by `chaos-cadence validate`.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  });
  return {
    ...schema,
    $id: 'https://chaos-cadence.dev/schema/chaos-cadence.config.schema.json',
    title: 'chaos-cadence configuration',
    description:
      'Experiments chaos-cadence runs on a cadence: steady-state probes, a CPU-stress or FIS fault, stop conditions and recovery.',
  };
}

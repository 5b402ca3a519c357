/** Compiles schema/run-journal.schema.json with ajv 8 (draft 2020-12) + ajv-formats. */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import schema from '../../schema/run-journal.schema.json';

/** A validator for run journals; `errors` holds the reasons after a failed call. */
export function journalValidator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

// The workflow tests run on the rehearsal engine (lib/rehearsal) now. This file only keeps the plan
// fixtures' old import path for test/constructs/experiment-workflow.test.ts; delete it once that test
// imports from '../fixtures/workflow/plans'.
export { fisPlan, runConfigOf } from '../fixtures/workflow/plans';

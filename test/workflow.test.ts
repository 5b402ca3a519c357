// The workflow's tests: the real ASL (state-machines/run-experiments.asl.json) executed with
// aws-local-stepfunctions and the real cores against the simulated account, one file of cases per topic
// (test/workflow/<topic>.cases.ts), run in this one jest test file. As test files of their own, each
// loaded the rehearsal engine and every AWS SDK client afresh: 10 files, 24 s of CPU of `npm test`.
import { join } from 'node:path';
import { runCases } from './support/cases';

runCases(join(__dirname, 'workflow'), 10);

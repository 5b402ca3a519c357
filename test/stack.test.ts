// The deployed stack's tests: its template, cdk-nag, and IAM judged by iam-simulate over the calls of
// rehearsed runs and every delivery path, one file of cases per topic (test/stack/<topic>.cases.ts), run
// in this one jest test file. As test files of their own, each loaded aws-cdk-lib, cdk-nag, iam-simulate
// and the rehearsal engine afresh: 7 files, 14 s of CPU of `npm test`.
import { join } from 'node:path';
import { runCases } from './support/cases';

runCases(join(__dirname, 'stack'), 7);

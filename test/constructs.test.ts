// The constructs' tests, one file of cases per construct (test/constructs/<construct>.cases.ts,
// mirroring lib/constructs/), run in this one jest test file. As test files of their own, each loaded
// aws-cdk-lib and cdk-nag afresh: 8 files, 9 s of CPU of `npm test`.
import { join } from 'node:path';
import { runCases } from './support/cases';

runCases(join(__dirname, 'constructs'), 8);

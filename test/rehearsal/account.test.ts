// The tests of the simulated account's services: one file of cases per service, mirroring
// lib/rehearsal/account/ (test/rehearsal/account/<service>.cases.ts), run in this one jest test file.
// As test files of their own, each loaded the whole simulated account (every AWS SDK client it answers,
// about 2 s of CPU) for a handful of tests: 15 files, 29 s of CPU of `npm test` on 2 cores.
import { join } from 'node:path';
import { runCases } from '../support/cases';

runCases(join(__dirname, 'account'), 15);

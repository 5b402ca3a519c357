// The tests of the simulated account's services: one file of cases per service, mirroring
// lib/rehearsal/account/ (test/rehearsal/account/<service>.cases.ts), all run in this one jest test
// file. As files of their own, each loaded the whole simulated account (every AWS SDK client it
// answers, about 2 s of CPU) for a handful of tests: 15 files, 29 s of a 3-minute `npm test` on 2 cores.
// Every cases file in the folder is run, each in its own describe block; each case builds its own account.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const folder = join(__dirname, 'account');
const files = readdirSync(folder)
  .filter((file) => file.endsWith('.cases.ts'))
  .sort();

it('finds the cases of every simulated service', () => {
  expect(files.length).toBeGreaterThanOrEqual(15);
});

for (const file of files) {
  describe(file.replace(/\.cases\.ts$/, ''), () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- registers the file's tests here
    require(join(folder, file));
  });
}

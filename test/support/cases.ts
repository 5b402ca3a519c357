import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Runs every `<name>.cases.ts` file of `folder` inside the calling jest test file, each in a describe
 * block named after it. jest loads every module afresh for each test file; files whose tests all load
 * the same heavy modules (the rehearsal engine, every AWS SDK client) are run this way to load them
 * once. Run one of them with `npx jest <test file> -t '<name>'`.
 */
export function runCases(folder: string, expected: number): void {
  const files = readdirSync(folder)
    .filter((file) => file.endsWith('.cases.ts'))
    .sort();

  it(`finds the ${expected} files of cases in ${folder.split(/[\\/]/).slice(-2).join('/')}`, () => {
    expect(files).toHaveLength(expected);
  });

  for (const file of files) {
    describe(file.replace(/\.cases\.ts$/, ''), () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- registers the file's tests here
      require(join(folder, file));
    });
  }
}

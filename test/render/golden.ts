/**
 * Golden files: `expectGolden('passed.email.txt', text)` compares with test/fixtures/golden/<name>;
 * run with UPDATE_GOLDEN=1 to (re)write them, then review the diff in git.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where the golden files live. */
export const GOLDEN_DIR = join(__dirname, '..', 'fixtures', 'golden');

/** Asserts that `actual` equals the golden file `name` (or rewrites it when UPDATE_GOLDEN=1). */
export function expectGolden(name: string, actual: string): void {
  const file = join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) {
    throw new Error(`golden file ${file} is missing: run UPDATE_GOLDEN=1 npx jest test/render and review it`);
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

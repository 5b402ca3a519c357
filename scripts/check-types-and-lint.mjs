#!/usr/bin/env node
// `npm test`'s static checks in one process: the TypeScript type check (what `tsc --noEmit -p tsconfig.json`
// reports) and ESLint with its type-aware rules (what `eslint .` reports), both on ONE TypeScript program.
// Run apart, tsc and typescript-eslint each build and type-check the whole program (~20 s of CPU each on
// 2 cores); here it is built once and handed to typescript-eslint through `parserOptions.programs`.
// eslint.config.mjs stays the single source of the rules; `npm run build` and `npm run lint` run the
// two tools on their own. Exits 1 when either finds a problem, 2 when it cannot run.
import ts from 'typescript';
import { ESLint } from 'eslint';

function fail(message) {
  console.error(`check-types-and-lint: ${message}`);
  process.exit(2);
}

const host = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => process.cwd(),
  getNewLine: () => '\n',
};

// The program of tsconfig.json, as `tsc -p tsconfig.json` builds it.
const parsed = ts.getParsedCommandLineOfConfigFile(
  'tsconfig.json',
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => fail(ts.formatDiagnostic(d, host)),
  },
);
if (!parsed) fail('cannot read tsconfig.json');
if (parsed.errors.length > 0) fail(ts.formatDiagnostics(parsed.errors, host));
const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });

let problems = 0;
const started = Date.now();
const diagnostics = ts.getPreEmitDiagnostics(program);
if (diagnostics.length > 0) {
  problems += diagnostics.length;
  process.stdout.write(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
  process.stdout.write(`\ntsc: ${diagnostics.length} error(s)\n`);
}
const typeSeconds = Math.round((Date.now() - started) / 1000);

// ESLint over the same files `eslint .` lints, with the program above instead of a project service.
const eslint = new ESLint({
  overrideConfig: {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: false, project: null, programs: [program] } },
  },
});
const results = await eslint.lintFiles(['.']);
const errors = results.reduce((n, r) => n + r.errorCount + r.warningCount, 0);
if (errors > 0) {
  problems += errors;
  const formatter = await eslint.loadFormatter('stylish');
  process.stdout.write(await formatter.format(results));
}
console.log(
  `types: ${diagnostics.length} error(s) in ${parsed.fileNames.length} files (${typeSeconds} s); ` +
    `eslint: ${errors} problem(s) in ${results.length} files`,
);
process.exit(problems > 0 ? 1 : 0);

// jest's `runtime` (jest.config.js): jest-runtime, with V8's code cache kept across the test files of a
// worker. jest loads every module afresh for each test file (its isolation) and compiles each one with
// vm.compileFunction and no cache, so the AWS SDK, aws-cdk-lib and the rest are parsed and compiled again
// in each of the ~120 files: about a sixth of the suite's CPU. Here the first compile of a source in a
// worker produces V8's cached data, and later compiles of the same source consume it. Modules still run
// afresh in each file's own context (the isolation is unchanged); only the compiling is saved.
//
// It wraps jest-runtime 30's module executor (`executor.compile`). Should a jest upgrade move it, the
// runtime falls back to jest's own compile, and the suite only runs slower.
'use strict';

const vm = require('node:vm');
const Runtime = require('jest-runtime').default;

/** Cached data by file name, with the source it was produced from. */
const cache = new Map();

class CodeCacheRuntime extends Runtime {
  constructor(...args) {
    super(...args);
    const executor = this.executor;
    if (
      !executor ||
      typeof executor.compile !== 'function' ||
      !Array.isArray(executor.injectedModuleParameters)
    )
      return;
    const jestCompile = executor.compile.bind(executor);
    executor.compile = (source, filename) => {
      const context = executor.environment && executor.environment.getVmContext();
      if (!context || typeof executor.dynamicImport !== 'function') return jestCompile(source, filename);
      const entry = cache.get(filename);
      const cached = entry !== undefined && entry.source === source ? entry.data : undefined;
      let fn;
      try {
        fn = vm.compileFunction(source, executor.injectedModuleParameters, {
          filename,
          parsingContext: context,
          ...(cached ? { cachedData: cached } : { produceCachedData: true }),
          importModuleDynamically: (specifier, _fn, attributes, phase) =>
            executor.dynamicImport(specifier, filename, context, attributes, phase),
        });
      } catch {
        // A syntax error and the like: jest's own compile reports it as jest does.
        return jestCompile(source, filename);
      }
      if (!cached && fn.cachedData) cache.set(filename, { source, data: fn.cachedData });
      return fn;
    };
  }
}

module.exports = CodeCacheRuntime;
module.exports.default = CodeCacheRuntime;

// jest's `runtime` (jest.config.js): jest-runtime, with V8's code cache kept across the test files of a
// worker. jest loads every module afresh for each test file (its isolation) and compiles each one with
// vm.compileFunction and no cache, so the AWS SDK, aws-cdk-lib and the rest are parsed and compiled again
// in each of the ~85 test files. Here, the first time a worker meets a source, a throwaway compile (in no
// test file's context) produces V8's cached data, and every compile of it in a test file consumes it.
// Modules still run afresh in each file's own context (the isolation is unchanged); only the compiling
// is saved: about 40 s of CPU of `npm test` on 2 cores.
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
      let entry = cache.get(filename);
      if (entry === undefined || entry.source !== source) {
        // Produced by a throwaway compile outside every test file's context: produced by the compile a
        // test file runs, the cached data keeps that file's context (and all its modules) alive.
        let data;
        try {
          data = vm.compileFunction(source, executor.injectedModuleParameters, {
            filename,
            produceCachedData: true,
          }).cachedData;
        } catch {
          // A syntax error and the like: jest's own compile reports it as jest does.
          return jestCompile(source, filename);
        }
        entry = { source, data };
        cache.set(filename, entry);
      }
      let fn;
      try {
        fn = vm.compileFunction(source, executor.injectedModuleParameters, {
          filename,
          parsingContext: context,
          ...(entry.data ? { cachedData: entry.data } : {}),
          importModuleDynamically: (specifier, _fn, attributes, phase) =>
            executor.dynamicImport(specifier, filename, context, attributes, phase),
        });
      } catch {
        return jestCompile(source, filename);
      }
      return fn;
    };
  }
}

module.exports = CodeCacheRuntime;
module.exports.default = CodeCacheRuntime;

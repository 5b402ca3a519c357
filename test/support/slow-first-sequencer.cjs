// jest's `testSequencer` (jest.config.js): jest's own order (failed first, then the slowest by the
// timings it cached on this machine), but on a machine with no cached timings (a fresh clone, CI) the
// test files known to be slow start first, by the seconds they took in `npm test` on 2 cores, instead of
// by file size. jest's size rule starts the slowest file (test/e2e/synth.test.ts: small, runs `cdk synth`)
// near the end, where it alone keeps the run going for half a minute. A stale figure only changes the
// order; every test file still runs.
'use strict';

const { relative } = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

/** Seconds of the slowest test files (`npx jest --json`, 2 workers, beside tsc, eslint and prettier). */
const SECONDS = {
  'test/e2e/synth.test.ts': 38,
  'test/rehearsal/scenarios.test.ts': 14,
  'test/e2e/report-browser.test.ts': 12,
  'test/rehearsal/service-models.test.ts': 12,
  'test/cadence/heads-up.test.ts': 8,
  'test/e2e/history-browser.test.ts': 7,
  'test/rehearsal/account.test.ts': 5,
  'test/workflow.test.ts': 40,
  'test/stack.test.ts': 35,
  'test/constructs.test.ts': 12,
};

class SlowFirstSequencer extends Sequencer {
  sort(tests) {
    const ordered = super.sort(tests);
    const estimate = (test) => {
      const seconds = SECONDS[relative(test.context.config.rootDir, test.path).split('\\').join('/')];
      return test.duration ?? (seconds === undefined ? -1 : seconds * 1000); // jest's timings are in ms
    };
    // Array.prototype.sort is stable: files with equal estimates keep jest's order (by size).
    return ordered.sort((a, b) => {
      const failedA = this.hasFailed(a);
      if (failedA !== this.hasFailed(b)) return failedA ? -1 : 1;
      return estimate(b) - estimate(a);
    });
  }
}

module.exports = SlowFirstSequencer;

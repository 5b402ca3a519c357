#!/usr/bin/env node
// The `chaos-cadence` bin (package.json "bin"): runs the TypeScript CLI in bin/cli.ts through tsx, so
// `npx chaos-cadence ...` works right after `npm ci`, without a build step. Registers both tsx hooks:
// CommonJS for the CLI itself, ESM for ESM-only dependencies the rehearsal may load.
'use strict';

const path = require('node:path');
const { register: registerCjs } = require('tsx/cjs/api');

registerCjs();
import('tsx/esm/api')
  .then(({ register }) => {
    register();
    require(path.join(__dirname, 'cli.ts'));
  })
  .catch((error) => {
    process.stderr.write(`chaos-cadence: cannot start: ${error && error.message ? error.message : error}\n`);
    process.exitCode = 1;
  });

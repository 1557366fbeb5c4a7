#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (npm start builds too).
let cli;
try {
  cli = require('../dist/main.js');
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes('dist/main.js')) {
    process.stderr.write('lazaret: the CLI is not built yet; run `npm run build` (or `npm start`) in the repository first\n');
    process.exit(2);
  }
  throw err;
}
cli.run(process.argv.slice(2)).then((code) => process.exit(code));

#!/usr/bin/env node
// `npm start`: runs the whole Lazaret platform on this machine. What it does, step by step, is
// in docs/running.md; the parts live in tools/launcher/.
import { main } from './launcher/main.mjs';

const code = await main(process.argv.slice(2));
process.exit(code);

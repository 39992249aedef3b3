#!/usr/bin/env node
// The `llmkit-cuda` command: `llmkit-cuda doctor [--json]` reports what the cuda backend finds.
import { formatDoctor, runDoctor } from './doctor.js';

const [command, ...flags] = process.argv.slice(2);
if (command === 'doctor') {
  const report = runDoctor();
  console.log(flags.includes('--json') ? JSON.stringify(report, null, 2) : formatDoctor(report));
} else {
  console.error(`usage: llmkit-cuda doctor [--json]\n  (got ${command === undefined ? 'no command' : JSON.stringify(command)})`);
  process.exitCode = 2;
}

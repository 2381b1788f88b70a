#!/usr/bin/env node
// The web client's steps in the Maven build (pom.xml, exec-maven-plugin), run from the project root:
//   test       install the npm dependencies when needed, then the Vitest unit tests
//   check-api  the same install, then fail when src/api/schema.d.ts is stale against target/openapi/openapi.json
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ui = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(command, args) {
  const result = spawnSync(command, args, { cwd: ui, stdio: 'inherit', env: { ...process.env, CI: 'true' } });
  if (result.error) {
    console.error(`${command} ${args.join(' ')}: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) {
    process.exit(result.status ?? 1);
  }
}

/** npm ci when node_modules is missing or older than package-lock.json. */
function ensureDependencies() {
  const lock = resolve(ui, 'package-lock.json');
  const installed = resolve(ui, 'node_modules/.package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) {
    return;
  }
  console.log('ui: installing npm dependencies (npm ci)');
  run(npm, ['ci', '--no-audit', '--no-fund']);
}

const step = process.argv[2];
ensureDependencies();
if (step === 'test') {
  run(process.execPath, [resolve(ui, 'node_modules/vitest/vitest.mjs'), 'run']);
} else if (step === 'check-api') {
  run(process.execPath, [resolve(ui, 'scripts/api-types.mjs'), 'check']);
} else if (step !== 'install') {
  console.error('usage: maven.mjs test|check-api|install');
  process.exit(2);
}

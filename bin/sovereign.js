#!/usr/bin/env node
// Operator CLI launcher: builds once if needed, then runs the compiled CLI.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { execSync } = require('node:child_process');

const root = join(__dirname, '..');
const entry = join(root, 'dist', 'src', 'cli', 'index.js');
if (!existsSync(entry)) execSync('npm run build --silent', { cwd: root, stdio: 'inherit' });
require(entry).main(process.argv).then((code) => process.exit(code));

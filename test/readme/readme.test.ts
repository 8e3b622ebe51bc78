import * as fs from "node:fs";
import * as path from "node:path";

const root = path.resolve(__dirname, "../..");
const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
const examples = fs
  .readdirSync(__dirname)
  .filter((f) => f.startsWith("example-") && f.endsWith(".ts"))
  .map((f) => fs.readFileSync(path.join(__dirname, f), "utf8").trim());

// `npm run typecheck` compiles test/readme/example-*.ts (with `@tandem/cdktf` mapped to src/),
// so a README example that matches one of them compiles.
describe("README", () => {
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1].trim());

  test("has TypeScript examples", () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  test.each(blocks.map((b, i) => [i + 1, b]))("example %d is a type-checked file in test/readme/", (_i, block) => {
    expect(examples).toContain(block);
  });
});

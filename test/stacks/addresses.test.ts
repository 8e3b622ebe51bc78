/**
 * Every resource address of every stack, committed (test/stacks/addresses/<stack>.txt): a construct renamed or moved
 * changes its Terraform address, which replaces real infrastructure. Such a change shows up here as a diff in review,
 * not as a surprise in a plan. After an intended change: UPDATE_ADDRESSES=1 npx jest test/stacks/addresses.test.ts
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { TerraformStack, Testing } from "cdktf";
import { environments } from "../../environments";
import { loadEnvironment } from "../../src/config";
import { addEnvironmentStacks } from "../../stacks";

type Json = { resource?: Record<string, Record<string, { "//"?: { metadata?: { path?: string } } }>>; data?: Json["resource"] };

/** `construct/path -> type.logical_id`, sorted. */
function addressList(json: Json): string[] {
  const lines: string[] = [];
  for (const [kind, blocks] of [["", json.resource], ["data.", json.data]] as const) {
    for (const [type, byId] of Object.entries(blocks ?? {})) {
      for (const [id, body] of Object.entries(byId)) lines.push(`${body["//"]?.metadata?.path ?? "?"} -> ${kind}${type}.${id}`);
    }
  }
  return lines.sort();
}

const app = Testing.app();
addEnvironmentStacks(
  app,
  Object.entries(environments).map(([name, raw]) => loadEnvironment(name, raw)),
);

describe.each(app.node.children.filter((c) => c instanceof TerraformStack).map((c) => c.node.id))("%s", (stack) => {
  test("its resource addresses are the committed ones", () => {
    // toTerraform() keeps cdktf's "//" metadata (Testing.synth strips it), where the construct path is.
    // Aspects first (as synth runs them): the resources they add (the stack's APIs) have addresses too.
    const built = app.node.findChild(stack) as TerraformStack;
    Testing.synth(built);
    const json = built.toTerraform() as Json;
    const actual = `${addressList(json).join("\n")}\n`;
    const file = path.join(__dirname, "addresses", `${stack}.txt`);
    if (process.env.UPDATE_ADDRESSES === "1") fs.writeFileSync(file, actual);
    expect(fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "(no committed list)").toEqual(actual);
  });
});

// Lint is deliberately small: it guards the rules that keep Tandem fast and typed.
import tsParser from "@typescript-eslint/parser";

const providerRoots = ["@cdktf/provider-google", "@cdktf/provider-kubernetes", "@cdktf/provider-docker"];

export default [
  { ignores: ["node_modules/**", "cdktf.out/**", "dist/**", "examples/**/node_modules/**", "examples/**/cdktf.out/**", "**/.gen/**"] },
  {
    files: ["**/*.ts", "**/*.mts", "**/*.cts", "**/*.js", "**/*.mjs"],
    languageOptions: { parser: tsParser, ecmaVersion: 2022, sourceType: "module" },
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: providerRoots.map((name) => ({
            name,
            message: `Import the class by its deep path (e.g. ${name}/lib/<resource>): the package root loads every resource and costs seconds and hundreds of MB.`,
          })),
        },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: `CallExpression[callee.name='require'] > Literal[value=/^@cdktf\\/provider-(google|kubernetes|docker)$/]`,
          message: "Require the provider class by its deep path, never the package root.",
        },
      ],
    },
  },
];

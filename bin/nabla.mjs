#!/usr/bin/env node
// The `nabla` command (package.json "bin"). In a checkout (src/ present, tsx installed) it runs the
// TypeScript sources through tsx, so `npm ci && npx nabla train` needs no build; in an installed package it
// runs the compiled dist/cli/main.js. NABLA_CLI=dist or NABLA_CLI=src forces one.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = new URL("../", import.meta.url);
const source = new URL("src/cli/main.ts", root);
const built = new URL("dist/cli/main.js", root);
const choice = process.env.NABLA_CLI;

async function canUseTsx() {
  try {
    await import("tsx/esm/api");
    return true;
  } catch {
    return false;
  }
}

let entry;
if (choice === "dist" || (choice !== "src" && !(existsSync(fileURLToPath(source)) && (await canUseTsx())))) {
  if (!existsSync(fileURLToPath(built))) {
    console.error(`nabla: ${fileURLToPath(built)} is missing; build the package (npm run build), or install tsx to run the sources`);
    process.exit(3);
  }
  entry = built;
} else {
  const { register } = await import("tsx/esm/api");
  register();
  entry = source;
}
// A closed pipe (`nabla predict ... | head`) ends the command quietly instead of with an EPIPE stack.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e.code !== "EPIPE") throw e;
    process.exit(process.exitCode ?? 0);
  });
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));

import { parseArgs } from "node:util";
import { dump } from "js-yaml";
import { generateApiKey, hashApiKey } from "./api-keys.js";

// `npm run keygen -- --owner alice [--id alice-laptop] [--admin]`: prints a new API key (shown once; give it to
// the client) and the line to add to the keys file (which stores only its digest).

function main(): void {
  const { values } = parseArgs({
    options: {
      owner: { type: "string" },
      id: { type: "string" },
      admin: { type: "boolean", default: false },
    },
  });
  if (values.owner === undefined) {
    process.stderr.write("usage: npm run keygen -- --owner NAME [--id KEY_NAME] [--admin]\n");
    process.exit(2);
  }
  const key = generateApiKey();
  const entry = {
    id: values.id ?? `${values.owner}-${new Date().toISOString().slice(0, 10)}`,
    owner: values.owner,
    sha256: hashApiKey(key),
    ...(values.admin ? { admin: true } : {}),
  };
  process.stdout.write(
    `API key (give it to the client; it is not stored anywhere):\n  ${key}\n\n` +
      `Add to the keys file under "keys:":\n${dump([entry], { flowLevel: 1 }).trimEnd().replace(/^/gm, "  ")}\n`,
  );
}

main();

// Restores package-lock.json entries for chdb's platform packages the registry does not serve, so
// that `npm ci` accepts the lock (see docs/dependencies.md).
import { readFileSync, writeFileSync } from "node:fs";

const LOCK = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(LOCK, "utf8"));
const chdb = lock.packages["node_modules/chdb"];
for (const [name, version] of Object.entries(chdb.optionalDependencies ?? {})) {
  const key = `node_modules/${name}`;
  if (lock.packages[key]) continue;
  const [, os, cpu, libc] = name.match(/lib-(darwin|linux)-(x64|arm64)(?:-(gnu))?$/) ?? [];
  if (!os) throw new Error(`cannot tell the platform of ${name}`);
  lock.packages[key] = { version, cpu: [cpu], os: [os], ...(libc ? { libc: ["glibc"] } : {}), optional: true };
}
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);

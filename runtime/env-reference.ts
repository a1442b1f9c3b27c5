/**
 * `${NAME}` references to environment variables in config files, so secrets (channel tokens, API
 * credentials, webhook secrets) live in the environment and never in a file or a log. Used by the
 * alert rules file and the sources file.
 */
export type Env = Readonly<Record<string, string | undefined>>;
type Path = readonly PropertyKey[];

const ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Replaces `${NAME}` in every string of `value` with the variable's value, reporting unset ones
 * and SIMAK_ names through `problem`: runtime/config.ts refuses any SIMAK_* variable it does not
 * know (a typo guard), so a secret under such a name would stop every stage at start. `prefix`
 * is the name suggested instead (e.g. ALERT_).
 */
export function substituteEnv(
  value: unknown,
  path: Path,
  env: Env,
  prefix: string,
  problem: (path: Path, reason: string) => void,
): unknown {
  if (typeof value === "string")
    return value.replace(ENV_REFERENCE, (_, name: string) => {
      if (name.startsWith("SIMAK_"))
        problem(
          path,
          `${name}: SIMAK_* variables are the pipeline's configuration; name the secret otherwise, e.g. ${prefix}${name.slice(6)}`,
        );
      const found = env[name];
      if (found === undefined || found === "") problem(path, `environment variable ${name} is not set`);
      return found ?? "";
    });
  if (Array.isArray(value)) return value.map((item, i) => substituteEnv(item, [...path, i], env, prefix, problem));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substituteEnv(item, [...path, key], env, prefix, problem)]),
    );
  return value;
}

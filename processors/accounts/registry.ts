/**
 * The registry of agencies' official accounts (akun resmi), per platform, with the names and
 * aliases that identify each agency. Built from a YAML file (config/examples/accounts.yaml) or
 * directly from data; immutable once built, with the lookups the classifier needs precomputed.
 */
import { readFile } from "node:fs/promises";
import { isMap, isScalar, isSeq, type Node, type Scalar, type YAMLMap } from "yaml";
import { WatchedFile, type WatchOptions } from "../../runtime/watched-file.js";
import type { Platform } from "../../schemas/types.generated.js";
import { PLATFORMS } from "../topics/parse.js";
import { formatSourceIssue, type SourceIssue, YamlSource } from "../topics/yaml-source.js";
import { compactHandle, lowerHandle, nameWords, skeleton } from "./similarity.js";

export interface OfficialAccountInput {
  handle: string;
  /** The platform's own account id; when given, an author must have it to count as this account. */
  id?: string | null;
  /** The display name the account uses. */
  name?: string | null;
}

export interface AgencyInput {
  /** Stable slug (as in TopicMatch.agency). */
  id: string;
  name: string;
  /** How people and accounts name the agency ("kemenkes", "menkes", "kementerian kesehatan"). The id and name are added. */
  aliases?: readonly string[];
  accounts: Readonly<Partial<Record<Platform, readonly OfficialAccountInput[]>>>;
}

export interface RegistryInput {
  agencies: readonly AgencyInput[];
  /** Unregistered accounts reviewed and known not to impersonate (fan pages, media, ...), per platform. */
  allowlist?: Readonly<Partial<Record<Platform, readonly string[]>>>;
}

export interface OfficialAccount {
  agency: string;
  platform: Platform;
  /** As registered (original case, without "@"). */
  handle: string;
  id: string | null;
  name: string | null;
  /** Lower case, for identity. */
  readonly lower: string;
  /** Lower case without separators. */
  readonly compact: string;
  /** Look-alike skeleton. */
  readonly skeleton: string;
}

export interface Alias {
  agency: string;
  /** As written in the registry. */
  text: string;
  /** Normalised words, for display names. */
  words: readonly string[];
  /** Words joined, for handles. */
  compact: string;
  /** Look-alike skeleton of `compact`. */
  skeleton: string;
}

export interface Agency {
  id: string;
  name: string;
  aliases: readonly Alias[];
  accounts: readonly OfficialAccount[];
  /** Normalised words of the agency's name and its accounts' display names, joined (display-name copies). */
  officialNames: ReadonlySet<string>;
}

export type OfficialMatch =
  | { kind: "official"; account: OfficialAccount; by: "id" | "handle" }
  /** The handle is registered, but with another id: a renamed official account's old handle, now someone else's. */
  | { kind: "id-mismatch"; account: OfficialAccount };

const key = (platform: string, value: string) => `${platform}\u0000${value}`;

export class AccountRegistry {
  readonly agencies: readonly Agency[];
  readonly accounts: readonly OfficialAccount[];
  readonly aliases: readonly Alias[];
  private readonly byHandle = new Map<string, OfficialAccount>();
  private readonly byId = new Map<string, OfficialAccount>();
  private readonly allowed = new Set<string>();
  private readonly agencyById = new Map<string, Agency>();

  /** Throws an Error naming the problem on duplicate agencies or accounts. */
  constructor(input: RegistryInput) {
    const agencies: Agency[] = [];
    for (const agency of input.agencies) {
      if (this.agencyById.has(agency.id)) throw new Error(`agency '${agency.id}' is defined twice`);
      const accounts: OfficialAccount[] = [];
      for (const [platform, list] of Object.entries(agency.accounts) as [Platform, OfficialAccountInput[]][]) {
        for (const account of list ?? []) {
          const handle = account.handle.replace(/^@+/, "");
          const official: OfficialAccount = {
            agency: agency.id,
            platform,
            handle,
            id: account.id ?? null,
            name: account.name ?? null,
            lower: lowerHandle(handle),
            compact: compactHandle(handle),
            skeleton: skeleton(handle),
          };
          const handleKey = key(platform, official.lower);
          const other = this.byHandle.get(handleKey);
          if (other)
            throw new Error(`${platform} handle @${handle} is registered twice (${other.agency} and ${agency.id})`);
          this.byHandle.set(handleKey, official);
          if (official.id !== null) this.byId.set(key(platform, official.id), official);
          accounts.push(official);
        }
      }
      const aliasTexts = [agency.id.replace(/-/g, " "), agency.name, ...(agency.aliases ?? [])];
      const aliases: Alias[] = [];
      const seen = new Set<string>();
      for (const text of aliasTexts) {
        const words = nameWords(text);
        const compact = words.join("");
        if (compact.length < 3 || seen.has(compact)) continue;
        seen.add(compact);
        aliases.push({ agency: agency.id, text, words, compact, skeleton: skeleton(compact) });
      }
      const officialNames = new Set(
        [agency.name, ...accounts.map((a) => a.name ?? "")].map((n) => nameWords(n).join(" ")),
      );
      officialNames.delete("");
      const entry: Agency = { id: agency.id, name: agency.name, aliases, accounts, officialNames };
      this.agencyById.set(agency.id, entry);
      agencies.push(entry);
    }
    for (const [platform, handles] of Object.entries(input.allowlist ?? {})) {
      for (const handle of handles ?? []) this.allowed.add(key(platform, lowerHandle(handle)));
    }
    this.agencies = agencies;
    this.accounts = agencies.flatMap((agency) => agency.accounts);
    this.aliases = agencies.flatMap((agency) => agency.aliases);
  }

  agency(id: string): Agency | undefined {
    return this.agencyById.get(id);
  }

  /**
   * The registered account an author is, on a platform: by id when the registry knows the id (a
   * renamed official account stays official), else by handle (case-insensitive). A registered
   * handle with a registered id that differs from the author's is an `id-mismatch`.
   */
  findOfficial(platform: Platform, handle: string | null | undefined, id?: string | null): OfficialMatch | null {
    if (id) {
      const byId = this.byId.get(key(platform, id));
      if (byId) return { kind: "official", account: byId, by: "id" };
    }
    if (!handle) return null;
    const account = this.byHandle.get(key(platform, lowerHandle(handle)));
    if (!account) return null;
    if (account.id !== null && id && account.id !== id) return { kind: "id-mismatch", account };
    return { kind: "official", account, by: "handle" };
  }

  isAllowlisted(platform: Platform, handle: string): boolean {
    return this.allowed.has(key(platform, lowerHandle(handle)));
  }
}

// ---------------------------------------------------------------------------------------------
// The YAML file.

/** An account file that cannot be loaded: every problem, one `file:line:column: reason` per line. */
export class AccountConfigError extends Error {
  constructor(readonly issues: readonly SourceIssue[]) {
    super(issues.map(formatSourceIssue).join("\n"));
    this.name = "AccountConfigError";
  }
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const HANDLE = /^@?[\p{L}\p{N}_.]+$/u;
const TOP_KEYS = ["agencies", "allowlist"];
const AGENCY_KEYS = ["name", "aliases", "accounts"];
const ACCOUNT_KEYS = ["handle", "id", "name"];

const isEmpty = (node: Node | null | undefined) => node == null || (isScalar(node) && node.value === null);

function stringList(source: YamlSource, node: Node | null, what: string): string[] {
  if (isEmpty(node)) return [];
  if (!isSeq(node)) {
    source.report(node, `${what} must be a list`);
    return [];
  }
  const out: string[] = [];
  for (const item of node.items as Node[]) {
    const text = source.expectString(item, `an entry of ${what}`);
    if (text !== null) out.push(text);
  }
  return out;
}

function readAccount(
  source: YamlSource,
  node: Node | null,
  where: string,
): { input: OfficialAccountInput; node: Node } | null {
  if (isScalar(node) && typeof node.value === "string") {
    if (!HANDLE.test(node.value)) {
      source.report(node, `invalid handle '${node.value}' in ${where}: only letters, digits, '_' and '.'`);
      return null;
    }
    return { input: { handle: node.value }, node };
  }
  if (!isMap(node)) {
    source.report(node, `an account in ${where} must be a handle or a mapping with handle, id and name`);
    return null;
  }
  const input: OfficialAccountInput = { handle: "" };
  let valid = true;
  for (const pair of (node as YAMLMap<Scalar, Node | null>).items) {
    const name = String(pair.key?.value);
    if (!ACCOUNT_KEYS.includes(name)) {
      source.report(
        pair.key,
        `unknown key '${name}' in an account of ${where}; expected one of ${ACCOUNT_KEYS.join(", ")}`,
      );
      valid = false;
      continue;
    }
    if (name === "id" && isScalar(pair.value) && typeof pair.value.value === "number") {
      source.report(
        pair.value,
        `account id in ${where} must be quoted ("${pair.value.source ?? pair.value.value}"): ids are strings, and large numbers lose digits`,
      );
      valid = false;
      continue;
    }
    const value = source.expectString(pair.value, `'${name}' in an account of ${where}`, pair.key);
    if (value === null) valid = false;
    else if (name === "handle") input.handle = value;
    else if (name === "id") input.id = value;
    else input.name = value;
  }
  if (!valid) return null;
  if (input.handle === "") {
    source.report(node, `an account in ${where} has no handle`);
    return null;
  }
  if (!HANDLE.test(input.handle)) {
    source.report(node, `invalid handle '${input.handle}' in ${where}: only letters, digits, '_' and '.'`);
    return null;
  }
  return { input, node };
}

function readPlatform(source: YamlSource, keyNode: Scalar | null): Platform | null {
  const platform = String(keyNode?.value);
  if ((PLATFORMS as readonly string[]).includes(platform)) return platform as Platform;
  source.report(keyNode, `unknown platform '${platform}'; expected one of ${PLATFORMS.join(", ")}`);
  return null;
}

/** Reads an account file's text into a registry; throws AccountConfigError with every problem located. */
export function parseAccountFile(text: string, file: string): AccountRegistry {
  const source = new YamlSource(file, text);
  const agencies: AgencyInput[] = [];
  const allowlist: Partial<Record<Platform, string[]>> = {};
  /** Where each (platform, handle) was first registered, to report duplicates at both places. */
  const registered = new Map<string, { agency: string; node: Node }>();
  const root =
    source.issues.length > 0 ? null : isEmpty(source.root) ? null : source.expectMap(source.root, "the file");
  if (source.issues.length === 0 && root === null)
    source.report(null, "the file defines no agencies (expected 'agencies:')");
  for (const pair of root?.items ?? []) {
    const top = String(pair.key?.value);
    if (!TOP_KEYS.includes(top)) {
      source.report(pair.key, `unknown key '${top}'; expected ${TOP_KEYS.map((k) => `'${k}'`).join(" or ")}`);
      continue;
    }
    if (isEmpty(pair.value)) continue;
    const map = source.expectMap(pair.value, `'${top}'`);
    if (!map) continue;
    if (top === "allowlist") {
      for (const entry of map.items) {
        const platform = readPlatform(source, entry.key);
        if (platform) allowlist[platform] = stringList(source, entry.value, `allowlist.${platform}`);
      }
      continue;
    }
    for (const agencyPair of map.items) {
      const id = String(agencyPair.key?.value);
      if (!ID.test(id)) {
        source.report(agencyPair.key, `invalid agency id '${id}': use letters, digits, '-', '_' and '.'`);
        continue;
      }
      const details = source.expectMap(agencyPair.value, `agency '${id}'`);
      if (!details) continue;
      let name: string | null = null;
      let aliases: string[] = [];
      const accounts: Partial<Record<Platform, OfficialAccountInput[]>> = {};
      let hasAccounts = false;
      for (const field of details.items) {
        const fieldName = String(field.key?.value);
        if (!AGENCY_KEYS.includes(fieldName)) {
          source.report(
            field.key,
            `unknown key '${fieldName}' in agency '${id}'; expected one of ${AGENCY_KEYS.join(", ")}`,
          );
        } else if (fieldName === "name") {
          name = source.expectString(field.value, `the name of '${id}'`, field.key);
        } else if (fieldName === "aliases") {
          aliases = stringList(source, field.value, `the aliases of '${id}'`);
        } else {
          hasAccounts = true;
          const perPlatform = source.expectMap(field.value, `the accounts of '${id}'`);
          for (const platformPair of perPlatform?.items ?? []) {
            const platform = readPlatform(source, platformPair.key);
            if (!platform) continue;
            const where = `${id}.accounts.${platform}`;
            const nodes = isSeq(platformPair.value) ? (platformPair.value.items as Node[]) : [platformPair.value];
            for (const node of nodes) {
              const account = readAccount(source, node, where);
              if (!account) continue;
              const handleKey = key(platform, lowerHandle(account.input.handle));
              const first = registered.get(handleKey);
              if (first) {
                const at = source.position(first.node.range?.[0] ?? 0);
                source.report(
                  account.node,
                  `${platform} handle @${account.input.handle.replace(/^@+/, "")} is already registered for '${first.agency}' at ${at.line}:${at.column}`,
                );
                continue;
              }
              registered.set(handleKey, { agency: id, node: account.node });
              const list = accounts[platform] ?? [];
              list.push(account.input);
              accounts[platform] = list;
            }
          }
        }
      }
      if (name === null && !details.items.some((f) => String(f.key?.value) === "name")) {
        source.report(agencyPair.key, `agency '${id}' has no 'name:'`);
      }
      if (!hasAccounts) source.report(agencyPair.key, `agency '${id}' has no 'accounts:'`);
      if (name !== null) agencies.push({ id, name, aliases, accounts });
    }
  }
  if (source.issues.length > 0) {
    throw new AccountConfigError([...source.issues].sort((a, b) => a.line - b.line || a.column - b.column));
  }
  return new AccountRegistry({ agencies, allowlist });
}

/** Reads an account file; throws AccountConfigError or the read error. */
export async function loadAccountFile(path: string): Promise<AccountRegistry> {
  return parseAccountFile(await readFile(path, "utf8"), path);
}

/**
 * The account file as a reloadable registry: `current()` is the registry in force; call `.watch()`
 * to reload on change (a bad edit keeps the previous registry and calls `onError`; see WatchedFile).
 */
export async function openAccountFile(
  path: string,
  options: WatchOptions<AccountRegistry> = {},
): Promise<WatchedFile<AccountRegistry>> {
  return WatchedFile.open(path, parseAccountFile, options);
}

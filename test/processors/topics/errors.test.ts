import { describe, expect, it } from "vitest";
import {
  compileQueries,
  compileQueryFile,
  QueryConfigError,
  type QueryIssue,
} from "../../../processors/topics/index.js";
import { errorOf } from "./helpers.js";

function fileError(yaml: string, file = "queries.yaml"): string {
  try {
    compileQueryFile(yaml, file);
  } catch (error) {
    expect(error).toBeInstanceOf(QueryConfigError);
    return (error as Error).message;
  }
  throw new Error("file compiled");
}

describe("query syntax errors: position within the query and reason", () => {
  const cases: Array<[string, string]> = [
    ["", "1:1: query is empty"],
    ["   ", "1:1: query is empty"],
    ['bpjs "antre lama', `1:6: unterminated phrase: the quote opened here has no closing '"'`],
    [
      "bpjs NEAR antre",
      "1:6: 'NEAR' is not a proximity operator: write NEAR/n or NEAR/nf with a number of words, e.g. NEAR/3",
    ],
    [
      "bpjs NEAR/x antre",
      "1:6: 'NEAR/x' is not a proximity operator: write NEAR/n or NEAR/nf with a number of words, e.g. NEAR/3",
    ],
    ["bpjs NEAR/101 antre", "1:6: NEAR distance 101 is too large (at most 100)"],
    ["bpjs)", "1:5: unexpected ')' with no matching '('"],
    [") bpjs", "1:1: unexpected ')' with no matching '('"],
    ["bpjs OR", "1:8: expected a term after 'OR', found end of query"],
    ["bpjs OR   ", "1:8: expected a term after 'OR', found end of query"],
    ["bpjs AND OR jkn", "1:10: expected a term after 'AND', found 'OR'"],
    ["(bpjs OR) jkn", "1:9: expected a term after 'OR', found ')'"],
    ["bpjs NOT", "1:9: expected a term after 'NOT', found end of query"],
    ["bpjs NEAR/3", "1:12: expected a term after 'NEAR/3', found end of query"],
    ["bpjs (", "1:7: expected a term after '(', found end of query"],
    ["bpjs () jkn", "1:6: empty parentheses '()'"],
    ["(bpjs OR jkn", "1:13: expected ')' to close '(' opened at 1:1"],
    ["kemenkes AND ((vaksin OR imunisasi) jadwal", "1:43: expected ')' to close '(' opened at 1:14"],
    ["OR bpjs", "1:1: 'OR' needs a term before it"],
    ["(AND bpjs)", "1:2: 'AND' needs a term before it"],
    ["NEAR/2 bpjs", "1:1: 'NEAR/2' needs a term before it"],
    ["bpjs NEAR/2 NOT antre", "1:13: NEAR operands must be words, phrases or wildcards, or an OR of them; found NOT"],
    [
      "#bpjs NEAR/2 antre",
      "1:1: NEAR operands must be words, phrases or wildcards, or an OR of them; found the hashtag '#bpjs' (hashtags have no position in the text)",
    ],
    [
      "antre NEAR/2 @BPJSKesehatanRI",
      "1:14: NEAR operands must be words, phrases or wildcards, or an OR of them; found the handle '@BPJSKesehatanRI' (handles have no position in the text)",
    ],
    [
      "antre NEAR/2 (bpjs OR platform:x)",
      "1:23: NEAR operands must be words, phrases or wildcards, or an OR of them; found the field filter 'platform:'",
    ],
    [
      "(bpjs jkn) NEAR/2 antre",
      "1:1: NEAR operands must be words, phrases or wildcards, or an OR of them; found an AND group",
    ],
    ["antre NEAR/2 (NOT bpjs)", "1:14: NEAR operands must be words, phrases or wildcards, or an OR of them; found NOT"],
    ["bpjs -iuran", "1:6: '-' is not an operator here: to exclude a term write NOT iuran"],
    ["*kes", "1:1: wildcard '*' is only allowed at the end of a word"],
    ["kem*kes", "1:4: wildcard '*' is only allowed at the end of a word"],
    ['"antre b*js"', "1:9: wildcard '*' is only allowed at the end of a word"],
    ["wom?n", "1:4: the single-character wildcard '?' is not supported; use '*' at the end of a word"],
    ["bpjs *", "1:6: wildcard '*' needs letters or digits before it"],
    ["bpjs k*", "1:7: wildcard '*' needs at least 2 letters or digits right before it"],
    ["bpjs kemen-*", "1:12: wildcard '*' needs at least 2 letters or digits right before it"],
    ["bpjs 🙏", "1:6: '🙏' has no letters or digits to match"],
    ['bpjs ""', `1:6: phrase "" has no letters or digits to match`],
    ['bpjs "!!"', `1:6: phrase "!!" has no letters or digits to match`],
    ["bpjs #", "1:6: '#' must be followed by a hashtag, e.g. #BPJSKesehatan"],
    ["bpjs @", "1:6: '@' must be followed by a handle, e.g. @KemenkesRI"],
    ["#bpjs!", "1:1: invalid hashtag '#bpjs!': only letters, digits and '_' are allowed"],
    [
      "@kemenkes-ri",
      "1:1: invalid handle '@kemenkes-ri': only letters, digits and '_' (and '.' between them) are allowed",
    ],
    ["#bp*js", "1:4: wildcard '*' is only allowed at the end of a word"],
    ["#b*", "1:3: wildcard '*' needs at least 2 letters or digits right before it"],
    ["bpjs foo:bar", "1:6: unknown field 'foo:'; expected one of author:, kind:, lang:, platform:"],
    ["bpjs platform:", "1:15: field 'platform:' needs a value, e.g. platform:x"],
    ["bpjs lang:", "1:11: field 'lang:' needs a value, e.g. lang:id"],
    ["bpjs platform:tik*", "1:18: wildcards are not allowed in 'platform:'"],
    [
      "bpjs platform:myspace",
      "1:15: unknown platform 'myspace'; expected one of x, facebook, instagram, youtube, tiktok, news, forum, blog, web, other",
    ],
    ["bpjs kind:story", "1:11: unknown kind 'story'; expected one of post, reply, share, comment, article"],
    ["bpjs lang:indonesian", "1:11: invalid language code 'indonesian'; expected a BCP 47 code such as id, en or jv"],
    ["bpjs author:a+b", "1:13: invalid author 'a+b': expected a handle or an account id"],
    ["bpjs author:k*", "1:14: wildcard '*' needs at least 2 letters or digits right before it"],
    [
      "NOT spam",
      "1:1: query can match a mention without any of its positive terms ('NOT x' alone, or 'a OR NOT b'); combine NOT with a positive term, e.g. 'a AND NOT b'",
    ],
    [
      "bpjs OR NOT iuran",
      "1:9: query can match a mention without any of its positive terms ('NOT x' alone, or 'a OR NOT b'); combine NOT with a positive term, e.g. 'a AND NOT b'",
    ],
    [
      "NOT a AND NOT b",
      "1:1: query can match a mention without any of its positive terms ('NOT x' alone, or 'a OR NOT b'); combine NOT with a positive term, e.g. 'a AND NOT b'",
    ],
  ];
  it.each(cases)("%j -> %s", (query, expected) => {
    expect(errorOf(query)).toBe(`query 'q':${expected}`);
  });

  it("counts lines and columns within a multi-line query", () => {
    expect(errorOf("bpjs\n  AND (antre OR\n  nunggu")).toBe("query 'q':3:9: expected ')' to close '(' opened at 2:7");
  });

  it("reports duplicate ids and every bad query at once", () => {
    let issues: readonly QueryIssue[] = [];
    try {
      compileQueries([
        { id: "a", agency: null, query: "bpjs" },
        { id: "b", agency: null, query: "bpjs OR" },
        { id: "a", agency: null, query: "jkn" },
      ]);
    } catch (error) {
      issues = (error as QueryConfigError).issues;
    }
    expect(issues).toEqual([
      { file: null, line: 1, column: 8, reason: "expected a term after 'OR', found end of query", queryId: "b" },
      { file: null, line: 1, column: 1, reason: "duplicate query id 'a'", queryId: "a" },
    ]);
  });
});

describe("query file errors: file, line and column", () => {
  it("points into a plain scalar", () => {
    const yaml = [
      "agencies:",
      "  kemenkes:",
      "    umum: kemenkes OR menkes",
      "    vaksin: kemenkes AND ((vaksin OR imunisasi) jadwal",
    ].join("\n");
    expect(fileError(yaml)).toBe("queries.yaml:4:55: expected ')' to close '(' opened at 4:26");
  });

  it("points into single- and double-quoted scalars, past quotes and escapes", () => {
    expect(fileError(`general:\n  a: 'bpjs OR ''antre'' OR'\n`)).toBe(
      "queries.yaml:2:27: expected a term after 'OR', found end of query",
    );
    expect(fileError(`general:\n  a: "\\"antre bpjs\\" OR (jkn"\n`)).toBe(
      "queries.yaml:2:29: expected ')' to close '(' opened at 2:25",
    );
  });

  it("points into block scalars, literal and folded, on the right line", () => {
    const literal = [
      "agencies:",
      "  polri:",
      "    pungli: |",
      "      (pungli OR",
      "        suap) AND",
      "      (sim NEAR/x skck)",
    ];
    expect(fileError(literal.join("\n"))).toBe(
      "queries.yaml:6:12: 'NEAR/x' is not a proximity operator: write NEAR/n or NEAR/nf with a number of words, e.g. NEAR/3",
    );
    const folded = [
      "agencies:",
      "  polri:",
      "    pungli: >-",
      "      (pungli OR suap)",
      "      AND (sim OR",
      "",
      "      skck",
    ];
    expect(fileError(folded.join("\n"))).toBe("queries.yaml:7:11: expected ')' to close '(' opened at 5:11");
  });

  it("reports the file name as given", () => {
    expect(fileError("general:\n  a: bpjs OR\n", "config/queries.yaml")).toBe(
      "config/queries.yaml:2:13: expected a term after 'OR', found end of query",
    );
  });

  it("refuses an unquoted query whose hashtag YAML reads as a comment", () => {
    expect(fileError("general:\n  banjir: banjir OR #BanjirJakarta\n")).toBe(
      "queries.yaml:2:21: '#BanjirJakarta' is read as a YAML comment, not as part of query 'banjir': quote the whole query ('...') or write it as a block (>-)",
    );
    // A real comment after a complete query is fine.
    expect(compileQueryFile("general:\n  banjir: banjir OR rob # air pasang\n", "q.yaml").size).toBe(1);
  });

  it("reports YAML syntax errors and duplicate keys", () => {
    expect(fileError("general:\n  a: 'bpjs\n")).toBe("queries.yaml:3:1: invalid YAML: Missing closing 'quote");
    expect(fileError("general:\n  a: bpjs\n  a: jkn\n")).toBe(
      "queries.yaml:3:3: invalid YAML: Map keys must be unique",
    );
  });

  it("reports structure problems", () => {
    expect(fileError("")).toBe(
      "queries.yaml:1:1: the file defines no queries (expected 'agencies:' and/or 'general:')",
    );
    expect(fileError("- bpjs\n")).toBe("queries.yaml:1:1: the file must be a mapping (key: value lines)");
    expect(fileError("agencies:\n  kemenkes: {}\nqueries:\n  a: bpjs\n")).toBe(
      "queries.yaml:3:1: unknown key 'queries'; expected 'agencies' or 'general'",
    );
    expect(fileError("agencies:\n  - kemenkes\n")).toBe(
      "queries.yaml:2:3: 'agencies' must be a mapping (key: value lines)",
    );
    expect(fileError("agencies:\n  kemen kes:\n    a: bpjs\n")).toBe(
      "queries.yaml:2:3: invalid agency id 'kemen kes': use letters, digits, '-', '_' and '.'",
    );
    expect(fileError("agencies:\n  kemenkes:\n")).toBe("queries.yaml:2:3: agency 'kemenkes' has no queries");
    expect(fileError("agencies:\n  kemenkes: bpjs\n")).toBe(
      "queries.yaml:2:13: the queries of 'kemenkes' must be a mapping (key: value lines)",
    );
    expect(fileError("general:\n  a/b: bpjs\n")).toBe(
      "queries.yaml:2:3: invalid query id 'a/b': use letters, digits, '-', '_' and '.'",
    );
    expect(fileError("general:\n  a:\n")).toBe("queries.yaml:2:3: query 'a' is missing or empty");
    expect(fileError("general:\n  a: 12\n")).toBe("queries.yaml:2:6: query 'a' must be a string");
    expect(fileError("general:\n  a:\n    qeury: bpjs\n")).toBe(
      "queries.yaml:2:3: query 'a' has no 'query:'\n" +
        "queries.yaml:3:5: unknown key 'qeury' in query 'a'; expected one of query, description, enabled",
    );
    expect(fileError("general:\n  a:\n    query: bpjs\n    enabled: yes please\n")).toBe(
      "queries.yaml:4:14: 'enabled' of 'a' must be true or false",
    );
    expect(fileError("general:\n  a:\n    query: bpjs\n    description: [x]\n")).toBe(
      "queries.yaml:4:18: the description of 'a' must be a string",
    );
  });

  it("lists every problem of the file in file order", () => {
    const yaml = ["agencies:", "  kpk:", "    a: kpk OR", "    b: kpk", "    c: (kpk", "general:", "  d: NOT x"].join(
      "\n",
    );
    expect(fileError(yaml).split("\n")).toEqual([
      "queries.yaml:3:14: expected a term after 'OR', found end of query",
      "queries.yaml:5:12: expected ')' to close '(' opened at 5:8",
      "queries.yaml:7:6: query can match a mention without any of its positive terms ('NOT x' alone, or 'a OR NOT b'); combine NOT with a positive term, e.g. 'a AND NOT b'",
    ]);
  });

  it("loads details (description, enabled) and skips disabled queries", () => {
    const yaml = [
      "agencies:",
      "  kpk:",
      "    ott:",
      "      query: ott AND kpk",
      "      description: Operasi tangkap tangan",
      "    lama:",
      "      query: kpk AND (",
      "      enabled: false",
      "general:",
      "  hoaks: 'hoaks OR hoax'",
    ].join("\n");
    const set = compileQueryFile(yaml, "q.yaml");
    expect(set.queries.map((q) => [q.id, q.agency, q.description])).toEqual([
      ["kpk/ott", "kpk", "Operasi tangkap tangan"],
      ["hoaks", null, undefined],
    ]);
  });
});

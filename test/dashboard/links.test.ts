/** The dashboard renders a stored post's address as a link only when it is http(s). */
import { describe, expect, it } from "vitest";
import { httpHref } from "../../dashboard/src/links.js";

describe("post links", () => {
  it("keeps http and https addresses", () => {
    expect(httpHref("https://x.com/polri/status/1")).toBe("https://x.com/polri/status/1");
    expect(httpHref("http://news.example.id/a?b=1#c")).toBe("http://news.example.id/a?b=1#c");
  });

  it("drops script, data and other schemes, however they are spelled, and non-addresses", () => {
    for (const url of [
      "javascript:alert(document.cookie)",
      " JavaScript:alert(1)",
      "java\tscript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:msgbox(1)",
      "file:///etc/passwd",
      "//evil.example/x",
      "/relative",
      "",
      null,
    ]) {
      expect(httpHref(url), String(url)).toBeNull();
    }
  });
});

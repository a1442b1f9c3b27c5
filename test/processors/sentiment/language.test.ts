import { describe, expect, it } from "vitest";
import { detectLanguage } from "../../../processors/sentiment/language.js";
import { normalise } from "../../../processors/sentiment/text.js";

const language = (text: string) => detectLanguage(normalise(text).words);

describe("language routing", () => {
  it("routes Indonesian, including affixed and slang words", () => {
    expect(language("pelayanannya lambat sekali")).toEqual({
      language: "id",
      englishShare: 0,
      indonesianWords: 3,
      englishWords: 0,
    });
    expect(language("gak ada yg bantuin, udh nunggu dari pagi").language).toBe("id");
  });

  it("routes English", () => {
    expect(language("the service is really slow and the staff is rude")).toEqual({
      language: "en",
      englishShare: 1,
      indonesianWords: 0,
      englishWords: 10,
    });
  });

  it("routes code-mixed text as mixed with its English share", () => {
    expect(language("pelayanannya slow banget, so disappointed")).toEqual({
      language: "mixed",
      englishShare: 0.6,
      indonesianWords: 2,
      englishWords: 3,
    });
    expect(language("tempatnya enak, the best").language).toBe("mixed");
  });

  it("calls text with no routable word other", () => {
    expect(language("😀😀").language).toBe("other");
    expect(language("Jokowi 2024").language).toBe("other");
    expect(language("").language).toBe("other");
  });

  it("lets one English word in an Indonesian sentence stay Indonesian", () => {
    expect(language("pelayanan di kantor kelurahan sekarang cepat dan ramah, good").language).toBe("id");
  });
});

/**
 * Handle patterns: accounts made in bulk get handles from one recipe, a stem and a run of digits
 * ("suara_rakyat8812", "suara_rakyat0231"). A digit tail alone means little (people add their
 * birth year); a stem that several accounts of the same group share, each with digits, means more.
 */

const DIGIT_TAIL = /\d{4,}$/;

/** The handle without its trailing digits and separators, lower case ("Suara_Rakyat8812" -> "suara_rakyat"). */
export function handleStem(handle: string): string {
  return handle
    .toLowerCase()
    .replace(/\d+$/, "")
    .replace(/[_.]+$/, "");
}

export function hasDigitTail(handle: string): boolean {
  return DIGIT_TAIL.test(handle);
}

/**
 * Which of a group's handles follow a shared recipe: a digit tail and a stem (of at least three
 * letters) that at least `minShared` handles of the group have.
 */
export function patternedHandles(
  handles: readonly string[],
  minShared = 3,
): { patterned: number; stem: string | null } {
  const byStem = new Map<string, number>();
  for (const handle of handles) {
    if (!hasDigitTail(handle)) continue;
    const stem = handleStem(handle);
    if (stem.length >= 3) byStem.set(stem, (byStem.get(stem) ?? 0) + 1);
  }
  let patterned = 0;
  let top: string | null = null;
  let topCount = 0;
  for (const [stem, count] of byStem) {
    if (count < minShared) continue;
    patterned += count;
    if (count > topCount || (count === topCount && top !== null && stem < top)) {
      top = stem;
      topCount = count;
    }
  }
  return { patterned, stem: top };
}

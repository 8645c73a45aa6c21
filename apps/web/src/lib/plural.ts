/**
 * A count and the noun it counts, in the number the count asks for: plural(1, 'layer') is
 * "1 layer", plural(3, 'entry', 'entries') is "3 entries", plural(50000, 'file') is "50,000 files".
 * Irregular plurals are passed in; the default adds "s".
 */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${pluralNoun(count, one, many)}`;
}

/** Just the noun for a count shown elsewhere (e.g. formatted as "50K"): "item" for 1, "items" otherwise. */
export function pluralNoun(count: number, one: string, many = `${one}s`): string {
  return count === 1 ? one : many;
}

/** A short list of names: "a, b, c" or, past `shown`, "a, b, c and 4 more". */
export function someOf(names: readonly string[], shown = 3): string {
  return names.length <= shown ? names.join(', ') : `${names.slice(0, shown).join(', ')} and ${names.length - shown} more`;
}

/** Each pattern's expression, built once: the guards match the same few patterns thousands of times. */
const expressions = new Map<string, RegExp>();

/**
 * IAM wildcards: * any run of characters, ? any one character (newlines too). Actions compare
 * case-insensitively, ARNs and other values exactly.
 */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let re = expressions.get(key);
  if (!re) {
    re = new RegExp(
      `^${pattern
        .split('')
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('')}$`,
      ignoreCase ? 'is' : 's',
    );
    expressions.set(key, re);
  }
  return re.test(value);
}

/**
 * Parameter-name patterns for `freeze`: `/…/` is a JavaScript regular expression (unanchored, as a user of
 * `re.search` expects); anything else is a glob over the whole name where `*` is any run of characters
 * (dots included: `encoder.*` freezes `encoder.0.weight`) and `?` one character.
 */
export interface NamePattern {
  readonly text: string;
  test(name: string): boolean;
}

export function namePattern(text: string): NamePattern {
  const re = /^\/(.*)\/([a-z]*)$/.exec(text);
  if (re) {
    let regex: RegExp;
    try {
      regex = new RegExp(re[1], re[2]);
    } catch (e) {
      throw new Error(`model onnx: freeze pattern ${text} is not a valid regular expression (${(e as Error).message})`);
    }
    return { text, test: (name) => regex.test(name) };
  }
  const body = [...text].map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^$()|[\]\\{}]/g, '\\$&'))).join('');
  const glob = new RegExp(`^${body}$`);
  return { text, test: (name) => glob.test(name) };
}

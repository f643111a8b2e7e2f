// SPDX-License-Identifier: Apache-2.0
// Re-indents JSON text without parsing it, like Go's json.Indent: numbers keep every digit and keys
// keep their order, which JSON.parse would lose for big integers and integer-like keys.

/**
 * Indents compact or loosely formatted JSON text; empty objects and arrays stay `{}` and `[]`.
 * The input is assumed valid (it comes from the server); invalid text is returned re-spaced.
 *
 * @example
 * indentJSON('{"a":[1,2],"b":{}}', '  ') // '{\n  "a": [\n    1,\n    2\n  ],\n  "b": {}\n}'
 */
export function indentJSON(text: string, indent = '\t'): string {
  let out = '';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let pendingOpen = false; // an opening bracket waiting to know whether it is empty
  const newline = () => '\n' + indent.repeat(depth);
  for (const ch of text) {
    if (inString) {
      out += ch;
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') continue;
    if (pendingOpen) {
      pendingOpen = false;
      if (ch === '}' || ch === ']') {
        depth -= 1;
        out += ch;
        continue;
      }
      out += newline();
    }
    switch (ch) {
      case '{':
      case '[':
        out += ch;
        depth += 1;
        pendingOpen = true;
        break;
      case '}':
      case ']':
        depth -= 1;
        out += newline() + ch;
        break;
      case ',':
        out += ',' + newline();
        break;
      case ':':
        out += ': ';
        break;
      case '"':
        inString = true;
        out += ch;
        break;
      default:
        out += ch;
    }
  }
  return out;
}

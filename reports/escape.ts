/** Escaping for HTML and XML text and attributes; control characters XML 1.0 forbids are dropped. */
import { textOf } from '../harness/json.js';

/** Everything outside XML 1.0's Char production: tab, newline and carriage return are the only control characters kept. */
const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeXml(s: unknown): string {
  return (s === undefined || s === null ? '' : textOf(s))
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** HTML uses the same escaping (`&apos;` is valid HTML5). */
export const escapeHtml = escapeXml;

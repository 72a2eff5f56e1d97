/** Escaping for HTML and XML text and attributes; control characters XML 1.0 forbids are dropped. */
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function escapeXml(s: unknown): string {
  return String(s ?? '')
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** HTML uses the same escaping (`&apos;` is valid HTML5). */
export const escapeHtml = escapeXml;

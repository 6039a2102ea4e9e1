/**
 * Escaping for the two places the HTML report puts data: HTML text/attributes, and JSON
 * inside a <script type="application/json"> element.
 */

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe inside an element or a quoted attribute value. */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

/**
 * JSON that can sit inside a <script> element: `<`, `>` and `&` become \u escapes so no
 * `</script>` or `<!--` can close or confuse the element (HTML Living Standard, "Restrictions
 * for contents of script elements"), and U+2028/U+2029 are escaped for old JS parsers.
 * JSON.parse of the element's text gives back the same value.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Whether script source can sit inside a <script> element without ending it early. */
export function isScriptSafe(source: string): boolean {
  return !/<\/script|<!--/i.test(source);
}

/**
 * The live admin page: one self-contained HTML document (no CDN, no external files) that
 * polls the JSON API and shows each route's split, the health of every instance and error
 * rates. The page itself holds no data, so it is served without the token; every request
 * it makes for data sends the token. Its Content-Security-Policy allows only its own
 * inline script and style (by hash) and requests to this origin.
 */
import { createHash } from 'node:crypto';
import { PAGE_SCRIPT } from './page-script.js';

const PAGE_STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d2330; background: #fafbfc; }
h1 { font-size: 1.3rem; margin: 0 0 .2rem; } h2 { font-size: 1.05rem; margin: 1.6rem 0 .4rem; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #e3e6eb; vertical-align: middle; }
th { font-weight: 600; background: #f0f2f5; }
td { font-variant-numeric: tabular-nums; }
.bar { width: 9rem; height: .7rem; background: #c9d3e0; border-radius: 3px; overflow: hidden; }
.bar .svc { display: block; height: 100%; background: #2f7d4f; }
.ok { color: #1f6b3a; font-weight: 600; } .bad { color: #b42318; font-weight: 600; }
#meta { color: #5b6475; } form { margin: 1rem 0; } [hidden] { display: none; }
`;

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char);

const hash = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

export const PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src ${hash(PAGE_SCRIPT)}`,
  `style-src ${hash(PAGE_STYLE)}`,
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export function renderAdminPage(title = 'strangler proxy'): string {
  const safeTitle = escapeHtml(title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${safeTitle} — admin</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<h1>${safeTitle}</h1>
<div id="meta"><span id="version">config version …</span> · <span id="status">loading…</span></div>
<form id="login" hidden><label>Admin token <input id="token" type="password" autocomplete="off"></label> <button>Use</button></form>
<h2>Routes</h2>
<table><thead><tr><th>route</th><th>match</th><th>service</th><th>split</th><th>matched</th><th>diverted</th><th>fallbacks</th><th>5xx</th><th>5xx rate</th></tr></thead><tbody id="routes"></tbody></table>
<h2>Instances</h2>
<table><thead><tr><th>service</th><th>instance</th><th>health</th><th>in flight</th><th>EWMA ms</th><th>requests</th><th>failures</th><th>failure rate</th></tr></thead><tbody id="instances"></tbody></table>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

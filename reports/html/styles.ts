/** The report's stylesheet (inlined: the file must work offline). */
export const REPORT_CSS = `
:root{--ink:#1f2933;--dim:#616e7c;--line:#e4e7eb;--bg:#f5f7fa;--card:#fff;--accent:#2f6fde;--warn:#b54708;--warn-bg:#fff4e5;--ok:#1e7b4d;--ok-bg:#e8f6ee;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg);font-size:14px;line-height:1.45}
*{box-sizing:border-box}
body{margin:0}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
header.top{background:#14213d;color:#fff;padding:12px 28px}
header.top h1{margin:0;font-size:21px;font-weight:650}
header.top h1 span{font-weight:400;opacity:.8}
header.top .sub{margin:4px 0 0;opacity:.75;font-size:13px}
main{padding:12px 28px 40px;max-width:1600px;margin:0 auto}
h2{font-size:18px;margin:28px 0 10px}
h3{font-size:16px;margin:0 0 6px;display:flex;align-items:center;gap:8px;flex-wrap:wrap;word-break:break-all}
h4{font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:var(--dim);margin:16px 0 6px}
section{scroll-margin-top:12px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:10px;margin-bottom:12px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:7px 12px}
.card-value{font-size:21px;font-weight:650}
.card-label{color:var(--dim)}
.card-hint{color:var(--warn);font-size:12px}
.explorer{display:grid;grid-template-columns:minmax(0,1fr) 420px;gap:14px;height:calc(100vh - 200px);max-height:900px;min-height:540px}
.graph-wrap{position:relative;background:#fff;border:1px solid var(--line);border-radius:10px;overflow:hidden;display:flex;flex-direction:column}
.stage{position:relative;flex:1;min-height:300px}
#graph{position:absolute;inset:0}
#graph.pointer{cursor:pointer}
#cluster-labels{position:absolute;inset:0;pointer-events:none;overflow:hidden}
.cluster-label{position:absolute;transform:translate(-50%,-130%);pointer-events:auto;background:rgba(255,255,255,.92);border:2px solid;border-radius:12px;padding:1px 9px;font:600 12.5px system-ui,sans-serif;color:var(--ink);cursor:pointer;white-space:nowrap}
.cluster-label:hover{background:#fff;box-shadow:0 1px 4px rgba(0,0,0,.2)}
.toolbar{flex:none;height:48px;display:flex;align-items:center;gap:10px;padding:0 10px;border-bottom:1px solid var(--line);background:#fafbfc;z-index:3}
.search-box{position:relative;flex:1;max-width:420px}
#search{width:100%;padding:7px 10px;border:1px solid #cbd2d9;border-radius:6px;font:inherit}
#search-results{position:absolute;top:36px;left:0;right:0;margin:0;padding:4px 0;list-style:none;background:#fff;border:1px solid #cbd2d9;border-radius:6px;box-shadow:0 6px 18px rgba(0,0,0,.12);max-height:360px;overflow:auto;z-index:5}
#search-results li{padding:0 4px}
.search-hit{display:block;width:100%;text-align:left;border:0;background:none;padding:5px 8px;border-radius:4px;cursor:pointer;font:inherit;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.search-hit:hover{background:#eef2f7}
.seg{display:inline-flex;border:1px solid #cbd2d9;border-radius:6px;overflow:hidden}
.seg button,.tool{border:0;background:#fff;padding:6px 11px;font:inherit;cursor:pointer;color:var(--ink)}
.seg button+button{border-left:1px solid #cbd2d9}
.seg button.on{background:var(--accent);color:#fff}
.tool{border:1px solid #cbd2d9;border-radius:6px}
.level-note{color:var(--dim);font-size:12.5px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.legend{flex:none;border-bottom:1px solid var(--line);padding:6px 10px;max-height:64px;overflow:auto;font-size:12.5px;background:#fff}
.legend ul{margin:0;padding:0;list-style:none;display:flex;flex-wrap:wrap;gap:2px 14px}
.edge-note{position:absolute;left:10px;bottom:30px;color:var(--warn);background:var(--warn-bg);border:1px solid #f5b97a;border-radius:6px;padding:2px 8px;font-size:12px}
.hint{position:absolute;right:10px;bottom:8px;color:var(--dim);font-size:12px;background:rgba(255,255,255,.85);padding:2px 6px;border-radius:4px}
aside#side{background:#fff;border:1px solid var(--line);border-radius:10px;overflow:auto;padding:16px}
.swatch{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:6px;vertical-align:middle;flex:none}
.swatch.big{width:14px;height:14px}
.cand-link,.file-link{border:0;background:none;padding:0;font:inherit;color:var(--ink);cursor:pointer;text-align:left}
.cand-link:hover,.file-link:hover{color:var(--accent);text-decoration:underline}
.file-link{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;word-break:break-all}
.file-link.small{font-size:11.5px}
.facts{margin:4px 0 8px;color:var(--dim)}
.facts b{color:var(--ink)}
.reason{display:block;color:var(--dim);margin-top:2px}
.note{color:var(--dim);margin:6px 0}
.dim{color:var(--dim)}
.actions{margin:8px 0}
.action{border:1px solid var(--accent);color:var(--accent);background:#fff;border-radius:6px;padding:5px 10px;font:inherit;cursor:pointer}
.action:hover{background:#eef4ff}
.two{display:grid;grid-template-columns:1fr 1fr;gap:12px}
ul.plain{list-style:none;margin:0;padding:0}
ul.plain li{padding:2px 0}
.filelist li{display:flex;justify-content:space-between;gap:8px}
.loc{color:var(--dim);font-variant-numeric:tabular-nums}
.edgelist li{display:flex;align-items:baseline;gap:2px}
.xedges li{padding:4px 0;border-bottom:1px solid var(--line)}
.xedges code{word-break:break-all}
.xmeta{display:block;color:var(--dim);font-size:12.5px}
table.grid{border-collapse:collapse;background:#fff;width:100%}
table.grid th,table.grid td{border:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
table.grid thead th{background:#f0f3f7;font-weight:600}
table.compact th,table.compact td{padding:3px 6px;font-size:12.5px}
table.compact code{word-break:break-all}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.better{color:var(--dim);white-space:nowrap}
td.arrow,.arrow{color:var(--dim)}
.scroll{overflow:auto;max-height:70vh;border:1px solid var(--line);border-radius:8px}
table.matrix{width:auto}
table.matrix th.rot{height:130px;white-space:nowrap;vertical-align:bottom;padding:4px 2px;min-width:30px}
table.matrix th.rot>div{transform:rotate(-55deg);transform-origin:left bottom;width:26px;translate:14px 0}
table.matrix td.rw{text-align:center;font-weight:600;min-width:30px;font-size:12px}
td.rw-r{background:#e7f0fd;color:#1f4e99}
td.rw-w,td.rw-rw{background:#fde9d9;color:#8a3b00}
tr.shared-table th,tr.shared-table td:not(.rw-none){box-shadow:inset 0 0 0 1px #f5b97a}
tr.shared-table th{background:var(--warn-bg)}
.badge{display:inline-block;border-radius:10px;padding:0 7px;font-size:11.5px;font-weight:600}
.badge.warn{background:var(--warn-bg);color:var(--warn);border:1px solid #f5b97a}
.badge.ok{background:var(--ok-bg);color:var(--ok)}
.method{display:inline-block;min-width:52px;text-align:center;border-radius:4px;padding:0 5px;font:600 11.5px ui-monospace,monospace;background:#eef2f7}
.m-get{background:#e3f2e8;color:#17663a}.m-post{background:#fdf0dc;color:#8a4b00}.m-put,.m-patch{background:#e5eefc;color:#1f4e99}.m-delete{background:#fde5e5;color:#9b1c1c}
ol.steps{margin:0;padding-left:22px}
ol.steps li{margin:6px 0}
ol.steps .cand-link{font-weight:600}
.counts{display:flex;flex-wrap:wrap;gap:6px 16px;margin-bottom:8px}
details summary{cursor:pointer;color:var(--accent);margin:8px 0}
footer{color:var(--dim);text-align:center;padding:16px;font-size:12px}
@media (max-width:1000px){.explorer{grid-template-columns:1fr;height:auto}.graph-wrap{height:70vh}aside#side{max-height:none}}
`;

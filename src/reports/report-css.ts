/** The stylesheet of report.html, inlined so the file has no external resource. Colours follow the verdicts. */
export const REPORT_CSS = `
:root { --pass: #1a7f37; --pass-bg: #dafbe1; --fail: #cf222e; --fail-bg: #ffebe9; --error: #9a6700; --error-bg: #fff8c5;
  --skipped: #57606a; --skipped-bg: #eaeef2; --line: #d0d7de; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; margin: 0; background: #f6f8fa; }
main { max-width: 1180px; margin: 0 auto; padding: 20px 28px 40px; background: white; }
header { display: flex; align-items: center; gap: 16px; border-bottom: 1px solid var(--line); padding-bottom: 8px; }
h1 { font-size: 24px; margin: 0; } h2 { font-size: 19px; margin: 28px 0 8px; }
dl.context { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 10px 0; font-size: 13px; }
dl.context dt { color: #57606a; } dl.context dd { margin: 0; font-family: ui-monospace, monospace; word-break: break-all; }
.badge { display: inline-block; padding: 1px 9px; border-radius: 12px; font-size: 12px; font-weight: 600; vertical-align: middle; }
.badge.big { font-size: 17px; padding: 3px 14px; }
.badge.pass { color: var(--pass); background: var(--pass-bg); } .badge.fail { color: var(--fail); background: var(--fail-bg); }
.badge.error { color: var(--error); background: var(--error-bg); } .badge.skipped { color: var(--skipped); background: var(--skipped-bg); }
table { border-collapse: collapse; font-size: 13px; }
table.matrix th, table.matrix td { border: 1px solid var(--line); padding: 6px 10px; text-align: center; }
table.matrix td.cell { font-family: ui-monospace, monospace; min-width: 90px; }
td.pass { background: var(--pass-bg); color: var(--pass); } td.fail { background: var(--fail-bg); color: var(--fail); font-weight: 600; }
td.error { background: var(--error-bg); color: var(--error); font-weight: 600; } td.skipped, td.none { background: var(--skipped-bg); color: var(--skipped); }
table.data th, table.data td { border-bottom: 1px solid var(--line); padding: 3px 8px; text-align: left; white-space: nowrap; }
table.data td { font-family: ui-monospace, monospace; } table.data tr.fail td { color: var(--fail); }
.scroll { overflow-x: auto; }
.plots { display: grid; grid-template-columns: repeat(auto-fit, minmax(540px, 1fr)); gap: 14px; margin: 14px 0; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
figcaption { font-size: 12px; color: #57606a; margin-bottom: 4px; } figcaption b { color: #1f2328; font-size: 14px; }
figure svg { max-width: 100%; height: auto; }
details.case { border: 1px solid var(--line); border-left: 4px solid var(--skipped); border-radius: 4px; padding: 6px 10px; margin: 8px 0; }
details.case.fail { border-left-color: var(--fail); } details.case.error { border-left-color: var(--error); } details.case.pass { border-left-color: var(--pass); }
summary { cursor: pointer; font-weight: 600; }
.divergence { background: #f6f8fa; padding: 4px 10px; border-radius: 4px; }
.note { color: #57606a; font-size: 12px; } p.fail { color: var(--fail); }
ul.criteria { list-style: none; padding-left: 0; } ul.criteria li { padding: 3px 0; }
ul.criteria li.pass .mark { color: var(--pass); font-weight: 700; } ul.criteria li.fail .mark { color: var(--fail); font-weight: 700; }
`;

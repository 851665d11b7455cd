/**
 * The pages' icon, served as /assets/icon.svg: without one, browsers ask for /favicon.ico on
 * every page and log the 404.
 */
export const icon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0b57a4"/><path d="M16 6a7 7 0 0 0-7 7v5l-2 3v1h18v-1l-2-3v-5a7 7 0 0 0-7-7zm-3 17a3 3 0 0 0 6 0z" fill="#fff"/></svg>`;

/** The pages' one stylesheet, served from /assets/style.css so that the CSP needs no inline style. */
export const stylesheet = `
:root { color-scheme: light; --ink: #1a1a1a; --muted: #4a4a4a; --accent: #0b57a4; --danger: #a3141c;
  --line: #d0d5dd; --paper: #ffffff; --wash: #f4f6f9; }
* { box-sizing: border-box; }
html { font-size: 100%; }
body { margin: 0; background: var(--wash); color: var(--ink);
  font: 1rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
header.site { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; justify-content: space-between;
  align-items: center; padding: .75rem 1rem; background: var(--paper); border-bottom: 1px solid var(--line); }
.brand { font-weight: 700; }
.languages { list-style: none; display: flex; gap: 1rem; margin: 0; padding: 0; }
.languages [aria-current] { font-weight: 600; }
main { max-width: 40rem; margin: 1.5rem auto; padding: 1.5rem 1rem; background: var(--paper);
  border: 1px solid var(--line); border-radius: 8px; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 1rem; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible {
  outline: 3px solid #f2a900; outline-offset: 2px; }
.summary { margin: 1rem 0 1.5rem; }
.summary div { padding: .5rem 0; border-top: 1px solid var(--line); }
.summary dt { font-weight: 600; }
.summary dd { margin: 0; overflow-wrap: anywhere; }
.button { display: inline-block; min-height: 44px; padding: .65rem 1.25rem; border: 0; border-radius: 6px;
  background: var(--accent); color: #fff; font: inherit; font-weight: 600; cursor: pointer; }
.button.danger { background: var(--danger); }
.errors { color: var(--danger); }
h2 { font-size: 1.2rem; margin: 0 0 .5rem; }
section { margin-top: 1.75rem; padding-top: 1.25rem; border-top: 1px solid var(--line); }
.notice { padding: .75rem 1rem; border-left: 4px solid #1d7a3a; background: #eef7f0; }
fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 1rem; padding: .5rem 1rem 1rem; }
legend { font-weight: 600; padding: 0 .25rem; }
.choice { display: flex; align-items: center; gap: .5rem; min-height: 44px; }
.choice input { width: 1.25rem; height: 1.25rem; }
label[for] { display: block; font-weight: 600; margin-bottom: .25rem; }
select { display: block; min-height: 44px; margin-bottom: 1rem; padding: .4rem .6rem; font: inherit;
  border: 1px solid #6b7280; border-radius: 6px; background: #fff; color: var(--ink); max-width: 100%; }
main.wide { max-width: 68rem; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
pre { overflow-x: auto; padding: .75rem 1rem; background: var(--wash); border: 1px solid var(--line);
  border-radius: 6px; line-height: 1.4; }
table { width: 100%; border-collapse: collapse; margin: .5rem 0 1rem; font-size: .95rem; }
th, td { text-align: left; vertical-align: top; padding: .4rem .5rem; border-bottom: 1px solid var(--line); }
th { font-weight: 600; background: var(--wash); }
td code { overflow-wrap: anywhere; }
td:first-child code { overflow-wrap: normal; white-space: nowrap; }
.lead { font-size: 1.05rem; }
.toc ul { padding-left: 1.25rem; }
.toc > ul { columns: 2 18rem; padding-left: 1rem; }
.toc li { break-inside: avoid; }
.method { display: inline-block; min-width: 4rem; padding: 0 .35rem; border-radius: 4px; color: #fff;
  font: 700 .8rem/1.6 ui-monospace, monospace; text-align: center; background: #4a4a4a; }
.method.get { background: #1d6b3a; }
.method.post { background: var(--accent); }
.method.patch { background: #7a4d00; }
.method.delete { background: var(--danger); }
.operation, .schema { margin-top: 1.5rem; padding-top: 1rem; border-top: 1px dashed var(--line); }
h3 { font-size: 1.1rem; margin: 0 0 .5rem; }
h4 { font-size: 1rem; margin: 1rem 0 .25rem; }
details > summary { cursor: pointer; padding: .25rem 0; }
.required { color: var(--danger); font-size: .85em; }
.constraints, .caption { color: var(--muted); }
.schemes div { padding: .4rem 0; border-top: 1px solid var(--line); }
.schemes dd { margin: 0; }
@media (max-width: 30rem) { main { margin: 0; border-radius: 0; border-left: 0; border-right: 0; } }
`;

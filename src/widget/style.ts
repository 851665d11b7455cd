/**
 * The widget's stylesheet, served as /widget.css and linked from its shadow root: a host page whose
 * CSP allows our origin for styles needs no 'unsafe-inline'. The shadow root keeps the host's CSS
 * out and ours in; the host themes the form through these custom properties, which inherit into
 * it (README "Embedding the widget" lists them).
 */
export const widgetStylesheet = `
:host { display: block; max-width: var(--job-alert-max-width, 36rem); color: var(--job-alert-text, #1a1a1a);
  font-family: var(--job-alert-font, inherit); font-size: inherit; line-height: 1.5; text-align: start; }
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
.box { padding: var(--job-alert-padding, 1rem 1.25rem); background: var(--job-alert-background, #ffffff);
  border: 1px solid var(--job-alert-border, #d0d5dd); border-radius: var(--job-alert-radius, 8px); }
.title { margin: 0 0 .25rem; font-size: 1.15em; font-weight: 700; line-height: 1.3; }
.lead, .search { margin: 0 0 .75rem; color: var(--job-alert-muted, #4a4a4a); }
.search strong { color: var(--job-alert-text, #1a1a1a); }
.field { margin: 0 0 1rem; }
label.text { display: block; margin-bottom: .25rem; font-weight: 600; }
input[type="email"] { display: block; width: 100%; min-height: 44px; padding: .5rem .65rem; font: inherit;
  color: var(--job-alert-text, #1a1a1a); background: var(--job-alert-input-background, #ffffff);
  border: 1px solid var(--job-alert-input-border, #6b7280); border-radius: calc(var(--job-alert-radius, 8px) * .75); }
input[aria-invalid="true"] { border: 2px solid var(--job-alert-error, #a3141c); }
fieldset { margin: 0 0 1rem; padding: 0; border: 0; min-width: 0; }
legend { padding: 0; margin-bottom: .25rem; font-weight: 600; }
.choices { display: flex; flex-wrap: wrap; gap: 0 1.25rem; }
.choice { display: flex; align-items: center; gap: .5rem; min-height: 44px; cursor: pointer; }
.choice input { width: 1.25rem; height: 1.25rem; margin: 0; flex: none; accent-color: var(--job-alert-accent, #0b57a4); }
.terms { display: block; margin-top: .1rem; }
a { color: var(--job-alert-link, var(--job-alert-accent, #0b57a4)); }
button { display: inline-block; min-height: 44px; padding: .6rem 1.25rem; border: 0;
  border-radius: calc(var(--job-alert-radius, 8px) * .75); background: var(--job-alert-accent, #0b57a4);
  color: var(--job-alert-accent-text, #ffffff); font: inherit; font-weight: 600; cursor: pointer; }
button[aria-disabled="true"] { opacity: .75; cursor: progress; }
:focus-visible { outline: 3px solid var(--job-alert-focus, #f2a900); outline-offset: 2px; }
.error { margin: .25rem 0 0; color: var(--job-alert-error, #a3141c); font-weight: 600; }
.status { margin: 1rem 0 0; }
.status:empty { display: none; }
.status.failure { color: var(--job-alert-error, #a3141c); }
.status.success { padding: .75rem 1rem; color: var(--job-alert-text, #1a1a1a);
  border-left: 4px solid var(--job-alert-success, #1d7a3a); background: var(--job-alert-success-background, #eef7f0); }
.status p { margin: 0; }
.status .heading { font-weight: 700; }
.status ul { margin: .25rem 0 0; padding-left: 1.25rem; }
.status:focus { outline: none; }
.status:focus-visible { outline: 3px solid var(--job-alert-focus, #f2a900); }
`;

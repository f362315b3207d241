// Browser code: the widget's stylesheet, applied inside its shadow root only.
//
// Host styles cannot reach in: selectors of the page do not match inside a shadow root,
// and `.r{all:initial}` cuts off every inherited property (font, color, line-height,
// letter-spacing...) at the widget's edge. Sizes are in px/em, never rem, so the page's
// root font size changes nothing either. What passes through, on purpose, are custom
// properties, the theming API (set them on the host element, e.g. #parley-comments):
//
//   --parley-bg, --parley-text, --parley-muted, --parley-border, --parley-accent,
//   --parley-accent-text, --parley-error, --parley-code-bg, --parley-font,
//   --parley-font-size, --parley-radius
//
// Light and dark defaults follow prefers-color-scheme; data-theme="light|dark" pins one.

const DARK =
  '--_bg:#17191e;--_fg:#e7e9ed;--_mu:#a4abb6;--_bd:#3b414b;--_ac:#82aeff;--_af:#0c1322;--_er:#ff9b8f;--_cb:#242830';

const CSS = `
:host{display:block}
.r{all:initial;display:block;direction:ltr;
--_bg:#fff;--_fg:#1c1f24;--_mu:#5b626e;--_bd:#d2d7de;--_ac:#1f5bc4;--_af:#fff;--_er:#b3261e;--_cb:#f1f3f6;
--bg:var(--parley-bg,var(--_bg));--fg:var(--parley-text,var(--_fg));--mu:var(--parley-muted,var(--_mu));
--bd:var(--parley-border,var(--_bd));--ac:var(--parley-accent,var(--_ac));--af:var(--parley-accent-text,var(--_af));
--er:var(--parley-error,var(--_er));--cb:var(--parley-code-bg,var(--_cb));--rd:var(--parley-radius,8px);
font-family:var(--parley-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);font-size:var(--parley-font-size,16px);
line-height:1.5;color:var(--fg);background:var(--bg);padding:1em;border-radius:var(--rd);overflow-wrap:anywhere}
.r.dark{${DARK}}
@media (prefers-color-scheme:dark){.r.auto{${DARK}}}
.r *,.r *::before,.r *::after{box-sizing:border-box}
.r [hidden]{display:none!important}
:where(.r) p{margin:0}
.hd{font-size:1.25em;font-weight:700;margin:0 0 .75em}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
.f{display:grid;gap:.75em;margin:0 0 1.5em}
.f.rf{margin:.75em 0 0;padding:.75em;border:1px solid var(--bd);border-radius:var(--rd)}
.ft{font-weight:600;margin:0}
.ids{display:grid;gap:.75em;grid-template-columns:repeat(auto-fit,minmax(12em,1fr))}
.fl{display:grid;gap:.25em;align-content:start}
.lb{font-weight:600;font-size:.9em}
.nt,.cnt{font-size:.82em;color:var(--mu)}
.sp{justify-content:space-between}
.cnt.ov{color:var(--er);font-weight:600}
.er,.ge{color:var(--er);font-size:.88em;font-weight:600}
.er:empty,.ge:empty,.st:empty{display:none}
.ge{border-left:3px solid var(--er);padding:.25em .6em}
input,textarea,button{font:inherit;color:inherit;letter-spacing:normal;text-transform:none;margin:0}
input:not([type]),input[type=email],input[type=url],textarea{width:100%;padding:.5em .6em;background:var(--bg);
border:1px solid var(--bd);border-radius:calc(var(--rd) * .75)}
textarea{min-height:6em;resize:vertical}
[aria-invalid=true]{border-color:var(--er)}
.ck{display:flex;gap:.5em;align-items:flex-start;font-size:.9em}
.ck input{margin-top:.3em;accent-color:var(--ac)}
.row{display:flex;flex-wrap:wrap;gap:.5em;align-items:center}
.bt{background:var(--ac);color:var(--af);border:0;border-radius:calc(var(--rd) * .75);padding:.5em 1.1em;font-weight:600;cursor:pointer}
.bt[disabled]{opacity:.6;cursor:progress}
.lk{background:none;border:0;padding:.1em 0;color:var(--ac);cursor:pointer;font-size:.88em;font-weight:600}
.bt:focus-visible,.lk:focus-visible,input:focus-visible,textarea:focus-visible,a:focus-visible,.cm:focus-visible{outline:2px solid var(--ac);outline-offset:2px}
.st{margin:0 0 1em;padding:.5em .75em;border-radius:var(--rd);background:var(--cb)}
.ls,.rep{list-style:none;margin:0;padding:0}
.rep{margin-left:1.5em;padding-left:.75em;border-left:2px solid var(--bd)}
.deep>.rep{margin-left:0}
.c{margin:0 0 1em}
.rep>.c{margin:1em 0 0}
.cm{display:grid;grid-template-columns:2.5em 1fr;gap:.75em;outline:none}
.av{width:2.5em;height:2.5em;border-radius:50%;overflow:hidden;display:block}
.mt{display:flex;flex-wrap:wrap;gap:.25em .6em;align-items:baseline}
.nm{font-weight:700}
a{color:var(--ac)}
.tm,.bg{font-size:.82em;color:var(--mu)}
.bg{border:1px solid var(--bd);border-radius:999px;padding:0 .6em}
.bg.no{color:var(--er);border-color:var(--er)}
.own>.cm .tx{opacity:.8}
.gone .tx{color:var(--mu);font-style:italic}
.tx>:first-child{margin-top:.25em}.tx>:last-child{margin-bottom:0}
.tx p,.tx ul,.tx ol,.tx pre,.tx blockquote{margin:.5em 0}
.tx blockquote{border-left:3px solid var(--bd);padding-left:.75em;color:var(--mu)}
.tx code{background:var(--cb);padding:.1em .3em;border-radius:4px;font:.9em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.tx pre{background:var(--cb);padding:.6em;border-radius:var(--rd);overflow-x:auto}
.tx pre code{padding:0}
.ac{margin-top:.25em}
.more{margin-top:.5em}
@media (max-width:480px){.r{padding:.75em .5em}.rep{margin-left:.5em}.cm{grid-template-columns:2em 1fr;gap:.5em}.av{width:2em;height:2em}}
`;

let shared: CSSStyleSheet | undefined;

/**
 * Applies the stylesheet to a shadow root: a constructed stylesheet where the browser has
 * them (shared by every widget on the page, and not subject to a page's CSP style-src),
 * else a <style> element.
 */
export function applyStyles(root: ShadowRoot): void {
  try {
    shared ??= new CSSStyleSheet();
    if (!shared.cssRules.length) shared.replaceSync(CSS);
    root.adoptedStyleSheets = [shared];
  } catch {
    const style = document.createElement('style');
    style.textContent = CSS;
    root.appendChild(style);
  }
}

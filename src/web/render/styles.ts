/**
 * The stylesheet of the anonymous view, served inline in a <style> element (CSP style-src allows
 * 'unsafe-inline'; there is no script at all). It aims at a calm documentation-site look: a ~68ch
 * measure, system fonts, bordered zebra tables, scrollable code blocks, and a left navigation tree
 * that moves above the content on narrow screens. Dark mode follows the visitor's system setting
 * (prefers-color-scheme: every colour is a variable the dark block redefines), and a print stylesheet
 * keeps only the page, its attachments list and comments.
 *
 * The page column is centred at every width and about as wide as Confluence's own fixed-width page
 * (760px of text), beside the navigation when the share has several pages. Confluence's constructs
 * (after confluence-markup.ts) look as in Confluence: panels with icon and colour, status lozenges,
 * task and decision lists, mentions, dates, folded expands, numbered code, tables that scroll sideways
 * inside their own box with a shadow at the edge that has more, and column layouts side by side that
 * stack when their column is narrow (a container query, so the navigation's width counts too).
 */
export const APP_CSS = `
:root{color-scheme:light dark;--fg:#172b4d;--muted:#5e6c84;--line:#dfe1e6;--soft:#f4f5f7;--bg:#fff;--zebra:#fafbfc;--field:#8590a2;--current:#e9f2ff;
--info-bg:#e9f2ff;--info-line:#cce0ff;--ok-bg:#dcfff1;--ok-line:#baf3db;--note-bg:#fff7d6;--note-line:#f8e6a0;--bad-bg:#ffeceb;--bad-line:#ffd5d2;--mark:#fff0b3;
--accent:#0c66e4;--accent-fg:#fff;--danger:#ae2a19;--ok:#216e4e;--radius:6px;--edge:rgba(9,30,66,.28);--th:rgba(9,30,66,.06);--zebra-a:rgba(9,30,66,.025);
--info-icon:#0c66e4;--ok-icon:#22a06b;--warn-icon:#e2b203;--bad-icon:#c9372c;--purple-icon:#6e5dc6;--purple-bg:#f3f0ff;--purple-line:#dfd8fd;
--lz-grey:#44546f;--lz-grey-bg:#dcdfe4;--lz-green:#216e4e;--lz-green-bg:#baf3db;--lz-red:#ae2a19;--lz-red-bg:#ffd5d2;--lz-yellow:#7f5f01;--lz-yellow-bg:#f8e6a0;
--lz-blue:#0055cc;--lz-blue-bg:#cce0ff;--lz-purple:#5e4db2;--lz-purple-bg:#dfd8fd;
--font:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif;--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.6 var(--font);color:var(--fg);background:var(--bg)}
a{color:var(--accent);text-underline-offset:2px}
a:focus-visible,button:focus-visible,input:focus-visible,textarea:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:var(--bg);padding:4px 8px;z-index:2}
.site-header{display:flex;align-items:center;gap:12px;padding:12px 24px;border-bottom:1px solid var(--line);background:var(--bg)}
.site-header img{max-height:32px;width:auto}
.site-header .brand{font-weight:600;font-size:1.05rem}
.shell{display:grid;grid-template-columns:260px minmax(0,808px);justify-content:center;gap:40px;max-width:1180px;margin:0 auto;padding:24px}
.shell.single{grid-template-columns:minmax(0,808px)}
nav.tree{font-size:.92rem;border-right:1px solid var(--line);padding-right:16px;align-self:start;position:sticky;top:16px;max-height:calc(100vh - 32px);overflow:auto}
nav.tree summary{font-size:.75rem;font-weight:600;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:0 0 8px;list-style:none;pointer-events:none}
nav.tree summary::-webkit-details-marker{display:none}
nav.tree ul{list-style:none;margin:0;padding-left:14px}
nav.tree details>ul{padding-left:0}
nav.tree li{margin:2px 0}
nav.tree a{display:block;padding:3px 8px;border-radius:4px;text-decoration:none;color:var(--fg)}
nav.tree a:hover{background:var(--soft)}
nav.tree a[aria-current=page]{background:var(--current);color:var(--accent);font-weight:600}
main{min-width:0}
.crumbs{font-size:.85rem;color:var(--muted);margin:0 0 8px}
.crumbs ol{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px}
.crumbs li+li::before{content:"/";margin-right:4px;color:var(--line)}
.crumbs a{color:var(--muted)}
h1.page-title{font-size:2rem;line-height:1.25;margin:0 0 6px}
h1.page-title,nav.tree a,.crumbs li,ol.comments .text{overflow-wrap:anywhere}
.content{overflow-wrap:break-word}
.meta{color:var(--muted);font-size:.88rem;margin:0 0 24px}
.content{container-type:inline-size}
.content h1,.content h2,.content h3,.content h4{line-height:1.3;margin:1.6em 0 .5em}
.content h1{font-size:1.6rem}.content h2{font-size:1.35rem;border-bottom:1px solid var(--line);padding-bottom:.2em}.content h3{font-size:1.15rem}
.content p,.content ul,.content ol{margin:0 0 1em}
.content img{max-width:100%;height:auto}
.content .table-wrap{overflow-x:auto;margin:0 0 1em;scrollbar-width:thin;scrollbar-color:var(--field) transparent;
background:linear-gradient(to right,var(--bg) 30%,transparent) 0 0/40px 100% no-repeat local,linear-gradient(to left,var(--bg) 30%,transparent) 100% 0/40px 100% no-repeat local,
radial-gradient(farthest-side at 0 50%,var(--edge),transparent) 0 0/14px 100% no-repeat scroll,radial-gradient(farthest-side at 100% 50%,var(--edge),transparent) 100% 0/14px 100% no-repeat scroll}
.content table{border-collapse:collapse;width:100%;font-size:.95rem;max-width:100%}
.content th,.content td{border:1px solid var(--line);padding:6px 10px;text-align:left;vertical-align:top}
.content th{background:var(--th);font-weight:600}
.content tbody tr:nth-child(even) td:not(.highlight){background:var(--zebra-a)}
.content td.numberingColumn{color:var(--muted);text-align:right;width:1%;white-space:nowrap}
.content td.highlight,.content th.highlight{color:#172b4d}
.content td.highlight a,.content th.highlight a{color:#0c66e4}
.content td p,.content th p{margin:0}
.content code{font-family:var(--mono);font-size:.9em;background:var(--soft);padding:.1em .35em;border-radius:4px}
.content pre{font-family:var(--mono);font-size:.88rem;line-height:1.5;background:var(--soft);border:1px solid var(--line);border-radius:var(--radius);padding:12px 14px;overflow:auto;white-space:pre}
.content pre code{background:none;padding:0}
.content blockquote{margin:0 0 1em;padding:.2em 1em;border-left:4px solid var(--line);color:var(--muted)}
.content .code.panel,.content .panel{border:1px solid var(--line);border-radius:var(--radius);margin:0 0 1em;overflow:hidden}
.content .code.panel pre{border:0;margin:0;border-radius:0}
.content .codeHeader,.content .panelHeader{padding:6px 12px;border-bottom:1px solid var(--line);font-weight:600}
.content .panelContent{padding:10px 14px}.content .code.panel .codeContent{padding:0}
.content .panel[style*=background],.content .panelContent[style*=background],.content .panelHeader[style*=background]{color:#172b4d}
.content pre.code-block{counter-reset:line;padding-left:0}
.content pre.code-block .line::before{counter-increment:line;content:counter(line);display:inline-block;min-width:2.5em;margin-right:1em;padding-right:.6em;text-align:right;color:var(--muted);border-right:1px solid var(--line);user-select:none}
.content .tok-k{font-weight:700}.content .tok-c{font-style:italic;color:var(--muted)}.content .tok-s{color:var(--muted)}
.content .confluence-information-macro,.content .panel-box{position:relative;border-radius:var(--radius);padding:12px 16px 12px 46px;margin:0 0 1em;border:1px solid var(--info-line);background:var(--info-bg);overflow-wrap:break-word}
.content .confluence-information-macro::before,.content .panel-box::before{content:"i" / "Info";position:absolute;left:14px;top:13px;width:20px;height:20px;border-radius:50%;background:var(--info-icon);color:#fff;font:700 13px/20px var(--font);text-align:center}
.content .confluence-information-macro-tip,.content .panel-success,.content .panel-tip{border-color:var(--ok-line);background:var(--ok-bg)}
.content .confluence-information-macro-tip::before,.content .panel-success::before,.content .panel-tip::before{content:"✓" / "Tip";background:var(--ok-icon)}
.content .confluence-information-macro-note,.content .panel-warning{border-color:var(--note-line);background:var(--note-bg)}
.content .confluence-information-macro-note::before,.content .panel-warning::before{content:"!" / "Note";background:var(--warn-icon);color:#172b4d}
.content .confluence-information-macro-warning,.content .panel-error{border-color:var(--bad-line);background:var(--bad-bg)}
.content .confluence-information-macro-warning::before,.content .panel-error::before{content:"×" / "Warning";background:var(--bad-icon)}
.content .panel-note{border-color:var(--purple-line);background:var(--purple-bg)}
.content .panel-note::before{content:"✎" / "Note";background:var(--purple-icon)}
.content .panel-custom{padding-left:16px}.content .panel-custom::before{content:none}
.content .confluence-information-macro .title,.content .panel-box .title{font-weight:600;margin:0 0 4px}
.content .confluence-information-macro p:last-child,.content .panel-box p:last-child{margin-bottom:0}
.content .aui-icon,.content .toc-macro:empty{display:none}
.content .user-mention{display:inline;padding:0 .35em;border-radius:1em;background:var(--soft);color:var(--accent);font-weight:500}
.content .aui-lozenge,.content .status-macro{display:inline-block;max-width:100%;padding:0 4px;border-radius:3px;font-size:.72rem;font-weight:700;line-height:1.45;letter-spacing:.02em;text-transform:uppercase;vertical-align:.1em;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;background:var(--lz-grey-bg);color:var(--lz-grey)}
.content .aui-lozenge-success{background:var(--lz-green-bg);color:var(--lz-green)}
.content .aui-lozenge-error,.content .aui-lozenge-removed{background:var(--lz-red-bg);color:var(--lz-red)}
.content .aui-lozenge-current,.content .aui-lozenge-moved{background:var(--lz-yellow-bg);color:var(--lz-yellow)}
.content .aui-lozenge-complete{background:var(--lz-blue-bg);color:var(--lz-blue)}
.content .aui-lozenge-progress,.content .aui-lozenge-new{background:var(--lz-purple-bg);color:var(--lz-purple)}
.content .aui-lozenge-subtle{background:transparent;box-shadow:inset 0 0 0 1px currentColor}
.content ul.task-list,.content ul.decision-list{list-style:none;padding-left:2px}
.content li.task,.content li.decision{position:relative;padding-left:28px;margin:3px 0}
.content li.task::before{content:"" / "Open task:";position:absolute;left:0;top:.2em;width:16px;height:16px;border:2px solid var(--field);border-radius:3px;box-sizing:border-box}
.content li.task-done::before{content:"✓" / "Done:";background:var(--accent);border-color:var(--accent);color:var(--accent-fg);font:700 12px/12px var(--font);text-align:center}
.content li.decision::before{content:"◆" / "Decision:";position:absolute;left:2px;top:0;color:var(--ok)}
.content li.decision-open::before{color:var(--muted)}
.content .emoji{font-family:"Apple Color Emoji","Segoe UI Emoji","Noto Color Emoji",var(--font);font-style:normal}
.content time{padding:0 4px;border-radius:3px;background:var(--soft);white-space:nowrap}
.content .jira-issue-placeholder{display:inline-block;max-width:100%;padding:0 6px;border:1px solid var(--line);border-radius:3px;background:var(--soft);font-size:.9em;overflow-wrap:anywhere}
.content .macro-label{font-size:.72rem;font-weight:700;letter-spacing:.04em;text-transform:uppercase;color:var(--muted);margin-right:2px}
.content .unavailable{display:inline-block;max-width:100%;padding:0 6px;border:1px dashed var(--field);border-radius:3px;color:var(--muted);font-size:.85em;overflow-wrap:anywhere}
.content details.expand{margin:0 0 1em}
.content details.expand>summary{cursor:pointer;list-style:none;padding:2px 0;font-weight:500}
.content details.expand>summary::-webkit-details-marker{display:none}
.content details.expand>summary::before{content:"▸";display:inline-block;width:1.2em;color:var(--muted)}
.content details.expand[open]>summary::before{content:"▾"}
.content .expand-content{margin:4px 0 0 .45em;padding-left:1em;border-left:2px solid var(--line)}
.content .columnLayout{display:grid;grid-auto-flow:column;grid-auto-columns:minmax(0,1fr);gap:0 32px;margin:0 0 8px}
.content .columnLayout .cell,.content .columnLayout .innerCell{min-width:0}
@container (min-width:560px){
 .content .columnLayout.two-left-sidebar{grid-template-columns:minmax(0,1fr) minmax(0,2fr)}
 .content .columnLayout.two-right-sidebar{grid-template-columns:minmax(0,2fr) minmax(0,1fr)}
 .content .columnLayout.three-with-sidebars{grid-template-columns:minmax(0,1fr) minmax(0,2fr) minmax(0,1fr)}
}
@container (max-width:559px){.content .columnLayout{grid-auto-flow:row;grid-auto-columns:auto;grid-template-columns:minmax(0,1fr)}}
.content .image-center,.content .confluence-embedded-image.image-center{display:block;margin-left:auto;margin-right:auto}
.content .image-right{float:right;max-width:50%;margin:0 0 8px 16px}.content .image-left{float:left;max-width:50%;margin:0 16px 8px 0}
.content figure{margin:0 0 1em}
.content figcaption,.content .confluence-image-caption{font-size:.85rem;color:var(--muted);text-align:center;margin-top:4px}
section.block{margin-top:40px;border-top:1px solid var(--line);padding-top:16px}
section.block h2{font-size:1.15rem;margin:0 0 12px}
ul.files{list-style:none;padding:0;margin:0}
ul.files li{display:flex;justify-content:space-between;gap:12px;padding:8px 0;border-bottom:1px solid var(--soft)}
ul.files .size{color:var(--muted);font-size:.85rem;white-space:nowrap}
ol.comments{list-style:none;padding:0;margin:0 0 16px}
ol.comments li{border:1px solid var(--line);border-radius:var(--radius);padding:10px 14px;margin-bottom:10px}
ol.comments .who{font-weight:600}ol.comments time{color:var(--muted);font-size:.85rem;margin-left:6px}
ol.comments .text{white-space:pre-wrap;margin-top:4px}
form.stack{display:flex;flex-direction:column;gap:10px;max-width:28rem}
label{font-weight:600;font-size:.92rem}
.hint{color:var(--muted);font-size:.85rem;font-weight:400}
input[type=text],input[type=email],input[type=password],input[type=file],input[type=search],textarea{font:inherit;padding:8px 10px;border:1px solid var(--field);border-radius:4px;width:100%;background:var(--bg);color:inherit}
textarea{min-height:6rem;resize:vertical}
button,a.button{font:inherit;font-weight:600;padding:8px 16px;border-radius:4px;border:1px solid var(--accent);background:var(--accent);color:var(--accent-fg);cursor:pointer;align-self:flex-start}
a.button{display:inline-block;text-decoration:none}
button.secondary{background:var(--bg);color:var(--accent)}
.error{color:var(--danger);font-size:.92rem;margin:0}
.notice{border-radius:var(--radius);padding:10px 14px;margin:0 0 16px;background:var(--info-bg);border:1px solid var(--info-line)}
.notice.ok{background:var(--ok-bg);border-color:var(--ok-line)}
.notice.bad{background:var(--bad-bg);border-color:var(--bad-line)}
.card{max-width:30rem;margin:8vh auto;padding:28px;border:1px solid var(--line);border-radius:10px;box-shadow:0 1px 2px rgba(9,30,66,.08)}
.card h1{font-size:1.4rem;margin:0 0 8px}
.card p{color:var(--muted)}
footer.site-footer{border-top:1px solid var(--line);color:var(--muted);font-size:.85rem;padding:16px 24px;text-align:center;margin-top:48px}
.inline-form{display:inline}
@media (max-width:800px){
 .shell{grid-template-columns:minmax(0,1fr);gap:16px;padding:16px}
 nav.tree{position:static;max-height:none;border-right:0;border-bottom:1px solid var(--line);padding:0 0 12px}
 nav.tree summary{pointer-events:auto;cursor:pointer;padding:4px 0}
 nav.tree summary::after{content:" \\25B8"}
 nav.tree details[open] summary::after{content:" \\25BE"}
 h1.page-title{font-size:1.6rem}
}
nav.toc{margin:0 0 24px;padding:10px 14px;border:1px solid var(--line);border-radius:var(--radius)}
nav.toc ol,nav.toc summary{font-size:.92rem}
nav.toc summary{font-weight:600;cursor:pointer}
nav.toc ol{list-style:none;margin:6px 0 0;padding:0}
nav.toc li{margin:2px 0}nav.toc li.toc-2{padding-left:14px}nav.toc li.toc-3{padding-left:28px}
form.search{display:flex;flex-direction:column;gap:4px;margin:0 0 16px;max-width:28rem}
form.search label{font-size:.75rem;font-weight:600;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}
.search-row{display:flex;gap:6px}
.search-row input{min-width:0}
.search-row button{padding:6px 12px}
ol.results{list-style:none;padding:0;margin:16px 0;max-width:68ch}
ol.results li{padding:10px 0;border-bottom:1px solid var(--line)}
ol.results a{font-weight:600}
ol.results .snippet{margin:4px 0 0;color:var(--muted);font-size:.92rem;overflow-wrap:anywhere}
mark{background:var(--mark);color:inherit;padding:0 1px;border-radius:2px}
.meta.session{margin-top:-18px}
ol.comments .email,ol.comments .via{color:var(--muted);font-size:.85rem}
ol.comments li:target,ul.files li:target{outline:2px solid var(--accent);outline-offset:2px}
@media (prefers-color-scheme:dark){
 :root{--fg:#dee4ea;--muted:#9fadbc;--line:#38414a;--soft:#22272b;--bg:#1d2125;--zebra:#22272b;--field:#738496;--current:#1c2b41;
 --info-bg:#1c2b41;--info-line:#09326c;--ok-bg:#1c3329;--ok-line:#164b35;--note-bg:#332e1b;--note-line:#533f04;--bad-bg:#42221f;--bad-line:#5d1f1a;--mark:#533f04;
 --accent:#579dff;--accent-fg:#1d2125;--danger:#fd9891;--ok:#7ee2b8;--edge:rgba(0,0,0,.7);--th:rgba(255,255,255,.07);--zebra-a:rgba(255,255,255,.03);
 --info-icon:#579dff;--ok-icon:#4bce97;--warn-icon:#f5cd47;--bad-icon:#f87168;--purple-icon:#9f8fef;--purple-bg:#2b273f;--purple-line:#352c63;
 --lz-grey:#b6c2cf;--lz-grey-bg:#38414a;--lz-green:#7ee2b8;--lz-green-bg:#164b35;--lz-red:#fd9891;--lz-red-bg:#5d1f1a;--lz-yellow:#f5cd47;--lz-yellow-bg:#533f04;
 --lz-blue:#85b8ff;--lz-blue-bg:#09326c;--lz-purple:#b8acf6;--lz-purple-bg:#352c63}
 .card{box-shadow:none}
 .content img{background:#fff}
}
@media print{
 :root{--fg:#000;--muted:#333;--line:#999;--soft:#f2f2f2;--bg:#fff;--zebra:#fff;--th:#f2f2f2;--zebra-a:transparent;color-scheme:light}
 body{font-size:11pt;background:#fff;color:#000}
 nav.tree,nav.toc,.site-header,.skip,.meta.session,section.block form,form.search,section#updates,.notice{display:none}
 .shell{display:block;max-width:none;padding:0}
 .content,section.block{max-width:none}
 a{color:inherit;text-decoration:underline}
 .content pre,.content table,ol.comments li,.content figure{break-inside:avoid}
 .content .table-wrap{overflow:visible;background:none}
 .content td,.content th{overflow-wrap:anywhere}
 .content details.expand>summary::before{content:none}
 .content details.expand::details-content{content-visibility:visible;display:block}
 .content pre{white-space:pre-wrap}
 h1,h2,h3{break-after:avoid}
 footer.site-footer{margin-top:24px}
}
`;

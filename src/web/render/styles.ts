/**
 * The stylesheet of the anonymous view, served inline in a <style> element (CSP style-src allows
 * 'unsafe-inline'; there is no script at all). It aims at a calm documentation-site look: a ~68ch
 * measure, system fonts, bordered zebra tables, scrollable code blocks, and a left navigation tree
 * that moves above the content on narrow screens. Dark mode follows the visitor's system setting
 * (prefers-color-scheme: every colour is a variable the dark block redefines), and a print stylesheet
 * keeps only the page, its attachments list and comments.
 */
export const APP_CSS = `
:root{color-scheme:light dark;--fg:#172b4d;--muted:#5e6c84;--line:#dfe1e6;--soft:#f4f5f7;--bg:#fff;--zebra:#fafbfc;--field:#8590a2;--current:#e9f2ff;
--info-bg:#e9f2ff;--info-line:#cce0ff;--ok-bg:#dcfff1;--ok-line:#baf3db;--note-bg:#fff7d6;--note-line:#f8e6a0;--bad-bg:#ffeceb;--bad-line:#ffd5d2;--mark:#fff0b3;
--accent:#0c66e4;--accent-fg:#fff;--danger:#ae2a19;--ok:#216e4e;--radius:6px;
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
.shell{display:grid;grid-template-columns:260px minmax(0,1fr);gap:40px;max-width:1180px;margin:0 auto;padding:24px}
.shell.single{grid-template-columns:minmax(0,1fr)}
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
.content{max-width:68ch}
.content h1,.content h2,.content h3,.content h4{line-height:1.3;margin:1.6em 0 .5em}
.content h1{font-size:1.6rem}.content h2{font-size:1.35rem;border-bottom:1px solid var(--line);padding-bottom:.2em}.content h3{font-size:1.15rem}
.content p,.content ul,.content ol{margin:0 0 1em}
.content img{max-width:100%;height:auto}
.content .table-wrap{overflow-x:auto;margin:0 0 1em}
.content table{border-collapse:collapse;width:100%;font-size:.95rem;max-width:100%}
.content th,.content td{border:1px solid var(--line);padding:6px 10px;text-align:left;vertical-align:top}
.content th{background:var(--soft);font-weight:600}
.content tbody tr:nth-child(even) td{background:var(--zebra)}
.content td p,.content th p{margin:0}
.content code{font-family:var(--mono);font-size:.9em;background:var(--soft);padding:.1em .35em;border-radius:4px}
.content pre{font-family:var(--mono);font-size:.88rem;line-height:1.5;background:var(--soft);border:1px solid var(--line);border-radius:var(--radius);padding:12px 14px;overflow:auto;white-space:pre}
.content pre code{background:none;padding:0}
.content blockquote{margin:0 0 1em;padding:.2em 1em;border-left:4px solid var(--line);color:var(--muted)}
.content .code.panel,.content .panel{border:1px solid var(--line);border-radius:var(--radius);margin:0 0 1em;overflow:hidden}
.content .code.panel pre{border:0;margin:0;border-radius:0}
.content .confluence-information-macro{border-radius:var(--radius);padding:12px 16px;margin:0 0 1em;border:1px solid var(--info-line);background:var(--info-bg)}
.content .confluence-information-macro-tip{border-color:var(--ok-line);background:var(--ok-bg)}
.content .confluence-information-macro-note{border-color:var(--note-line);background:var(--note-bg)}
.content .confluence-information-macro-warning{border-color:var(--bad-line);background:var(--bad-bg)}
.content .confluence-information-macro p:last-child{margin-bottom:0}
.content .aui-icon{display:none}
.content .user-mention{font-weight:500}
section.block{max-width:68ch;margin-top:40px;border-top:1px solid var(--line);padding-top:16px}
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
.notice{border-radius:var(--radius);padding:10px 14px;margin:0 0 16px;background:var(--info-bg);border:1px solid var(--info-line);max-width:68ch}
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
nav.toc{max-width:68ch;margin:0 0 24px;padding:10px 14px;border:1px solid var(--line);border-radius:var(--radius)}
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
 --accent:#579dff;--accent-fg:#1d2125;--danger:#fd9891;--ok:#7ee2b8}
 .card{box-shadow:none}
 .content img{background:#fff}
}
@media print{
 :root{--fg:#000;--muted:#333;--line:#999;--soft:#f2f2f2;--bg:#fff;--zebra:#fff;color-scheme:light}
 body{font-size:11pt;background:#fff;color:#000}
 nav.tree,nav.toc,.site-header,.skip,.meta.session,section.block form,form.search,section#updates,.notice{display:none}
 .shell{display:block;max-width:none;padding:0}
 .content,section.block{max-width:none}
 a{color:inherit;text-decoration:underline}
 .content pre,.content table,ol.comments li,.content figure{break-inside:avoid}
 .content pre{white-space:pre-wrap}
 h1,h2,h3{break-after:avoid}
 footer.site-footer{margin-top:24px}
}
`;

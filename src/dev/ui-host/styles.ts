/** Atlaskit-like look for the ForgeDoc renderer (tokens approximated from the Atlassian Design System light theme). */
export const HOST_CSS = `
*{box-sizing:border-box}
body{margin:0;font:14px/20px -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#172b4d;background:#f7f8f9}
.topbar{display:flex;align-items:center;gap:16px;padding:8px 20px;background:#1d2125;color:#fff;font-size:13px;flex-wrap:wrap}
.topbar .brand{font-weight:600;font-size:14px;margin-right:8px}
.topbar a{color:#c7d1db;text-decoration:none;padding:4px 8px;border-radius:3px}
.topbar a.current{background:#2c333a;color:#fff}
.topbar label{display:flex;align-items:center;gap:6px;color:#c7d1db}
.topbar select,.topbar input{background:#22272b;color:#fff;border:1px solid #454f59;border-radius:3px;padding:3px 6px;font:inherit}
.topbar .spacer{flex:1}
.topbar form{display:flex;flex-wrap:wrap;gap:10px;align-items:center}
.topbar select{max-width:220px}
.topbar .go{background:#0c66e4;color:#fff;border:0;border-radius:3px;padding:4px 10px;font:inherit;cursor:pointer}
.frame{max-width:1120px;margin:24px auto;padding:0 16px}
.frame.dialog{max-width:760px}
.surface{background:#fff;border-radius:8px;box-shadow:0 1px 1px rgba(9,30,66,.25),0 0 1px rgba(9,30,66,.31);padding:16px 20px;min-height:200px}
.surface-caption{font-size:12px;color:#626f86;margin:0 0 8px}
.ak-stack{display:flex;flex-direction:column}
.ak-stack>.ak-lozenge,.ak-stack>.ak-button{align-self:flex-start}
.ak-inline{display:flex;flex-direction:row}
.ak-box{min-width:0}
.ak-heading{margin:0;font-weight:600;color:#172b4d;line-height:1.25}
.ak-text{margin:0}
.ak-text.size-small{font-size:12px;line-height:16px}
.ak-text.size-large{font-size:16px;line-height:24px}
.ak-link{color:#0c66e4}
.ak-code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;background:#f1f2f4;padding:0 4px;border-radius:3px;font-size:12px}
.ak-code-block{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;background:#f7f8f9;border:1px solid #dcdfe4;border-radius:3px;padding:8px 12px;max-height:240px;overflow:auto;white-space:pre;margin:0}
.ak-list{margin:0;padding-left:22px}.ak-list li{margin:4px 0}
.ak-lozenge{display:inline-block;padding:0 4px;border-radius:3px;font-size:11px;font-weight:700;line-height:16px;text-transform:uppercase;white-space:nowrap;background:#dcdfe4;color:#44546f}
.ak-lozenge.success{background:#baf3db;color:#216e4e}
.ak-lozenge.removed{background:#ffd5d2;color:#ae2e24}
.ak-lozenge.moved{background:#f8e6a0;color:#7f5f01}
.ak-lozenge.inprogress{background:#cce0ff;color:#0055cc}
.ak-lozenge.new{background:#dfd8fd;color:#5e4db2}
.ak-user{display:inline-flex;align-items:center;gap:6px;white-space:nowrap}
.ak-user .avatar{width:20px;height:20px;border-radius:50%;background:#0c66e4;color:#fff;font-size:11px;font-weight:600;display:inline-flex;align-items:center;justify-content:center}
.ak-form input.ak-input:not(.ak-date),.ak-form textarea.ak-input{max-width:720px}
.ak-badge{display:inline-block;min-width:20px;padding:0 6px;border-radius:8px;background:#dcdfe4;font-size:12px;text-align:center}
.ak-button{display:inline-flex;align-items:center;justify-content:center;height:32px;padding:0 12px;border:0;border-radius:3px;font:inherit;font-weight:500;cursor:pointer;background:rgba(9,30,66,.06);color:#44546f;white-space:nowrap}
.ak-button:hover:not(:disabled){background:rgba(9,30,66,.14)}
.ak-button.compact{height:24px;padding:0 8px}
.ak-button.primary{background:#0c66e4;color:#fff}.ak-button.primary:hover:not(:disabled){background:#0055cc}
.ak-button.danger{background:#c9372c;color:#fff}.ak-button.danger:hover:not(:disabled){background:#ae2e24}
.ak-button.warning{background:#f5cd47;color:#172b4d}.ak-button.warning:hover:not(:disabled){background:#e2b203}
.ak-button.subtle{background:transparent}.ak-button.subtle:hover:not(:disabled){background:rgba(9,30,66,.06)}
.ak-button.link{background:transparent;color:#0c66e4}
.ak-button:disabled{cursor:not-allowed;background:rgba(9,30,66,.03);color:rgba(9,30,66,.31)}
.ak-button:focus-visible{outline:2px solid #388bff;outline-offset:1px}
.ak-button-group{display:flex;gap:4px;flex-wrap:wrap}
.ak-form{display:block}
.ak-formsection{padding-top:4px}
.ak-form-footer{display:flex;justify-content:flex-end;gap:8px;padding-top:8px}
.ak-label{display:block;font-size:12px;font-weight:600;color:#44546f;line-height:16px}
.ak-required{color:#c9372c}
.ak-helper{font-size:12px;color:#626f86;line-height:16px}
.ak-error-message{font-size:12px;color:#ae2e24;line-height:16px}
.ak-error-message::before{content:"! ";font-weight:700}
.ak-valid-message{font-size:12px;color:#216e4e}
.ak-input{display:block;width:100%;min-height:36px;padding:6px 8px;border:2px solid #dcdfe4;border-radius:3px;background:#f7f8f9;font:inherit;color:#172b4d;transition:background .2s,border-color .2s}
.ak-input:hover{background:#f1f2f4}
.ak-input:focus{outline:0;background:#fff;border-color:#388bff}
.ak-input.invalid{border-color:#c9372c}
.ak-input[readonly]{background:#fff;border-color:#dcdfe4}
.ak-input.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
.ak-input:disabled{color:#8590a2;cursor:not-allowed}
textarea.ak-input{resize:vertical}
.ak-date{max-width:220px}
.ak-select{max-width:420px}
.ak-checkbox{display:flex;align-items:flex-start;gap:8px;cursor:pointer;line-height:20px}
.ak-checkbox input{width:16px;height:16px;margin:2px 0 0;accent-color:#0c66e4}
.ak-checkbox.disabled{color:#8590a2;cursor:not-allowed}
.ak-radio-group{display:flex;flex-direction:column;gap:6px;padding-top:2px}
.ak-toggle{display:inline-flex;align-items:center;gap:10px;cursor:pointer;font-weight:500}
.ak-toggle input{position:absolute;opacity:0;width:1px;height:1px}
.ak-toggle .track{position:relative;width:32px;height:16px;border-radius:8px;background:#8590a2;flex:none;transition:background .2s}
.ak-toggle .track::after{content:"";position:absolute;top:2px;left:2px;width:12px;height:12px;border-radius:50%;background:#fff;transition:transform .2s}
.ak-toggle input:checked + .track{background:#1f845a}
.ak-toggle input:checked + .track::after{transform:translateX(16px)}
.ak-toggle input:focus-visible + .track{outline:2px solid #388bff;outline-offset:2px}
.ak-toggle.disabled{opacity:.5;cursor:not-allowed}
.ak-section-message{display:flex;gap:12px;padding:16px;border-radius:3px;background:#e9f2ff}
.ak-section-message .icon{flex:none;width:20px;height:20px;border-radius:50%;background:#0c66e4;color:#fff;font-weight:700;font-size:13px;line-height:20px;text-align:center}
.ak-section-message .content{display:flex;flex-direction:column;gap:4px;min-width:0;flex:1}
.ak-section-message .title{margin:0;font-size:14px;font-weight:600}
.ak-section-message.warning{background:#fff7d6}.ak-section-message.warning .icon{background:#b38600}
.ak-section-message.error{background:#ffeceb}.ak-section-message.error .icon{background:#c9372c}
.ak-section-message.success{background:#dcfff1}.ak-section-message.success .icon{background:#1f845a}
.ak-section-message.discovery{background:#f3f0ff}.ak-section-message.discovery .icon{background:#6e5dc6}
.ak-empty-state{text-align:center;padding:32px 16px;max-width:420px;margin:0 auto;color:#44546f}
.ak-empty-state .art{color:#8590a2}
.ak-empty-state h3{margin:8px 0 4px;font-size:20px;color:#172b4d;font-weight:600}
.ak-empty-state p{margin:0}
.ak-spinner{display:inline-block;width:20px;height:20px;border:2px solid #dcdfe4;border-top-color:#0c66e4;border-radius:50%;animation:ak-spin .8s linear infinite;vertical-align:middle}
.ak-spinner.small{width:14px;height:14px}.ak-spinner.large{width:32px;height:32px}
@keyframes ak-spin{to{transform:rotate(360deg)}}
.ak-tabs{display:flex;flex-direction:column}
.ak-tab-list{display:flex;flex-wrap:wrap;gap:4px;border-bottom:2px solid #dcdfe4}
.ak-tab{background:none;border:0;padding:6px 8px 8px;font:inherit;font-weight:500;color:#44546f;cursor:pointer;position:relative;white-space:nowrap}
.ak-tab:hover{color:#172b4d}
.ak-tab.selected{color:#0c66e4}
.ak-tab.selected::after{content:"";position:absolute;left:0;right:0;bottom:-2px;height:2px;background:#0c66e4}
.ak-tab-panel{padding-top:8px}
.ak-table-wrap{overflow-x:auto}
.ak-table{width:100%;border-collapse:collapse;font-size:14px}
.ak-table caption{text-align:left;font-weight:600;font-size:12px;color:#626f86;padding-bottom:4px}
.ak-table th{text-align:left;font-size:12px;font-weight:600;color:#626f86;border-bottom:2px solid #dcdfe4;padding:4px 8px;white-space:nowrap}
.ak-table td{border-bottom:1px solid #f1f2f4;padding:6px 8px;vertical-align:top}
.ak-table tr:hover td{background:#f7f8f9}
.ak-table .loading-cell{text-align:center;color:#626f86;padding:24px}
.ak-blanket{position:fixed;inset:0;background:rgba(9,30,66,.54);display:flex;align-items:flex-start;justify-content:center;padding:60px 16px;z-index:500;overflow:auto}
.ak-modal{background:#fff;border-radius:3px;width:100%;max-width:600px;box-shadow:0 8px 12px rgba(9,30,66,.15),0 0 1px rgba(9,30,66,.31)}
.ak-modal-header{padding:24px 24px 2px}
.ak-modal-title{margin:0;font-size:20px;font-weight:600}
.ak-modal-title.danger{color:#ae2e24}
.ak-modal-title.warning{color:#974f0c}
.ak-modal-body{padding:8px 24px 8px}
.ak-modal-footer{display:flex;justify-content:flex-end;gap:8px;padding:16px 24px 24px}
#forge-flags{position:fixed;left:24px;bottom:24px;display:flex;flex-direction:column;gap:8px;z-index:600;max-width:400px}
.ak-flag{position:relative;background:#fff;border-radius:3px;padding:12px 36px 12px 16px;box-shadow:0 8px 12px rgba(9,30,66,.15),0 0 1px rgba(9,30,66,.31);border-left:4px solid #0c66e4}
.ak-flag.success{border-left-color:#1f845a}.ak-flag.error{border-left-color:#c9372c}.ak-flag.warning{border-left-color:#e2b203}
.ak-flag strong{display:block}
.ak-flag .close{position:absolute;top:8px;right:8px;border:0;background:none;font-size:18px;cursor:pointer;color:#626f86}
.ak-unknown{outline:1px dashed #f5cd47}
.boot{color:#626f86;padding:24px;text-align:center}
`;

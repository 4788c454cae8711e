/** Everything the widget looks like, inside its shadow root: the host page's CSS cannot reach it, nor it the page. */
export const css = `
:host{all:initial}
*{box-sizing:border-box;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.k-wrap{position:fixed;bottom:20px;z-index:2147483000;font-size:15px;line-height:1.4;color:#111827}
.k-right{right:20px}.k-left{left:20px}
.k-launch{width:56px;height:56px;border-radius:50%;border:0;background:var(--k-accent);color:#fff;cursor:pointer;box-shadow:0 4px 16px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center}
.k-launch svg{width:26px;height:26px;fill:currentColor}
.k-panel{position:absolute;bottom:70px;width:370px;height:560px;max-height:calc(100vh - 100px);background:#fff;border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden}
.k-right .k-panel{right:0}.k-left .k-panel{left:0}
.k-head{background:var(--k-accent);color:#fff;padding:12px 14px;display:flex;align-items:center;gap:8px}
.k-head h2{font-size:16px;margin:0;flex:1;font-weight:600}
.k-head button{background:transparent;border:0;color:#fff;cursor:pointer;font-size:20px;line-height:1;padding:4px 8px;border-radius:6px}
.k-note{font-size:13px;background:#fef3c7;color:#78350f;padding:8px 14px}
.k-log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f9fafb}
.k-msg{max-width:85%;padding:8px 11px;border-radius:12px;white-space:pre-wrap;word-wrap:break-word}
.k-visitor{align-self:flex-end;background:var(--k-accent);color:#fff;border-bottom-right-radius:4px}
.k-assistant,.k-staff{align-self:flex-start;background:#fff;border:1px solid #e5e7eb;border-bottom-left-radius:4px}
.k-system{align-self:center;background:transparent;color:#4b5563;font-size:13px;text-align:center;max-width:95%}
.k-who{display:block;font-size:12px;color:#4b5563;margin-bottom:2px;font-weight:600}
.k-pending{opacity:.6}
.k-src{display:block;font-size:12px;margin-top:4px;color:#374151}
.k-src a{color:inherit}
.k-foot{border-top:1px solid #e5e7eb;padding:8px;display:flex;flex-direction:column;gap:6px;background:#fff}
.k-row{display:flex;gap:6px}
.k-foot textarea{flex:1;resize:none;border:1px solid #d1d5db;border-radius:8px;padding:8px;font-size:15px;min-height:40px;max-height:120px;color:#111827}
.k-btn{background:var(--k-accent);color:#fff;border:0;border-radius:8px;padding:8px 12px;cursor:pointer;font-size:14px}
.k-link{background:transparent;border:0;color:#1f2937;text-decoration:underline;cursor:pointer;font-size:13px;padding:2px;align-self:flex-start}
.k-form{display:flex;flex-direction:column;gap:6px;padding:10px;border:1px solid #e5e7eb;border-radius:10px;background:#fff}
.k-form label{font-size:13px;display:flex;flex-direction:column;gap:2px}
.k-form input[type=text],.k-form input[type=email]{border:1px solid #d1d5db;border-radius:6px;padding:6px 8px;font-size:14px}
.k-form .k-check{flex-direction:row;gap:6px;align-items:flex-start}
.k-privacy{font-size:12px;color:#4b5563}
.k-privacy a{color:inherit}
.k-rate{display:flex;gap:4px;justify-content:center}
.k-rate button{width:36px;height:36px;border-radius:50%;border:1px solid #d1d5db;background:#fff;cursor:pointer}
.k-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
[hidden]{display:none!important}
@media (max-width:480px){.k-wrap.k-open{inset:0}.k-open .k-launch{display:none}.k-open .k-panel{position:fixed;inset:0;width:100%;height:100%;max-height:none;border-radius:0;bottom:0}}
`;

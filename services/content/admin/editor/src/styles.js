// The editor's look, in the workspace's colours: readable text (1rem and
// up), a clear focus ring, pressed buttons in the board's dark red, every
// colour pair at WCAG AA contrast or better. Injected once, as the pages'
// CSP allows inline styles but not external ones from elsewhere.

const CSS = `
.bt-khung{max-width:48rem;margin-top:.25rem;border:1px solid #667085;border-radius:4px;background:#fff}
.bt-thanh-cong-cu{display:flex;flex-wrap:wrap;gap:.25rem;align-items:center;padding:.4rem;border-bottom:1px solid #d0d5dd;background:#f5f6f8;border-radius:4px 4px 0 0;position:sticky;top:0;z-index:1}
.bt-thanh-cong-cu button{font:inherit;font-size:.95rem;line-height:1.2;padding:.4rem .6rem;min-height:2.25rem;border:1px solid #667085;border-radius:4px;background:#fff;color:#1a1a1a;cursor:pointer}
.bt-thanh-cong-cu button:hover{background:#eef1f5}
.bt-thanh-cong-cu button[aria-pressed=true]{background:#5e1010;border-color:#5e1010;color:#fff}
.bt-thanh-cong-cu button[aria-disabled=true]{background:#f2f4f7;color:#475467;border-color:#98a2b3;cursor:default}
.bt-thanh-cong-cu button:focus-visible{outline:3px solid #1a56db;outline-offset:2px}
.bt-ngan{width:1px;align-self:stretch;background:#d0d5dd;margin:0 .2rem}
.bt-vung-soan .bt-van-ban{min-height:16rem;padding:.75rem 1rem;font-size:1.0625rem;line-height:1.6;color:#1a1a1a;overflow-wrap:anywhere}
.bt-vung-soan .bt-van-ban:focus-visible{outline:3px solid #1a56db;outline-offset:-3px}
.bt-van-ban>*:first-child{margin-top:0}
.bt-van-ban h2{font-size:1.35rem}.bt-van-ban h3{font-size:1.15rem}
.bt-van-ban a{color:#0b4a8b;text-decoration:underline}
.bt-van-ban img{max-width:100%;height:auto}
.bt-van-ban img.ProseMirror-selectednode{outline:3px solid #1a56db}
.bt-van-ban table{border-collapse:collapse;width:100%;table-layout:fixed;margin:.75rem 0}
.bt-van-ban th,.bt-van-ban td{border:1px solid #98a2b3;padding:.35rem .5rem;vertical-align:top;position:relative}
.bt-van-ban th{background:#eef1f5}
.bt-van-ban td p,.bt-van-ban th p{margin:0}
.bt-van-ban .selectedCell::after{content:"";position:absolute;inset:0;background:rgba(26,86,219,.15);pointer-events:none}
.bt-hop-thoai{width:min(40rem,calc(100% - 2rem));max-height:calc(100% - 2rem);border:1px solid #667085;border-radius:6px;padding:1rem 1.25rem;color:#1a1a1a;background:#fff}
.bt-hop-thoai::backdrop{background:rgba(0,0,0,.45)}
.bt-hop-thoai h2{margin-top:0}
.bt-hop-thoai fieldset{border:1px solid #d0d5dd;border-radius:4px;margin:0;padding:.5rem .75rem}
.bt-hop-thoai legend{font-weight:600;padding:0 .25rem}
.bt-thu-vien{max-height:45vh;overflow-y:auto}
.bt-anh{display:flex;align-items:center;gap:.5rem;padding:.25rem 0}
.bt-anh label{display:flex;align-items:center;gap:.5rem;margin:0;font-weight:400;overflow-wrap:anywhere}
.bt-anh img{width:4.5rem;height:3rem;object-fit:cover;background:#eef1f5;border:1px solid #d0d5dd}
.bt-anh input{width:1.25rem;height:1.25rem;flex:none}
.bt-anh input:focus-visible{outline:3px solid #1a56db;outline-offset:2px}
.bt-loi{color:#b42318;font-weight:600;margin:.5rem 0 0}
.bt-nut-hop-thoai{display:flex;flex-wrap:wrap;gap:.5rem}
`;

export function injectStyles() {
  const style = document.createElement('style');
  style.dataset.bienTap = '';
  style.textContent = CSS;
  document.head.append(style);
}

// Keeps what a board member types in a form marked data-ban-nhap from being
// lost: the browser asks before leaving the page with unsaved changes, and a
// copy kept in this browser (localStorage) every few seconds survives a
// closed tab, a crash or a lost connection, and is offered back the next
// time the form is opened. The attribute names the copy: the account and
// the item (or the new-item form), so that the page a refused move shows
// (at another address) keeps the same copy. It is dropped once the page
// shows the text saved.

const PREFIX = 'congxa:ban-nhap:';
/** The key of the form last sent, to drop its copy once it is saved. */
const SENT = 'congxa:ban-nhap:vua-gui';
const EVERY_MS = 2000;
const KEEP_MS = 30 * 24 * 3600_000;
/** What a successful save or move adds to the page it leads to. */
const SAVED = /[?&](da-luu|da-chuyen)=/;

/** Guards `form`; `editors` maps a text area to its rich-text editor. */
export function guard(form, editors) {
  const key = `${PREFIX}${form.dataset.banNhap}`;
  const fields = () => [...form.elements].filter((el) =>
    el.name && el.name !== 'csrf' && !['hidden', 'submit', 'button', 'file', 'checkbox', 'radio'].includes(el.type));
  const values = () => Object.fromEntries(fields().map((el) => [el.name, el.value]));
  const initial = JSON.stringify(values());
  const changed = () => JSON.stringify(values()) !== initial;

  dropOld();
  if (SAVED.test(location.search)) {
    const sent = sessionStorage.getItem(SENT);
    if (sent) localStorage.removeItem(sent);
    sessionStorage.removeItem(SENT);
  }

  let timer = null;
  const store = () => {
    clearTimeout(timer);
    timer = null;
    try {
      if (changed()) localStorage.setItem(key, JSON.stringify({ at: Date.now(), values: values() }));
      else localStorage.removeItem(key);
    } catch {
      // Storage full or refused (private browsing): the warning still holds.
    }
  };
  const touched = () => {
    timer ??= setTimeout(store, EVERY_MS);
  };
  form.addEventListener('input', touched);
  form.addEventListener('change', touched);
  for (const editor of editors.values()) editor.on('update', touched);

  let leaving = false;
  form.addEventListener('submit', () => {
    store();
    leaving = true;
    sessionStorage.setItem(SENT, key);
  });
  window.addEventListener('beforeunload', (event) => {
    if (leaving || !changed()) return;
    store();
    event.preventDefault();
    event.returnValue = '';
  });

  const kept = read(key);
  if (kept && JSON.stringify(kept.values) !== initial) offer(form, kept, editors, touched, key);
  else if (kept) localStorage.removeItem(key);
}

function read(key) {
  try {
    const kept = JSON.parse(localStorage.getItem(key) ?? 'null');
    const sound = kept
      && Number.isFinite(kept.at) && Math.abs(kept.at) < 8.64e15
      && typeof kept.values === 'object' && kept.values !== null
      && Object.values(kept.values).every((v) => typeof v === 'string');
    return sound ? kept : null;
  } catch {
    return null;
  }
}

/** Copies older than a month are forgotten. */
function dropOld() {
  try {
    for (let i = localStorage.length - 1; i >= 0; i -= 1) {
      const key = localStorage.key(i);
      if (!key?.startsWith(PREFIX) || key === SENT) continue;
      const kept = read(key);
      if (!kept || Date.now() - kept.at > KEEP_MS) localStorage.removeItem(key);
    }
  } catch {
    // Nothing to tidy when storage cannot be read.
  }
}

/** "21:05 ngày 07/12/2026", Vietnam's time. */
function when(at) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('vi-VN', {
    timeZone: 'Asia/Ho_Chi_Minh',
    hour: '2-digit',
    minute: '2-digit',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  return `${parts.hour}:${parts.minute} ngày ${parts.day}/${parts.month}/${parts.year}`;
}

/** A notice above the form offering the copy back. */
function offer(form, kept, editors, touched, key) {
  const box = document.createElement('div');
  box.className = 'ok ban-nhap';
  box.setAttribute('role', 'status');
  const text = document.createElement('p');
  text.textContent = `Máy này còn giữ bản đang soạn dở lúc ${when(kept.at)}, chưa được lưu.`;
  const restore = document.createElement('button');
  restore.type = 'button';
  restore.className = 'primary';
  restore.textContent = 'Khôi phục bản đang soạn';
  const discard = document.createElement('button');
  discard.type = 'button';
  discard.className = 'secondary';
  discard.textContent = 'Bỏ bản này';
  box.append(text, restore, ' ', discard);
  form.before(box);

  restore.addEventListener('click', () => {
    for (const el of form.elements) {
      if (!(el.name in kept.values) || el.name === 'csrf' || el.type === 'hidden') continue;
      el.value = kept.values[el.name];
      editors.get(el)?.commands.setContent(el.value, { emitUpdate: true });
    }
    touched();
    text.textContent = 'Đã khôi phục bản đang soạn. Hãy bấm Lưu để giữ lại trên hệ thống.';
    restore.remove();
    discard.remove();
    form.querySelector('input:not([type=hidden]), textarea')?.focus();
  });
  discard.addEventListener('click', () => {
    localStorage.removeItem(key);
    box.remove();
    form.querySelector('input:not([type=hidden]), select, textarea')?.focus();
  });
}

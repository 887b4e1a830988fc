// Uploads in the board's workspace: the chosen or dropped files go to the
// media service one by one, each with a progress bar, and the list reloads
// when they are in. The session's CSRF token travels in a header, which
// another site's form cannot send.
(function () {
  var form = document.getElementById('tai-len');
  if (!form) return;
  var input = form.querySelector('input[type=file]');
  var zone = document.getElementById('vung-tha');
  var list = document.getElementById('tien-do');
  var csrf = form.querySelector('input[name=csrf]').value;

  function send(file) {
    return new Promise(function (done) {
      var item = document.createElement('li');
      var label = document.createElement('span');
      label.textContent = file.name + ' ';
      var bar = document.createElement('progress');
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute('aria-label', 'Tiến độ tải lên ' + file.name);
      var state = document.createElement('span');
      item.appendChild(label);
      item.appendChild(bar);
      item.appendChild(state);
      list.appendChild(item);
      var body = new FormData();
      body.append('file', file, file.name);
      var request = new XMLHttpRequest();
      request.open('POST', '/api/tep');
      request.setRequestHeader('x-csrf-token', csrf);
      request.upload.onprogress = function (event) {
        if (event.lengthComputable) bar.value = Math.round((event.loaded / event.total) * 100);
      };
      request.onload = function () {
        if (request.status === 201) {
          bar.value = 100;
          state.textContent = ' Đã tải lên.';
        } else {
          var message = 'Không tải lên được.';
          try { message = JSON.parse(request.responseText).error.message; } catch (e) { /* not JSON */ }
          state.textContent = ' ' + message;
        }
        done(request.status === 201);
      };
      request.onerror = function () {
        state.textContent = ' Mất kết nối khi tải lên.';
        done(false);
      };
      request.send(body);
    });
  }

  function sendAll(files) {
    var all = Array.prototype.slice.call(files);
    var chain = Promise.resolve(true);
    var ok = true;
    all.forEach(function (file) {
      chain = chain.then(function () { return send(file); }).then(function (sent) { ok = ok && sent; });
    });
    chain.then(function () { if (ok) window.location.reload(); });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (input.files.length) sendAll(input.files);
  });
  if (zone) {
    zone.addEventListener('dragover', function (event) { event.preventDefault(); zone.classList.add('keo'); });
    zone.addEventListener('dragleave', function () { zone.classList.remove('keo'); });
    zone.addEventListener('drop', function (event) {
      event.preventDefault();
      zone.classList.remove('keo');
      sendAll(event.dataTransfer.files);
    });
  }
})();

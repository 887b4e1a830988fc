// Font size (A− A A+) and high contrast for the default theme. Only an
// enhancement: without JavaScript the page hides the controls (a <noscript>
// style) and the browser's own zoom does the same. They are laid out from
// the first paint, so nothing shifts when this runs. Choices are remembered
// in this browser only.
(function () {
  var root = document.documentElement;
  var SIZES = { nho: 'chu-nho', lon: 'chu-lon', 'rat-lon': 'chu-rat-lon' };
  function store(key, value) { try { localStorage.setItem(key, value); } catch (e) { /* private mode */ } }
  function read(key) { try { return localStorage.getItem(key) || ''; } catch (e) { return ''; } }
  function applySize(size) {
    Object.keys(SIZES).forEach(function (k) { root.classList.remove(SIZES[k]); });
    if (SIZES[size]) root.classList.add(SIZES[size]);
  }
  function applyContrast(on, button) {
    root.classList.toggle('tuong-phan', on);
    if (button) button.setAttribute('aria-pressed', on ? 'true' : 'false');
  }
  applySize(read('congxa-co-chu'));
  applyContrast(read('congxa-tuong-phan') === '1');
  document.addEventListener('DOMContentLoaded', function () {
    var controls = document.querySelector('.display-controls');
    if (!controls) return;
    var contrast = controls.querySelector('[data-tuong-phan]');
    applyContrast(root.classList.contains('tuong-phan'), contrast);
    controls.addEventListener('click', function (event) {
      var button = event.target.closest('button');
      if (!button) return;
      if (button.hasAttribute('data-tuong-phan')) {
        var on = !root.classList.contains('tuong-phan');
        applyContrast(on, button);
        store('congxa-tuong-phan', on ? '1' : '');
        return;
      }
      var current = read('congxa-co-chu');
      var wanted = button.getAttribute('data-chu');
      // A+ pressed twice goes one size further.
      if (wanted === 'lon' && current === 'lon') wanted = 'rat-lon';
      applySize(wanted);
      store('congxa-co-chu', wanted);
    });
  });
})();

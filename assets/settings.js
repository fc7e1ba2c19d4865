/* global document, navigator, window */
// Progressive enhancement for the settings page: shows the copy buttons when the browser offers
// a clipboard. Served as a same-origin file because the Content-Security-Policy allows no inline script.
'use strict';

(function () {
  if (!navigator.clipboard || typeof navigator.clipboard.writeText !== 'function') return;
  var body = document.body;
  var status = document.getElementById('copy-status');
  var RESET_AFTER_MS = 2000;

  function announce(message) {
    if (!status) return;
    // Clearing first makes screen readers repeat the message when the same button is used twice.
    status.textContent = '';
    window.setTimeout(function () {
      status.textContent = message;
    }, 50);
  }

  Array.prototype.forEach.call(document.querySelectorAll('button[data-copy]'), function (button) {
    var target = document.getElementById(button.getAttribute('data-copy'));
    if (!target) return;
    var label = button.textContent;
    var timer;
    button.hidden = false;
    button.addEventListener('click', function () {
      navigator.clipboard.writeText(target.textContent).then(
        function () {
          button.textContent = body.getAttribute('data-copied');
          button.classList.add('copied');
          announce(body.getAttribute('data-copied'));
          window.clearTimeout(timer);
          timer = window.setTimeout(function () {
            button.textContent = label;
            button.classList.remove('copied');
          }, RESET_AFTER_MS);
        },
        function () {
          announce(body.getAttribute('data-copy-failed'));
        },
      );
    });
  });
})();

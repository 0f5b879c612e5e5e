// Behaviour the pages used to write inline (onchange=, onsubmit=): the
// Content-Security-Policy allows scripts from static files only.
//   <select data-autosubmit>        submits its form when changed;
//   <form data-confirm="问题？">     asks before submitting.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("[data-autosubmit]") && el.form) {
      el.form.submit();
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);
})();

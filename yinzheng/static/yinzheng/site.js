/* yinzheng: the small behaviours every page shares, bound here because the
   Content-Security-Policy allows no inline script or on…= attribute (issue 13).
   - <button data-print>: prints the page.
   - <a data-back>: goes back a page (its href is where to go without script).
   - <select data-autosubmit>: sends its form when the choice changes (the language
     switch; a <noscript> button does it without script). */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (!event.target.closest) return;
    if (event.target.closest("[data-print]")) {
      event.preventDefault();
      window.print();
    } else if (event.target.closest("a[data-back]") && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("select[data-autosubmit]") && field.form) {
      field.form.submit();
    }
  });
})();

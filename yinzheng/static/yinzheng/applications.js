/* yinzheng: on the application form, show only the sections of the chosen type.
   Progressive enhancement: without this script every section is shown. */
(function () {
  var form = document.getElementById("application-form");
  if (!form) return;
  var radios = form.querySelectorAll("input[name='app-kind']");
  function update() {
    var kind = (form.querySelector("input[name='app-kind']:checked") || {}).value;
    form.querySelectorAll("[data-kinds]").forEach(function (el) {
      el.hidden = kind && el.getAttribute("data-kinds").split(" ").indexOf(kind) < 0;
    });
  }
  radios.forEach(function (r) { r.addEventListener("change", update); });
  update();
})();

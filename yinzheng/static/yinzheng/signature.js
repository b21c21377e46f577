/* yinzheng: the resident signs a certificate-register entry on screen (REQ-073).
   A <canvas> drawn on with a finger, a pen or the mouse (pointer events, so it works on
   a phone); on submit the drawing goes into the form's hidden field as a PNG data URL,
   which the server checks and stores. No library. Without this script the page offers
   only the paper route. */
(function () {
  "use strict";

  function setUp(box) {
    var canvas = box.querySelector("canvas");
    var form = box.closest("form");
    var field = form.querySelector("input[name$='signature']");
    var clear = box.querySelector("[data-signature-clear]");
    var status = box.querySelector("[data-signature-status]");
    var ctx = canvas.getContext("2d");
    var drawn = false;
    var last = null;
    var ratio = 1;
    var sized = false;

    function pen() {
      ctx.lineWidth = 2.5 * ratio;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#111";
      ctx.fillStyle = "#111";
    }

    function blank() {
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      pen();
    }

    function fit() {
      var rect = canvas.getBoundingClientRect();
      var width = Math.round(rect.width * (window.devicePixelRatio || 1));
      if (!rect.width || (sized && width === canvas.width)) return;
      sized = true;
      var keep = drawn ? canvas.toDataURL("image/png") : null;
      ratio = window.devicePixelRatio || 1;
      canvas.width = width;
      canvas.height = Math.round(rect.height * ratio);
      blank();
      if (keep) {
        var img = new Image();
        img.onload = function () {
          ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
          pen();
        };
        img.src = keep;
      }
    }

    function point(event) {
      var rect = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - rect.left) * (canvas.width / rect.width),
        y: (event.clientY - rect.top) * (canvas.height / rect.height),
      };
    }

    function mark() {
      drawn = true;
      status.textContent = "";
    }

    canvas.addEventListener("pointerdown", function (event) {
      if (event.button > 0) return;
      event.preventDefault();
      if (canvas.setPointerCapture) canvas.setPointerCapture(event.pointerId);
      last = point(event);
      ctx.beginPath();
      ctx.arc(last.x, last.y, ctx.lineWidth / 2, 0, 2 * Math.PI);
      ctx.fill();
      mark();
    });

    canvas.addEventListener("pointermove", function (event) {
      if (!last) return;
      event.preventDefault();
      var events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
      if (!events.length) events = [event];
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      events.forEach(function (e) {
        last = point(e);
        ctx.lineTo(last.x, last.y);
      });
      ctx.stroke();
      mark();
    });

    function lift() {
      last = null;
    }
    canvas.addEventListener("pointerup", lift);
    canvas.addEventListener("pointercancel", lift);
    canvas.addEventListener("lostpointercapture", lift);

    clear.addEventListener("click", function () {
      drawn = false;
      field.value = "";
      blank();
    });

    form.addEventListener("submit", function (event) {
      if (!drawn) {
        // data-optional: another way to sign is on the form (an uploaded page).
        if (box.hasAttribute("data-optional")) return;
        event.preventDefault();
        status.textContent = box.getAttribute("data-empty-message");
        return;
      }
      var url = canvas.toDataURL("image/png");
      if (url.length > Number(box.getAttribute("data-max-chars") || Infinity)) {
        event.preventDefault();
        status.textContent = box.getAttribute("data-too-large-message");
        return;
      }
      field.value = url;
    });

    var pending = null;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(fit, 150);
    });
    box.hidden = false;
    fit();
  }

  document.querySelectorAll("[data-signature-pad]").forEach(setUp);
})();

/* The assessment form's running total: a progressive enhancement, shipped in the package.
   The form works without it ("Calcular puntaje" computes the score on the server).
   Each item of the primary scale carries the points of each answer (data-points) or of
   each band of a number (data-outcomes); an omitted item adds its least and most points,
   which gives the provisional range. The sentences come from the page (data-words). */
(function () {
  "use strict";
  var form = document.querySelector("form[data-live]");
  var out = document.getElementById("running");
  if (!form || !out) { return; }
  var words = JSON.parse(out.getAttribute("data-words"));

  function fill(text, params) {
    return text.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(params, key) ? String(params[key]) : whole;
    });
  }

  function pointsOf(box) {
    var least = Number(box.getAttribute("data-min"));
    var most = Number(box.getAttribute("data-max"));
    if (box.getAttribute("data-kind") === "radios") {
      var chosen = box.querySelector("input[type=radio]:checked");
      if (!chosen) { return null; }
      if (chosen.value === "omitted") { return [least, most, true]; }
      var p = Number(chosen.getAttribute("data-points") || 0);
      return [p, p, false];
    }
    var omit = box.querySelector("input[type=checkbox]");
    if (omit && omit.checked) { return [least, most, true]; }
    var input = box.querySelector("input[type=number]");
    if (!input || input.value === "") { return null; }
    var n = parseInt(input.value, 10);
    var found = null;
    JSON.parse(box.getAttribute("data-outcomes")).forEach(function (o) {
      if (n >= o[0] && (o[1] === null || n <= o[1])) { found = o[2]; }
    });
    return found === null ? null : [found, found, false];
  }

  function update() {
    var lo = 0, hi = 0, omitted = 0, open = 0;
    var boxes = form.querySelectorAll("[data-item]");
    for (var i = 0; i < boxes.length; i += 1) {
      var got = pointsOf(boxes[i]);
      if (got === null) { open += 1; continue; }
      lo += got[0]; hi += got[1];
      if (got[2]) { omitted += 1; }
    }
    var text = omitted && lo !== hi
      ? fill(words.provisional, { lo: lo, hi: hi, count: omitted })
      : fill(words.total, { total: lo });
    if (open) { text += " · " + fill(words.open, { count: open }); }
    out.textContent = text;
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
}());

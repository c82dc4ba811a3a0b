// riskcheck serve: optional improvements; the page works without this file.
// 1. Questions that do not apply (data-when) are hidden until their answer makes them apply.
// 2. Amounts such as 42万 are spelled out under the field as you type.
"use strict";
(function () {
  var form = document.getElementById("case-form");
  if (!form) { return; }

  function valueOf(name) {
    var field = form.elements.namedItem(name);
    if (!field) { return ""; }
    return (field.value || "").trim();
  }

  function applies(q) {
    var current = valueOf(q.getAttribute("data-when"));
    var values = q.getAttribute("data-when-values").split("|");
    var hit = values.indexOf(current === "" ? "None" : current) >= 0;
    if (values.indexOf("0") >= 0 && current !== "" && !isNaN(Number(current))) { hit = Number(current) === 0; }
    return q.hasAttribute("data-when-negate") ? !hit : hit;
  }

  function refresh() {
    var conditional = form.querySelectorAll(".q[data-when]");
    for (var i = 0; i < conditional.length; i++) {
      var q = conditional[i];
      var input = q.querySelector("input, select");
      var filled = input && input.value && input.value.trim() !== "";
      q.hidden = !applies(q) && !filled;
    }
  }

  function amount(text) {
    var t = text.replace(/[０-９]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xFEE0); })
      .replace(/[,，円\s]/g, "");
    var factor = 1;
    if (/万$/.test(t)) { factor = 10000; t = t.slice(0, -1); }
    var n = Number(t);
    return t !== "" && isFinite(n) ? Math.round(n * factor) : null;
  }

  function preview(input) {
    var out = input.parentNode.querySelector(".amount-preview");
    if (!out) {
      out = document.createElement("span");
      out.className = "amount-preview";
      out.setAttribute("aria-live", "polite");
      input.insertAdjacentElement("afterend", out);
    }
    var n = amount(input.value);
    out.textContent = n !== null && /[万,，０-９]/.test(input.value) ? "= " + n.toLocaleString("ja-JP") + " 円" : "";
  }

  form.addEventListener("input", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-amount")) { preview(event.target); }
    refresh();
  });
  form.addEventListener("change", refresh);
  var amounts = form.querySelectorAll("input[data-amount]");
  for (var i = 0; i < amounts.length; i++) { preview(amounts[i]); }
  refresh();
  document.documentElement.classList.add("js");
})();

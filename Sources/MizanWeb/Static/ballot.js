// The ballot, live: as boxes are ticked or numbers typed, the tally (count chosen and left, the
// running total and budget bar of a knapsack ballot, points given, projects ranked) is recomputed
// here with the same catalog templates the server uses, which the page gives in data- attributes;
// the filters show and hide cards at once. Without this script the page works the same through
// its "update" button, which asks the server. A hidden card keeps its mark: its input is still in
// the form and still sent.
(function () {
  "use strict";
  var form = document.getElementById("ballot-form");
  var tally = document.getElementById("ballot-tally");
  if (!form || !tally) { return; }
  var data = tally.dataset;
  var main = document.getElementById("tally-main");
  var noteText = document.getElementById("tally-note-text");
  var meter = document.getElementById("tally-meter");
  var shownNote = document.getElementById("shown-note");
  var category = document.getElementById("filter-category");
  var district = document.getElementById("filter-district");
  var cards = Array.prototype.slice.call(form.querySelectorAll("li.card"));

  function fill(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  // Thousands grouped by dots, as the server writes them.
  function grouped(value) {
    var digits = String(Math.abs(value));
    var out = "";
    for (var i = 0; i < digits.length; i++) {
      if (i > 0 && (digits.length - i) % 3 === 0) { out += "."; }
      out += digits.charAt(i);
    }
    return (value < 0 ? "-" : "") + out;
  }

  // An amount in centimes, written like the server's zero ("0,00 MAD") with the number swapped in.
  function money(centimes) {
    var whole = Math.floor(Math.abs(centimes) / 100);
    var cents = Math.abs(centimes) % 100;
    var number = (centimes < 0 ? "-" : "") + grouped(whole) + "," + (cents < 10 ? "0" : "") + cents;
    return (data.money || "0,00").replace("0,00", number);
  }

  // The marks of the form: a ticked box weighs 1; a number field its whole number.
  function marks() {
    var result = { count: 0, cost: 0, weight: 0, hidden: 0 };
    cards.forEach(function (card) {
      var input = card.querySelector("input.mark");
      if (!input) { return; }
      var value = input.type === "checkbox" ? (input.checked ? 1 : 0) : parseInt(input.value, 10) || 0;
      card.classList.toggle("chosen", value !== 0);
      if (value === 0) { return; }
      result.count += 1;
      result.weight += value;
      result.cost += parseInt(input.getAttribute("data-cost"), 10) || 0;
      if (card.hidden) { result.hidden += 1; }
    });
    return result;
  }

  function recount() {
    var m = marks();
    var first = "";
    var second = "";
    var warning = false;
    var minimum = parseInt(data.min, 10) || 0;
    var maximum = parseInt(data.max, 10) || 0;
    switch (data.kind) {
      case "knapsack":
        var budget = parseInt(data.budget, 10) || 0;
        first = fill(data.total, { total: money(m.cost), budget: money(budget), chosen: m.count });
        if (m.cost > budget) {
          second = fill(data.overBudget, { over: money(m.cost - budget) });
          warning = true;
        } else {
          second = fill(data.remaining, { remaining: money(budget - m.cost) });
        }
        if (meter) { meter.value = Math.min(m.cost, budget); }
        break;
      case "points":
        var points = parseInt(data.points, 10) || 0;
        first = fill(data.pointsUsed, { used: m.weight, total: points });
        warning = m.weight > points;
        second = warning ? fill(data.pointsOver, { over: m.weight - points }) : fill(data.pointsLeft, { left: points - m.weight });
        break;
      case "ranked":
        var depth = parseInt(data.depth, 10) || 0;
        first = fill(data.ranked, { ranked: m.count, depth: depth });
        warning = m.count > depth;
        second = warning ? fill(data.rankedOver, { over: m.count - depth, depth: depth }) : fill(data.rankedLeft, { left: depth - m.count });
        break;
      default:
        first = fill(data.chosen, { chosen: m.count });
        if (maximum > 0 && m.count > maximum) {
          second = fill(data.tooMany, { over: m.count - maximum, max: maximum });
          warning = true;
        } else if (m.count < minimum) {
          second = fill(data.need, { need: minimum - m.count });
        } else if (maximum > 0) {
          second = fill(data.left, { left: maximum - m.count });
        }
    }
    if (main.textContent !== first) { main.textContent = first; }
    if (noteText.textContent !== second) { noteText.textContent = second; }
    tally.classList.toggle("warning", warning);
    if (shownNote) {
      var shown = cards.filter(function (card) { return !card.hidden; }).length;
      var text = fill(shownNote.getAttribute("data-shown"), { shown: shown, total: cards.length });
      if (m.hidden > 0) { text += " " + fill(shownNote.getAttribute("data-hidden-marks"), { count: m.hidden }); }
      shownNote.textContent = text;
    }
  }

  function refilter() {
    var wantedCategory = category ? category.value : "";
    var wantedDistrict = district ? district.value : "";
    cards.forEach(function (card) {
      card.hidden = (wantedCategory !== "" && card.getAttribute("data-category") !== wantedCategory) ||
        (wantedDistrict !== "" && card.getAttribute("data-district") !== wantedDistrict);
    });
    recount();
  }

  form.addEventListener("input", recount);
  form.addEventListener("change", function (event) {
    if (event.target === category || event.target === district) { refilter(); } else { recount(); }
  });
  // Filtering and counting are live now: the buttons that asked the server for them are not needed.
  ["filter-apply", "ballot-update", "update-hint"].forEach(function (id) {
    var element = document.getElementById(id);
    if (element) { element.hidden = true; }
  });
  recount();
})();

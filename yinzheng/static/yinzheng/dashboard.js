/* yinzheng: draws the dashboard's charts (REQ-103) with the vendored Apache ECharts.
   The data comes from the page's json_script element #dashboard-data, the same tables
   printed beside each chart; without this script (or without ECharts) the tables
   remain. Labels are the server's (translated); ECharts' own words in Chinese or
   English after the page's language. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source) return;
  var printButton = document.querySelector(".print-page");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }
  if (!window.echarts) return;
  var data = JSON.parse(source.textContent);
  var lang = (document.documentElement.lang || "zh").toLowerCase();
  var locale = lang.indexOf("zh") === 0 ? "ZH" : "EN";
  var palette = ["#b3261e", "#0b57d0", "#1a7f37", "#9a6700", "#8250df", "#5f6b76",
                 "#cf222e", "#0969da", "#bf8700"];

  function base(chart) {
    return {
      color: palette,
      animation: false,
      aria: { enabled: true },
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      // Drawn inside the chart, not as HTML: the site's CSP allows no inline style.
      tooltip: { trigger: chart.kind === "pie" ? "item" : "axis", confine: true,
                 renderMode: "richText" },
      legend: chart.series.length > 1 || chart.kind === "pie"
        ? { type: "scroll", top: 0 } : undefined,
      grid: { left: 8, right: 16, top: chart.series.length > 1 ? 36 : 16, bottom: 8,
              containLabel: true }
    };
  }

  function short(label, n) {
    return label.length > n ? label.slice(0, n - 1) + "…" : label;
  }

  function option(chart) {
    var o = base(chart);
    if (chart.kind === "pie") {
      o.legend = { type: "scroll", orient: "vertical", left: 0, top: 0, bottom: 0,
                   formatter: function (name) { return short(name, 14); } };
      o.series = [{
        type: "pie", name: chart.title, radius: ["35%", "65%"], center: ["65%", "50%"],
        label: { formatter: "{d}%" },
        data: chart.categories.map(function (name, i) {
          return { name: name, value: chart.series[0].data[i] };
        })
      }];
      return o;
    }
    var horizontal = chart.kind === "hbar";
    var category = {
      type: "category", data: chart.categories, inverse: horizontal,
      axisLabel: horizontal
        ? { formatter: function (v) { return short(v, 18); } }
        : { hideOverlap: true, rotate: chart.categories.length > 8 ? 30 : 0,
            formatter: function (v) { return short(v, 12); } }
    };
    var value = { type: "value", minInterval: 1 };
    o.xAxis = horizontal ? value : category;
    o.yAxis = horizontal ? category : value;
    o.series = chart.series.map(function (s) {
      return {
        type: chart.kind === "line" ? "line" : "bar", name: s.name, data: s.data,
        showSymbol: chart.categories.length <= 31, barMaxWidth: 28
      };
    });
    return o;
  }

  var drawn = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var chart = data[el.getAttribute("data-chart")];
    if (!chart) return;
    var instance = window.echarts.init(el, null, { renderer: "svg", locale: locale });
    instance.setOption(option(chart));
    drawn.push(instance);
  });
  function resize() { drawn.forEach(function (c) { c.resize(); }); }
  window.addEventListener("resize", resize);
  window.addEventListener("beforeprint", resize);
  window.addEventListener("afterprint", resize);
})();

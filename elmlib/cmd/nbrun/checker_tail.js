// Injected by nbrun before </body> of a copy of an exported notebook: once the page has
// loaded and its scripts have run, it describes every chart container and writes the
// description (base64 of JSON) into a pre element with id nbrun-result, which --dump-dom
// carries out.
(function () {
	var selector = "[data-rendered], [_echarts_instance_], .elm-chart";

	function describe() {
		var out = {charts: [], errors: window.__nbrunErrors || [], inits: 0, resources: [],
			remote: []};
		document.querySelectorAll(selector).forEach(function (el) {
			if (el.parentElement && el.parentElement.closest(selector)) {
				return; // the inner element of a container already counted
			}
			var r = el.getBoundingClientRect();
			out.charts.push({
				id: el.id || "",
				rendered: el.getAttribute("data-rendered"),
				instance: el.hasAttribute("_echarts_instance_") ||
					!!el.querySelector("[_echarts_instance_]"),
				svg: el.querySelectorAll("svg").length,
				canvas: el.querySelectorAll("canvas").length,
				marks: el.querySelectorAll("svg path, svg text, svg rect, svg circle").length,
				x: r.left + window.scrollX, y: r.top + window.scrollY,
				w: r.width, h: r.height
			});
		});
		// Chart scripts are small; the echarts bundle itself is skipped by size.
		Array.prototype.forEach.call(document.scripts, function (s) {
			var text = s.text || "";
			if (text.length < 200000) {
				out.inits += (text.match(/echarts\.init\(/g) || []).length;
			}
		});
		// Elements that load what they point at, including ones scripts inserted.
		var loaders = "script[src], link[href], img[src], iframe[src], source[src], " +
			"audio[src], video[src], embed[src], object[data], image[href]";
		document.querySelectorAll(loaders).forEach(function (el) {
			var ref = el.getAttribute("src") || el.getAttribute("href") ||
				el.getAttribute("data") || "";
			if (/^\s*(https?:|wss?:|\/\/)/i.test(ref)) {
				out.remote.push("<" + el.tagName.toLowerCase() + "> " + ref);
			}
		});
		if (window.performance && performance.getEntriesByType) {
			performance.getEntriesByType("resource").forEach(function (e) {
				out.resources.push(e.name);
			});
		}
		out.width = document.documentElement.scrollWidth;
		out.height = document.documentElement.scrollHeight;
		return out;
	}

	window.addEventListener("load", function () {
		setTimeout(function () {
			var json = JSON.stringify(describe());
			var pre = document.createElement("pre");
			pre.id = "nbrun-result";
			pre.textContent = btoa(unescape(encodeURIComponent(json)));
			document.body.appendChild(pre);
		}, 500);
	});
})();

// Injected by nbrun at the start of <head> of a copy of an exported notebook: records
// uncaught errors and console errors before any page script runs.
(function () {
	var errs = (window.__nbrunErrors = []);
	window.addEventListener("error", function (e) {
		var where = e.filename ? " (" + e.filename + ":" + e.lineno + ")" : "";
		if (e.message) {
			errs.push("Uncaught " + e.message + where);
		} else if (e.target && e.target !== window) {
			var t = e.target;
			errs.push("failed to load <" + t.tagName.toLowerCase() + "> " + (t.src || t.href || ""));
		}
	}, true);
	window.addEventListener("unhandledrejection", function (e) {
		errs.push("Uncaught (in promise) " + (e.reason && e.reason.message || e.reason));
	});
	var origError = console.error;
	console.error = function () {
		errs.push("console.error: " + Array.prototype.join.call(arguments, " "));
		return origError.apply(console, arguments);
	};
})();

// Starts one behaviour per element that asks for it with data-module="name".
// Pages work without this script; it only makes them quicker to use.
const loaders = {
  "region-picker": () => import("./region-picker.js"),
  "password-strength": () => import("./password-strength.js"),
  "error-summary": () => import("./error-summary.js"),
  "captcha-refresh": () => import("./captcha-refresh.js"),
  "sms-countdown": () => import("./sms-countdown.js"),
  "countdown-redirect": () => import("./countdown-redirect.js"),
  "ca-sign": () => import("./ca-sign.js"),
  "auto-submit": () => import("./auto-submit.js"),
};

document.documentElement.classList.add("js");

function start(root) {
  root.querySelectorAll("[data-module]").forEach((element) => {
    if (element.dataset.moduleStarted) return;
    const load = loaders[element.dataset.module];
    if (!load) return;
    element.dataset.moduleStarted = "1";
    load().then((module) => module.default(element));
  });
}

start(document);
document.addEventListener("htmx:load", (event) => start(event.target));

// An htmx request that the server redirected (the session ended, the grant was withdrawn) got a
// whole other page: show it as a page rather than swapping it into the part that asked.
document.addEventListener("htmx:beforeSwap", (event) => {
  const { xhr, pathInfo } = event.detail;
  if (!xhr.responseURL) return;
  const answered = new URL(xhr.responseURL);
  if (answered.pathname !== new URL(pathInfo.requestPath, window.location.href).pathname) {
    event.detail.shouldSwap = false;
    window.location.assign(answered.href);
  }
});

// Adact embed loader, bundled by scripts/build-embed.mjs after the
// wasm-bindgen glue, inside one function scope so nothing leaks into the page
// but `window.renderAdact`.
//
// It defines `window.renderAdact` at once. Calls made before the wasm is
// ready (including those queued by the async stub
// `(renderAdact.q = renderAdact.q || []).push(arguments)`) run in order once
// it is. Every call returns a Promise of a campaign handle, or of `null`
// after one console.warn; nothing is ever thrown into the page. Its
// argument, an options object or a segment title, is the wasm's to read.
//
// Each call puts the campaign's host element at its place at once, before
// the wasm or the server answers: an empty box of the card's height (the
// same min-height as the card's own styles, in render/card.rs), so the page
// does not move when the card is drawn into it. A call that renders nothing
// takes it out again.
var script = document.currentScript;
var scriptUrl = script && script.src ? new URL(script.src, location.href) : null;

// The card's height before it is drawn: keep in step with render/card.rs.
var RESERVE = ":host{display:block;min-height:600px}@media (max-width:400px){:host{min-height:580px}}";

function warn(message) {
  console.warn("Adact: " + message);
}

if (!scriptUrl) {
  warn("embed.js must be loaded with <script src=\".../embed.js?key=pk_...\">.");
} else if (!window.renderAdact || !window.renderAdact.adact) {
  var key = scriptUrl.searchParams.get("key") || "";
  // The server is wherever embed.js came from, even below a path prefix.
  var server = scriptUrl.origin + scriptUrl.pathname.replace(/\/embed\.js$/, "");
  var wasmUrl = new URL("embed/__ADACT_WASM__", scriptUrl).href;
  var queued = (window.renderAdact && window.renderAdact.q) || [];
  var ready = null;

  var load = function () {
    if (!ready) {
      ready = wasm_bindgen({ module_or_path: wasmUrl }).then(
        function () { return true; },
        function (error) {
          warn("could not load " + wasmUrl + " (" + error + ").");
          return false;
        }
      );
    }
    return ready;
  };

  // The empty host element, where the wasm will look for it (the container,
  // else after the calling script, else the end of <body>); null where
  // there is none, which the wasm then explains.
  var reserve = function (options, anchor) {
    try {
      var object = options !== null && typeof options === "object";
      if (!object && typeof options !== "string") return null;
      var container = object ? options.container : null;
      var parent = null;
      var after = null;
      if (typeof container === "string") parent = document.querySelector(container);
      else if (container instanceof Element) parent = container;
      else if (container != null) return null;
      else if (anchor && anchor.isConnected) after = anchor;
      else parent = document.body;
      if (!parent && !after) return null;
      var host = document.createElement("adact-campaign");
      var style = document.createElement("style");
      style.textContent = RESERVE;
      host.attachShadow({ mode: "open" }).appendChild(style);
      if (parent) parent.appendChild(host);
      else after.after(host);
      return host;
    } catch (error) {
      return null;
    }
  };

  var call = function (options, anchor) {
    var host = reserve(options, anchor);
    return load().then(function (ok) {
      // A failed load was already reported once; later calls stay quiet.
      if (!ok) return null;
      if (!key) {
        warn("embed.js was loaded without its key: use embed.js?key=pk_...");
        return null;
      }
      return wasm_bindgen.render(options, anchor || null, server, key, host);
    }).catch(function (error) {
      warn(String(error && error.message || error));
      return null;
    }).then(function (campaign) {
      if (!campaign && host) host.remove();
      return campaign;
    });
  };

  var renderAdact = function (options) {
    // The inline <script> that is calling, if any: the campaign goes after it.
    var current = document.currentScript;
    var anchor = current && current !== script && !current.src ? current : null;
    return call(options, anchor);
  };
  renderAdact.adact = true;
  window.renderAdact = renderAdact;

  load();
  for (var i = 0; i < queued.length; i++) {
    call(queued[i] && queued[i][0], null);
  }
}

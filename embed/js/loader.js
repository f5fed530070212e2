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
var script = document.currentScript;
var scriptUrl = script && script.src ? new URL(script.src, location.href) : null;

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

  var call = function (options, anchor) {
    return load().then(function (ok) {
      // A failed load was already reported once; later calls stay quiet.
      if (!ok) return null;
      if (!key) {
        warn("embed.js was loaded without its key: use embed.js?key=pk_...");
        return null;
      }
      return wasm_bindgen.render(options, anchor || null, server, key);
    }).catch(function (error) {
      warn(String(error && error.message || error));
      return null;
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

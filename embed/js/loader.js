// Adact embed loader, bundled by scripts/build-embed.mjs after the
// wasm-bindgen glue, inside one function scope so nothing leaks into the page
// but `window.renderAdact`.
//
// It defines `window.renderAdact` at once. Calls made before the wasm is
// ready (including those queued by the async snippet's stub, see
// embed/js/stub.js) run in order once it is. Every call returns a Promise of
// a campaign handle, or of `null` after one console.warn; nothing is ever
// thrown into the page. Its argument, an options object or a segment title,
// is the wasm's to read.
//
// Each call puts the campaign's host element at its place at once (or adopts
// the one the stub placed), before the wasm or the server answers: a box of
// the card's height (the same min-height as the card's own styles, in
// render/card.rs) holding a light skeleton, so the page does not move when
// the card is drawn into it. It also sends the render request at once,
// beside the wasm's download, and hands the answer to the wasm, which checks
// that it asked for the same thing.
//
// A segment that renders nothing (unknown, not active, a wrong key or a page
// the account does not allow) is remembered for a while, so later page
// views reserve no room for it. Its box is taken out at once before the
// page's first paint or out of view, else when it leaves the view, so that
// the page never jumps under the reader's eyes.
var script = document.currentScript;
var scriptUrl = script && script.src ? new URL(script.src, location.href) : null;

// The card's height before it is drawn (keep in step with render/card.rs),
// and its skeleton: the card's outline, a title, the game and the button.
var RESERVE =
  ":host{display:block;min-height:600px}@media (max-width:400px){:host{min-height:580px}}" +
  ".s{box-sizing:border-box;max-width:520px;min-height:inherit;padding:28px 24px;border:1px solid #eee;border-radius:20px;" +
  "display:flex;flex-direction:column;align-items:center;gap:20px}" +
  ".s i{border-radius:12px;background:#ececf0;animation:p 1.4s infinite alternate}" +
  ".s i:nth-child(1){width:60%;height:28px}.s i:nth-child(2){width:min(300px,80%);aspect-ratio:1;border-radius:50%;margin:auto}" +
  ".s i:nth-child(3){width:40%;height:44px;border-radius:99px}" +
  "@keyframes p{to{opacity:.45}}@media (prefers-reduced-motion:reduce){.s i{animation:none}}";
var SKELETON = '<div class="s" aria-hidden="true"><i></i><i></i><i></i></div>';

// Segments that rendered nothing: {title: until (ms since 1970)}.
var NONE_KEY = "adact:none";
var NONE_FOR = 10 * 60 * 1000;
// The server's codes for "nothing will render here".
var NONE_CODES = ["segment_not_found", "campaign_not_active", "origin_not_allowed", "unauthorized"];
// A render answer later than this is given up on.
var RENDER_TIMEOUT = 15000;

function warn(message) {
  console.warn("Adact: " + message);
}

function storage() {
  try {
    return window.localStorage;
  } catch (error) {
    return null;
  }
}

function remembered() {
  try {
    return JSON.parse(storage().getItem(NONE_KEY)) || {};
  } catch (error) {
    return {};
  }
}

// Notes whether `segment` rendered nothing; forgets the expired ones.
function remember(segment, none) {
  try {
    var all = remembered();
    var now = Date.now();
    for (var title in all) if (!(all[title] > now)) delete all[title];
    if (none) all[segment] = now + NONE_FOR;
    else delete all[segment];
    storage().setItem(NONE_KEY, JSON.stringify(all));
  } catch (error) {
    // Storage blocked: every page view reserves room.
  }
}

// The segment title a call names, or undefined (a page's getter may throw).
function segmentOf(options) {
  try {
    var segment = options !== null && typeof options === "object" ? options.segment : options;
    return typeof segment === "string" ? segment : undefined;
  } catch (error) {
    return undefined;
  }
}

function isTag(tag) {
  return typeof tag === "string" && tag.length <= 35 && /^[a-z]{2,8}(-[a-z0-9]{1,8})*$/i.test(tag);
}

// The render request as the wasm will write it (adact-wire's RenderRequest,
// in its field order, see embed/src/options.rs). Where this guess differs,
// the wasm sends its own. Throws for the calls the wasm refuses before it
// asks the server, so that they cost no request.
function requestBody(options) {
  var o = typeof options === "string" ? {} : options;
  var body = { segment: segmentOf(options) };
  var u = o.user;
  var bad = function (value, type) { return value != null && typeof value !== type; };
  if (!body.segment.trim() || bad(u, "object") || bad(o.userToken, "string") || bad(o.onEvent, "function")) {
    throw new Error("not sent");
  }
  if (u != null) {
    var user = {};
    var id = typeof u.id === "number" && isFinite(u.id) ? String(u.id) : u.id;
    if (id != null) user.id = id;
    if (u.email != null) user.email = u.email;
    if (u.name != null) user.name = u.name;
    body.user = user;
  }
  if (!body.user || body.user.id == null) {
    var kept = storage() && storage().getItem("adact:player");
    if (kept && kept.trim() && kept.length <= 100 && !/[\0-\x09\x0b-\x1f\x7f-\x9f]/.test(kept)) body.anonymous_id = kept;
  }
  var locale = isTag(o.locale) ? o.locale : null;
  if (!locale) locale = [document.documentElement.getAttribute("lang"), navigator.language].filter(isTag)[0];
  if (locale) body.locale = locale;
  if (o.userToken != null) body.user_token = o.userToken;
  return JSON.stringify(body);
}

// Whether the page has been painted (where the browser says).
function painted() {
  try {
    var types = PerformanceObserver.supportedEntryTypes;
    return types.indexOf("paint") < 0 || performance.getEntriesByType("paint").length > 0;
  } catch (error) {
    return true;
  }
}

function offscreen(element) {
  var box = element.getBoundingClientRect();
  return box.height === 0 || box.bottom <= 0 || box.top >= window.innerHeight;
}

// Whether anything shown comes after `element` in the page: what taking it
// out would move.
function followed(element) {
  for (var e = element; e && e !== document.body; e = e.parentElement) {
    for (var next = e.nextElementSibling; next; next = next.nextElementSibling) {
      if (next.getClientRects().length) return true;
    }
  }
  return false;
}

// Takes out the box of a call that rendered nothing, without moving what the
// reader sees: at once before the first paint, out of view or where nothing
// follows it, else it stays empty until it leaves the view.
function collapse(host) {
  if (!host.isConnected) return;
  var skeleton = host.shadowRoot && host.shadowRoot.querySelector(".s");
  if (skeleton) skeleton.remove();
  if (!painted() || offscreen(host) || !followed(host) || typeof IntersectionObserver !== "function") {
    return host.remove();
  }
  var observer = new IntersectionObserver(function (entries) {
    if (!entries[entries.length - 1].isIntersecting) {
      observer.disconnect();
      host.remove();
    }
  });
  observer.observe(host);
}

if (!scriptUrl) {
  warn("embed.js must be loaded with <script src=\".../embed.js?key=pk_...\">.");
} else if (!window.renderAdact || !window.renderAdact.adact) {
  var key = scriptUrl.searchParams.get("key") || "";
  // The server is wherever embed.js came from, even below a path prefix.
  var server = scriptUrl.origin + scriptUrl.pathname.replace(/\/embed\.js$/, "");
  var wasmUrl = new URL("embed/__ADACT_WASM__", scriptUrl).href;
  // The same wasm at a stable URL, which the snippet preloads beside
  // embed.js: used when the page preloads it and it is this build's.
  var stableUrl = server + "/embed.wasm";
  var queued = (window.renderAdact && window.renderAdact.q) || [];
  var ready = null;

  // The preloaded wasm, compiled, if it is this build's; else the URL of
  // this build's own.
  var module = function () {
    var links = document.querySelectorAll("link[rel=preload]");
    var preloaded = false;
    for (var i = 0; i < links.length; i++) preloaded = preloaded || links[i].href === stableUrl;
    if (!preloaded || typeof WebAssembly.compileStreaming !== "function") return Promise.resolve(wasmUrl);
    return WebAssembly.compileStreaming(fetch(stableUrl)).then(function (compiled) {
      var version = WebAssembly.Module.customSections(compiled, "adact")[0];
      return version && new TextDecoder().decode(version) === "__ADACT_VERSION__" ? compiled : wasmUrl;
    }, function () { return wasmUrl; });
  };

  var load = function () {
    if (!ready) {
      ready = module().then(function (wasm) {
        return wasm_bindgen({ module_or_path: wasm });
      }).then(
        function () { return true; },
        function (error) {
          warn("could not load " + wasmUrl + " (" + error + ").");
          return false;
        }
      );
    }
    return ready;
  };

  // Fills a host element with the reserved room and the skeleton.
  var prepare = function (host, none) {
    var root = host.shadowRoot || host.attachShadow({ mode: "open" });
    root.innerHTML = none ? "" : "<style>" + RESERVE + "</style>" + SKELETON;
    // The stub's own reservation gives way to the same one inside.
    host.removeAttribute("style");
    return host;
  };

  // The host element, where the wasm will look for it (the container, else
  // after the calling script, else the end of <body>), or the stub's; null
  // where there is none, which the wasm then explains. A segment remembered
  // as rendering nothing gets an empty one.
  var reserve = function (options, anchor, placed, none) {
    try {
      if (placed) return placed.isConnected ? prepare(placed, none) : null;
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
      var host = prepare(document.createElement("adact-campaign"), none);
      if (parent) parent.appendChild(host);
      else after.after(host);
      return host;
    } catch (error) {
      return null;
    }
  };

  // Sends the render request now, beside the wasm's download: [body sent,
  // Promise of the Response], or nulls when the call is not one to send.
  var prefetch = function (options, segment, host) {
    // No key, no segment, or a container that is not there: the wasm warns.
    if (!key || segment === undefined || !host) return [null, null];
    try {
      var body = requestBody(options);
      var abort = typeof AbortController === "function" ? new AbortController() : null;
      var timer = abort && setTimeout(function () { abort.abort(); }, RENDER_TIMEOUT);
      var answer = fetch(server + "/api/v1/embed/render?key=" + encodeURIComponent(key), {
        method: "POST",
        body: body,
        signal: abort && abort.signal,
      }).then(function (response) {
        clearTimeout(timer);
        if (response.ok) remember(segment, false);
        else {
          response.clone().json().then(function (answer) {
            if (NONE_CODES.indexOf(answer && answer.error && answer.error.code) >= 0) remember(segment, true);
          }, function () {});
        }
        return response;
      });
      // Handled by the wasm; this keeps an early failure from being reported
      // as unhandled in the meantime.
      answer.catch(function () {});
      return [body, answer];
    } catch (error) {
      return [null, null];
    }
  };

  var call = function (options, anchor, placed) {
    var segment = segmentOf(options);
    var none = segment !== undefined && remembered()[segment] > Date.now();
    var host = reserve(options, anchor, placed, none);
    var sent = prefetch(options, segment, host);
    return load().then(function (ok) {
      // A failed load was already reported once; later calls stay quiet.
      if (!ok) return null;
      if (!key) {
        warn("embed.js was loaded without its key: use embed.js?key=pk_...");
        return null;
      }
      return wasm_bindgen.render(options, anchor || null, server, key, host, sent[0], sent[1]);
    }).catch(function (error) {
      warn(String(error && error.message || error));
      return null;
    }).then(function (campaign) {
      if (!campaign && host) collapse(host);
      return campaign;
    });
  };

  var renderAdact = function (options) {
    // The inline <script> that is calling, if any: the campaign goes after it.
    var current = document.currentScript;
    var anchor = current && current !== script && !current.src ? current : null;
    return call(options, anchor, null);
  };
  renderAdact.adact = true;
  window.renderAdact = renderAdact;

  load();
  // Each queued call: its arguments, with the calling script (`s`) and the
  // host element (`h`) where the async snippet's stub recorded them.
  for (var i = 0; i < queued.length; i++) {
    var args = queued[i] || [];
    call(args[0], args.s || null, args.h || null);
  }
}

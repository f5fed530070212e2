// The Adact admin console: a small router over plain ES modules, one per
// page. No framework. `npm run build` bundles them with esbuild into
// www/dist/admin (one file, every page in it), which the server prefers; without it the server serves these
// files as they are. Every path under /admin/ gets index.html (deep links).
import { ApiError, api, handleUnauthorized, prefetchList, query, request, session } from "./api.js";
import { h, replace } from "./dom.js";
import * as campaignsPage from "./pages/campaigns.js";
import { busy, clearErrors, clearToasts, confirmDialog, field, formError, showError, toast } from "./ui.js";

const BASE = "/admin";

/**
 * The pages, by group, in the guide's words. A route with `within` is not in
 * the navigation: it lights up that page's entry instead. `:id` matches one
 * path segment, given to the page as `params.id`.
 */
const ROUTES = [
  // The first page: loaded with the shell, its lists asked for with the account.
  { path: "/campaigns", group: "Campaigns", label: "All campaigns", load: async () => campaignsPage,
    prefetch: ["/api/v1/campaigns", "/api/v1/segments"] },
  { path: "/campaigns/new", group: "Campaigns", label: "New campaign", load: () => import("./pages/campaign.js") },
  { path: "/campaigns/:id", within: "/campaigns", label: "Campaign", load: () => import("./pages/campaign.js") },
  { path: "/players", group: "Campaigns", label: "Players", load: () => import("./pages/player-list.js") },
  { path: "/webhooks", group: "Settings", label: "Webhooks", load: () => import("./pages/webhooks.js") },
  { path: "/segments", group: "Settings", label: "Segments", load: () => import("./pages/segments.js") },
  { path: "/webhooks/history", group: "Settings", label: "Webhooks History", load: () => import("./pages/history.js") },
  { path: "/integrations/embedding", group: "Integrations", label: "Embedding", load: () => import("./pages/embedding.js") },
  { path: "/integrations/players", group: "Integrations", label: "Players & limits", load: () => import("./pages/players.js") },
];
const HOME = "/campaigns";

const app = document.getElementById("app");
// The notices' live region lives across renders (a region made anew is not
// announced); the shell moves it above the page, sign-in back to the body.
const toasts = document.getElementById("toasts");
let account = null;
let shownPath = null; // the page the notices belong to
let current = null; // { route, path, page }
let rendered = null; // the path and query the page shows
let signInNotice = null;

// ---- navigation ---------------------------------------------------------------

export function navigate(to, { replace: replaceEntry = false } = {}) {
  const url = new URL(to, location.href);
  if (url.href !== location.href) history[replaceEntry ? "replaceState" : "pushState"](null, "", url);
  render();
}

/** Changes the query string of the current page without a new render. */
export function setQuery(params, { push = false } = {}) {
  const url = new URL(location.href);
  url.search = query(params);
  history[push ? "pushState" : "replaceState"](null, "", url);
  rendered = location.pathname + location.search;
}

// A jump to an anchor on the page (#preview) is no new page.
window.addEventListener("popstate", () => {
  if (location.pathname + location.search !== rendered) render();
});

// Links inside the console move without reloading; a page with unsaved
// changes asks first.
document.addEventListener("click", async (event) => {
  const link = event.target.closest?.("a[href]");
  if (!link || link.target || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const url = new URL(link.href);
  if (url.origin !== location.origin || !url.pathname.startsWith(`${BASE}/`)) return;
  if (url.hash && url.pathname + url.search === location.pathname + location.search) return;
  event.preventDefault();
  if (url.pathname !== location.pathname && current?.page?.unsaved?.()) {
    const leave = await confirmDialog({
      title: "Leave without saving?",
      message: "The changes on this page are not saved yet. If you leave now, they are lost.",
      confirm: "Leave page", danger: true,
    });
    if (!leave) return;
  }
  navigate(url.href);
});

handleUnauthorized(() => signOut("Your session has ended: the admin token was refused. Sign in again."));

function signOut(notice = null) {
  session.clear();
  account = null;
  signInNotice = notice;
  current?.page?.destroy?.();
  current = null;
  const next = location.pathname.startsWith(`${BASE}/signin`) ? "" : `?next=${encodeURIComponent(location.pathname + location.search)}`;
  navigate(`${BASE}/signin${next}`, { replace: true });
}

/** The route for a path and its parameters, or null. */
function routeFor(pathname) {
  const parts = (pathname.replace(/\/+$/, "").slice(BASE.length) || "/").split("/");
  for (const route of ROUTES) {
    const pattern = route.path.split("/");
    if (pattern.length !== parts.length) continue;
    const params = {};
    const matches = pattern.every((p, i) => {
      if (p.startsWith(":")) {
        params[p.slice(1)] = decodeURIComponent(parts[i]);
        return parts[i] !== "";
      }
      return p === parts[i];
    });
    if (matches) return { route, params };
  }
  return null;
}

// ---- rendering ----------------------------------------------------------------

async function render() {
  rendered = location.pathname + location.search;
  // Notices belong to the page that raised them: another page starts clean.
  if (location.pathname !== shownPath) {
    shownPath = location.pathname;
    clearToasts();
  }
  const path = location.pathname.replace(/\/+$/, "");
  if (!session.token) {
    if (path !== `${BASE}/signin`) {
      const next = path === BASE || path === "" ? "" : `?next=${encodeURIComponent(location.pathname + location.search)}`;
      history.replaceState(null, "", `${BASE}/signin${next}`);
    }
    return renderSignIn();
  }
  if (path === `${BASE}/signin` || path === BASE) return navigate(`${BASE}${HOME}`, { replace: true });
  if (!account) {
    // The page's data, asked for beside the account rather than after it.
    routeFor(location.pathname)?.route.prefetch?.forEach(prefetchList);
    try {
      account = await api.get("/api/v1/account");
    } catch (error) {
      if (error.status !== 401) renderFatal(error);
      return;
    }
  }
  const found = routeFor(location.pathname);
  const route = found?.route ?? null;
  const at = location.pathname;
  if (current && current.route === route && current.path === at && current.page.update) {
    current.page.update(new URL(location.href));
    return;
  }
  current?.page?.destroy?.();
  current = null;
  const shell = renderShell(route);
  const main = shell.querySelector("main");
  if (!route) {
    replace(main, h("h1", { tabindex: "-1" }, "Page not found"),
      h("p", null, "There is no page at this address. ", h("a", { href: `${BASE}${HOME}` }, "Go to your campaigns"), "."));
    document.title = "Not found · Adact console";
    main.querySelector("h1").focus();
    return;
  }
  let page;
  try {
    const module = await route.load();
    page = await module.render({ account, url: new URL(location.href), params: found.params, navigate, setQuery });
  } catch (error) {
    if (error.status === 401 || !session.token) return; // already back at sign-in
    replace(main, h("h1", { tabindex: "-1" }, route.label),
      h("div", { class: "alert alert-danger", role: "alert" }, `This page could not load: ${error.message}`),
      h("button", { type: "button", class: "btn", onclick: () => render() }, "Try again"));
    return;
  }
  if (location.pathname !== at) return page.destroy?.(); // moved on meanwhile
  current = { route, path: at, page };
  replace(main, page.node);
  document.title = `${page.title ?? route.label} · Adact console`;
  const heading = main.querySelector("h1");
  heading?.setAttribute("tabindex", "-1");
  heading?.focus({ preventScroll: true });
}

function renderShell(route) {
  const groups = [...new Set(ROUTES.filter((r) => r.group).map((r) => r.group))];
  // The page itself is "page"; the list a detail page belongs to is "true".
  const currentness = (r) => (r === route ? "page" : r.path === route?.within ? "true" : false);
  const signOutButton = () => h("button", { type: "button", class: "btn btn-small", onclick: () => signOut() }, "Sign out");
  // On a phone the navigation is a menu under the top bar, with the account.
  const menuButton = h("button", {
    type: "button", class: "btn btn-small menu-button", "aria-expanded": "false", "aria-controls": "console-nav",
  }, h("span", { class: "menu-icon", "aria-hidden": "true" }), "Menu");
  const nav = h("nav", { class: "sidebar", id: "console-nav", "aria-label": "Console" },
    groups.map((group) => h("div", { class: "nav-group" },
      h("p", { class: "nav-group-title", id: `nav-${group.toLowerCase()}` }, group),
      h("ul", { "aria-labelledby": `nav-${group.toLowerCase()}` }, ROUTES.filter((r) => r.group === group).map((r) =>
        h("li", null, h("a", { href: `${BASE}${r.path}`, "aria-current": currentness(r) }, r.label)))))),
    h("div", { class: "nav-account" },
      h("p", { class: "nav-group-title" }, "Account"),
      h("p", { class: "nav-account-name" }, account.name),
      signOutButton()));
  const setMenu = (open) => {
    menuButton.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("open", open);
  };
  menuButton.addEventListener("click", () => setMenu(menuButton.getAttribute("aria-expanded") !== "true"));
  nav.addEventListener("click", (event) => {
    if (event.target.closest("a")) setMenu(false);
  });
  const closeOnEscape = (event) => {
    if (event.key === "Escape" && nav.classList.contains("open")) {
      setMenu(false);
      menuButton.focus();
    }
  };
  nav.addEventListener("keydown", closeOnEscape);
  menuButton.addEventListener("keydown", closeOnEscape);
  // The notices sit in the header, under the top bar: in the page's flow and
  // in view while it scrolls, so they never cover a button.
  toasts.className = "toasts";
  const header = h("header", { class: "masthead" },
    h("div", { class: "topbar" },
      h("a", { class: "brand", href: `${BASE}${HOME}` }, h("span", { class: "brand-mark", "aria-hidden": "true" }, "A"), "Adact", h("span", { class: "brand-sub" }, "console")),
      h("div", { class: "account" },
        h("span", { class: "account-label" }, "Account"),
        h("span", { class: "account-name" }, account.name),
        signOutButton()),
      menuButton),
    toasts);
  const main = h("main", { id: "main", class: "content", tabindex: "-1" });
  main.addEventListener("pointerdown", () => setMenu(false)); // a tap on the page closes the menu
  replace(app, header, h("div", { class: "layout" }, nav, main));
  app.className = "app";
  mastheadHeight.disconnect();
  mastheadHeight.observe(header);
  return app;
}

// The sidebar and the phone menu start below the header, however tall its
// notices make it.
const mastheadHeight = new ResizeObserver(([entry]) => {
  const height = Math.round(entry.target.getBoundingClientRect().height);
  document.documentElement.style.setProperty("--masthead", `${height}px`);
});

function renderFatal(error) {
  document.body.append(toasts);
  replace(app, h("main", { id: "main", class: "boot", tabindex: "-1" },
    h("h1", null, "The console cannot start"),
    h("p", null, error.message),
    h("button", { type: "button", class: "btn btn-primary", onclick: () => render() }, "Try again")));
}

function renderSignIn() {
  current?.page?.destroy?.();
  current = null;
  document.title = "Sign in · Adact console";
  const input = h("input", { type: "password", name: "token", autocomplete: "off", spellcheck: "false", required: true, placeholder: "adm_…" });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block" }, "Sign in");
  const notice = signInNotice;
  signInNotice = null;
  const form = h("form", { class: "signin-form", novalidate: true },
    formError(),
    field({ name: "token", label: "Admin token", input, hint: "The adm_… token printed when the server first started, or by adact-server account create." }),
    submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const token = input.value.trim();
    if (!token) return showError(form, { field: "token", message: "Paste your admin token." });
    await busy(submit, async () => {
      try {
        account = await request("GET", "/api/v1/account", undefined, { token });
      } catch (error) {
        const message = error instanceof ApiError && error.status === 401
          ? "This admin token is not valid. Check that you copied all of it."
          : error.message;
        return showError(form, { field: "token", message });
      }
      session.set(token);
      const next = new URLSearchParams(location.search).get("next");
      navigate(next && next.startsWith(`${BASE}/`) && !next.startsWith(`${BASE}/signin`) ? next : `${BASE}${HOME}`, { replace: true });
      toast(`Signed in to ${account.name}.`); // on the page signed in to
    });
  });
  app.className = "app app-signin";
  toasts.className = "toasts toasts-floating";
  document.body.append(toasts);
  replace(app, h("main", { id: "main", class: "signin", tabindex: "-1" },
    h("div", { class: "signin-card" },
      h("p", { class: "brand brand-large" }, h("span", { class: "brand-mark", "aria-hidden": "true" }, "A"), "Adact"),
      h("h1", null, "Sign in to the console"),
      notice && h("p", { class: "notice", role: "alert" }, notice),
      form)));
  input.focus();
}

render();

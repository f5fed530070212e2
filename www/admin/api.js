// The admin API client. Every call sends the admin token kept in
// sessionStorage; a 401 ends the session and returns to sign-in.

const TOKEN_KEY = "adact.adminToken";

export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message || `The server answered ${status}.`);
    this.status = status;
    this.code = error?.code || "http_error";
    this.field = error?.field || null;
    // A form's several bad fields, each {field, message}; else the one above.
    this.fields = error?.fields ?? (this.field ? [{ field: this.field, message: this.message }] : []);
  }
}

export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set(token) {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
  },
};

// The ETag each resource was answered with, by the object the answer became.
const etags = new WeakMap();

/**
 * The `ETag` the server answered `resource` with (a campaign, segment,
 * endpoint or the webhook settings, read or saved), or undefined (a list's
 * items have none). Send it back as `ifMatch`: an edit of a resource that
 * someone else saved since is then refused with 412 `precondition_failed`
 * instead of overwriting their change. Keep the object the API returned
 * (change it in place rather than copy it) to keep its tag.
 */
export const etagOf = (resource) => (resource !== null && typeof resource === "object" ? etags.get(resource) : undefined);

let onUnauthorized = () => {};
/** What to do when the server refuses the token (set by the app). */
export function handleUnauthorized(fn) {
  onUnauthorized = fn;
}

/**
 * request("POST", "/api/v1/webhooks/test", {}) → the parsed JSON body.
 * Throws ApiError with the server's code, message and field.
 * `token` overrides the session's (sign-in checks a token before keeping it);
 * `ifMatch` is sent as `If-Match` when given (see etagOf).
 */
export async function request(method, path, body, { token, ifMatch } = {}) {
  const early = method === "GET" && token === undefined ? takeAhead(path) : null;
  if (early) return early;
  const headers = { Authorization: `Bearer ${token ?? session.token ?? ""}`, Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (ifMatch) headers["If-Match"] = ifMatch;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, { code: "network_error", message: "The server cannot be reached. Check your connection and try again." });
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (response.ok) {
    const etag = response.headers.get("ETag");
    if (etag && json !== null && typeof json === "object") etags.set(json, etag);
    return json;
  }
  const error = new ApiError(response.status, json?.error);
  if (response.status === 401 && token === undefined) onUnauthorized(error);
  throw error;
}

export const api = {
  get: (path) => request("GET", path),
  post: (path, body = {}) => request("POST", path, body),
  put: (path, body, options) => request("PUT", path, body, options),
  patch: (path, body, options) => request("PATCH", path, body, options),
  delete: (path, options) => request("DELETE", path, undefined, options),
};

// GETs sent ahead, while the page's code and the account load, so that a
// page's first data costs no round trip of its own: the first request for
// the same path within AHEAD_MS takes the answer.
const ahead = new Map();
const AHEAD_MS = 10_000;

function takeAhead(path) {
  const found = ahead.get(path);
  ahead.delete(path);
  return found && Date.now() - found.at < AHEAD_MS ? found.answer : null;
}

/** Asks now for the first page of the list `path` (as listAll will). */
export function prefetchList(path) {
  const url = `${path}${query({ limit: 200 })}`;
  if (ahead.has(url)) return;
  const answer = request("GET", url);
  answer.catch(() => {}); // the page that takes it handles its failure
  ahead.set(url, { answer, at: Date.now() });
}

/**
 * A list of the API (`{data, next_cursor}`), read page by page: the one way
 * the console pages. `rows` and `next` are what to show.
 * - `load(filters)` starts over; an answer that a newer `load` overtook is
 *   dropped (it resolves false), so a quick search shows its own results.
 * - `more()` adds the next page, without repeating a row already shown.
 * - `refresh()` reads the first page again: new rows on top, shown rows
 *   updated; it starts over when a whole page is new (it may hide a gap).
 * - `drop(id)` forgets a row (erased).
 */
export function pager(path, limit) {
  let filters = {};
  let generation = 0;
  const read = (after) => request("GET", `${path}${query({ ...filters, after, limit })}`);
  const list = {
    rows: [],
    next: null,
    async load(newFilters = {}) {
      filters = newFilters;
      const mine = ++generation;
      let page;
      try {
        page = await read(null);
      } catch (error) {
        if (mine !== generation) return false;
        list.rows = [];
        list.next = null;
        throw error;
      }
      if (mine !== generation) return false;
      list.rows = page.data;
      list.next = page.next_cursor;
      return true;
    },
    async more() {
      const mine = generation;
      const page = await read(list.next);
      if (mine !== generation) return false;
      const shown = new Set(list.rows.map((r) => r.id));
      list.rows = list.rows.concat(page.data.filter((r) => !shown.has(r.id)));
      list.next = page.next_cursor;
      return true;
    },
    async refresh() {
      const mine = generation;
      const page = await read(null);
      if (mine !== generation) return false;
      const latest = new Map(page.data.map((r) => [r.id, r]));
      const shown = new Set(list.rows.map((r) => r.id));
      const fresh = page.data.filter((r) => !shown.has(r.id));
      if (list.rows.length === 0 || (fresh.length === page.data.length && page.next_cursor)) {
        list.rows = page.data;
        list.next = page.next_cursor;
      } else {
        list.rows = fresh.concat(list.rows.map((r) => latest.get(r.id) ?? r));
      }
      return true;
    },
    drop(id) {
      list.rows = list.rows.filter((r) => r.id !== id);
    },
  };
  return list;
}

/** Every item of a list of the API, page after page. */
export async function listAll(path) {
  const list = pager(path, 200);
  await list.load();
  while (list.next) await list.more();
  return list.rows;
}

/** A query string from an object, skipping empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

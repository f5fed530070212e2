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

let onUnauthorized = () => {};
/** What to do when the server refuses the token (set by the app). */
export function handleUnauthorized(fn) {
  onUnauthorized = fn;
}

/**
 * request("POST", "/api/v1/webhooks/test", {}) → the parsed JSON body.
 * Throws ApiError with the server's code, message and field.
 * `token` overrides the session's (sign-in checks a token before keeping it).
 */
export async function request(method, path, body, { token } = {}) {
  const headers = { Authorization: `Bearer ${token ?? session.token ?? ""}`, Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
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
  if (response.ok) return json;
  const error = new ApiError(response.status, json?.error);
  if (response.status === 401 && token === undefined) onUnauthorized(error);
  throw error;
}

export const api = {
  get: (path) => request("GET", path),
  post: (path, body = {}) => request("POST", path, body),
  put: (path, body) => request("PUT", path, body),
  patch: (path, body) => request("PATCH", path, body),
  delete: (path) => request("DELETE", path),
};

/** Every item of a paginated list (`{data, next_cursor}`), page after page. */
export async function listAll(path) {
  const items = [];
  let after = null;
  do {
    const page = await request("GET", `${path}${query({ limit: 200, after })}`);
    items.push(...page.data);
    after = page.next_cursor;
  } while (after);
  return items;
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

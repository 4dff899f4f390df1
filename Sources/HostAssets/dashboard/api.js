// The dashboard's JSON API (docs/dashboard-api.md). Every failure becomes an ApiError carrying the server's own
// message (it names the bad parameter); a 401 is also reported once to `onUnauthorized`, which shows the banner.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

let unauthorizedHandler = () => {};
let refused = false;

/** True after a 401 until a request succeeds again: polling pauses instead of hammering the server. */
export const denied = () => refused;

/** Called with the server's message whenever a request is refused for lack of the admin token. */
export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

/** GET `path` with `params` (empty values left out) → parsed JSON. */
export async function get(path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") query.set(key, String(value));
  }
  const url = query.toString() ? `${path}?${query}` : path;
  return parse(await send(url, { headers: { accept: "application/json" } }));
}

/** POST `body` as JSON → parsed JSON. */
export async function post(path, body) {
  return parse(await send(path, {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/json" },
    body: JSON.stringify(body),
  }));
}

async function send(url, options) {
  try {
    // The cookie set by `?token=` goes along by itself (same origin).
    return await fetch(url, { credentials: "same-origin", cache: "no-store", ...options });
  } catch (error) {
    throw new ApiError(0, `The gateway did not answer (${error.message}). Is lessllm still running?`);
  }
}

async function parse(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON: reported below with the status alone.
  }
  if (!response.ok) {
    const message = body?.error?.message || `HTTP ${response.status} ${response.statusText}`;
    if (response.status === 401) {
      refused = true;
      unauthorizedHandler(message);
    }
    throw new ApiError(response.status, message);
  }
  refused = false;
  return body;
}

// The dashboard's only way to the server: the JSON API (same origin, session cookie).

export class ApiError extends Error {
  constructor(status, code, message, issues = []) {
    super(message);
    this.status = status;
    this.code = code;
    /** [{ field, message }]: one sentence per field ("lateGraceMinutes", "workingHours.end"; "" for the request) */
    this.issues = issues;
  }

  /** { "lateGraceMinutes": "Grace minutes must be …", "workingHours.end": "…" }, and "" for what names no field. */
  fieldErrors() {
    const errors = {};
    const issues = this.issues.length > 0 ? this.issues : [{ field: "", message: this.message }];
    for (const { field, message } of issues) errors[field] = errors[field] ? `${errors[field]} ${message}` : message;
    return errors;
  }
}

async function request(method, path, body) {
  let response;
  try {
    response = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: { accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "offline", "Could not reach Makegood. Check your connection, then try again.");
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let payload = null;
  try {
    payload = text ? JSON.parse(text) : null;
  } catch {
    payload = null;
  }
  if (!response.ok) {
    const error = payload && payload.error;
    const issues = error && Array.isArray(error.issues) ? error.issues : error && error.field ? [{ field: error.field, message: error.message }] : [];
    throw new ApiError(response.status, error ? error.code : "http_" + response.status, error ? error.message : `The server answered ${response.status}. Try again in a moment.`, issues);
  }
  return payload;
}

export const api = {
  get: (path) => request("GET", path),
  post: (path, body = {}) => request("POST", path, body),
  put: (path, body) => request("PUT", path, body),
  del: (path, body) => request("DELETE", path, body),
  /** POST without a body (sign-out answers 204) */
  postEmpty: (path) => request("POST", path),
  /** DELETE without a body (disconnecting answers 204) */
  delete: (path) => request("DELETE", path),
};

// The dashboard's only way to the server: the JSON API (same origin, session cookie).

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  /**
   * Validation messages name their field ("body/lateGraceMinutes: Too big…; body/workingHours/end: …"):
   * returns { "lateGraceMinutes": "Too big…", "workingHours.end": "…" }, and "" for what names no field.
   */
  fieldErrors() {
    const errors = {};
    for (const part of this.message.split("; ")) {
      const match = /^body\/([\w/]+): (.*)$/.exec(part);
      const key = match ? match[1].replace(/\/\d+$/, "").replaceAll("/", ".") : "";
      const text = match ? match[2] : part;
      errors[key] = errors[key] ? `${errors[key]}; ${text}` : text;
    }
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
    throw new ApiError(response.status, error ? error.code : "http_" + response.status, error ? error.message : `The server answered ${response.status}. Try again in a moment.`);
  }
  return payload;
}

export const api = {
  get: (path) => request("GET", path),
  post: (path, body = {}) => request("POST", path, body),
  put: (path, body) => request("PUT", path, body),
  /** POST without a body (sign-out answers 204) */
  postEmpty: (path) => request("POST", path),
};

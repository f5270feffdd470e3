// Which sign-ins this server offers (GET /auth/providers), asked once per page load.
import { useEffect, useState } from "preact/hooks";
import { api } from "./api.js";

/** Without the route (an older server), offer both providers and no sandbox. */
export const FALLBACK_PROVIDERS = { google: true, microsoft: true, sandbox: false };

let asked;
function ask() {
  asked ??= api.get("/auth/providers").then(
    (providers) => ({ providers, problem: null }),
    (error) => ({ providers: FALLBACK_PROVIDERS, problem: error.status === 404 ? null : error.message }),
  );
  return asked;
}

/** `{ providers, problem }`, or undefined while asking. */
export function useProviders() {
  const [answer, setAnswer] = useState(undefined);
  useEffect(() => {
    let live = true;
    ask().then((value) => live && setAnswer(value));
    return () => {
      live = false;
    };
  }, []);
  return answer;
}

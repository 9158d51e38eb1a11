// A history-API router for three pages: the path is state, links push it, back/forward pop it.
// The server answers index.html for these paths, so a hard reload lands on the same page.

import { useSyncExternalStore } from "react";

const CHANGE = "gasometer:navigate";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("popstate", onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener("popstate", onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

export function usePath(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

export function navigate(path: string): void {
  if (path === window.location.pathname + window.location.search) return;
  window.history.pushState(null, "", path);
  window.dispatchEvent(new Event(CHANGE));
}

/** The session id in "/sessions/<id>", decoded; null on the list page or a malformed address. */
export function sessionFromPath(path: string): string | null {
  const prefix = "/sessions/";
  if (!path.startsWith(prefix) || path.length === prefix.length) return null;
  try {
    return decodeURIComponent(path.slice(prefix.length));
  } catch {
    return null;
  }
}

export function sessionPath(sessionId: string): string {
  return `/sessions/${encodeURIComponent(sessionId)}`;
}

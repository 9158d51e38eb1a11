import { useEffect, useRef, useState } from "react";
import { useLiveFeed } from "./liveFeed";

/**
 * A token that changes shortly after live events arrive, so totals refresh at once instead of
 * waiting for their interval. A steady stream of events costs one refresh per `delayMs`.
 */
export function useLiveRefresh(delayMs = 500): number {
  const { received } = useLiveFeed();
  const [token, setToken] = useState(0);
  const pending = useRef<number | undefined>(undefined);
  const seen = useRef(received);
  useEffect(() => {
    if (received === seen.current || pending.current !== undefined) return;
    pending.current = window.setTimeout(() => {
      pending.current = undefined;
      seen.current = received;
      setToken((t) => t + 1);
    }, delayMs);
  }, [received, delayMs]);
  useEffect(() => () => window.clearTimeout(pending.current), []);
  return token;
}

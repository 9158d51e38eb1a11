import type { AnchorHTMLAttributes, MouseEvent } from "react";
import { navigate, usePath } from "../../lib/router";

const LINKS = [
  { href: "/", label: "Dashboard" },
  { href: "/sessions", label: "Sessions" },
  { href: "/live", label: "Live" },
];

export function isActive(href: string, path: string): boolean {
  return href === "/" ? path === "/" : path === href || path.startsWith(href + "/");
}

/** An in-app link: a plain <a> (so open-in-new-tab works) whose ordinary click stays in the app. */
export function Link({ href, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a {...rest} href={href} onClick={onClick} />;
}

export function Nav() {
  const path = usePath();
  return (
    <nav className="border-b border-gray-800 bg-gray-900/80">
      <div className="mx-auto flex max-w-7xl items-center gap-6 px-4 py-3">
        <span className="flex items-center gap-2 font-semibold tracking-wide text-amber-400">
          <svg viewBox="0 0 16 16" className="h-4 w-4" aria-hidden="true">
            <path d="M2 12a6 6 0 1 1 12 0" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
            <path d="M8 12 11 6.5" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
          </svg>
          Gasometer
        </span>
        <div className="flex gap-1">
          {LINKS.map((link) => {
            const active = isActive(link.href, path);
            return (
              <Link
                key={link.href}
                href={link.href}
                aria-current={active ? "page" : undefined}
                className={`rounded-md px-3 py-1.5 text-sm transition-colors ${
                  active ? "bg-gray-800 text-white" : "text-gray-400 hover:bg-gray-800/60 hover:text-gray-200"
                }`}
              >
                {link.label}
              </Link>
            );
          })}
        </div>
      </div>
    </nav>
  );
}

import { usePath } from "./lib/router";
import { LiveFeedProvider } from "./hooks/liveFeed";
import { ViewProvider } from "./hooks/view";
import { Link, Nav } from "./components/ui/Nav";
import { DashboardPage } from "./pages/DashboardPage";
import { LivePage } from "./pages/LivePage";
import { SessionsPage } from "./pages/SessionsPage";

function Page() {
  const path = usePath();
  if (path === "/") return <DashboardPage />;
  if (path === "/sessions" || path.startsWith("/sessions/")) return <SessionsPage />;
  if (path === "/live") return <LivePage />;
  return (
    <div className="py-16 text-center">
      <h1 className="text-2xl font-semibold text-white">Page not found</h1>
      <p className="mt-2 text-gray-400"><Link href="/" className="text-amber-400 hover:underline">Back to the dashboard</Link></p>
    </div>
  );
}

export function App() {
  return (
    <ViewProvider>
      <LiveFeedProvider>
        <div className="min-h-screen bg-gray-950 text-gray-100">
          <Nav />
          <main className="mx-auto max-w-7xl px-4 py-6">
            <Page />
          </main>
        </div>
      </LiveFeedProvider>
    </ViewProvider>
  );
}

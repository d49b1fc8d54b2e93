import type { Metadata } from "next";
import type { ReactNode } from "react";
import { NuqsAdapter } from "nuqs/adapters/next/app";
import { HeaderNav } from "../components/header-nav";
import { currentPrincipal } from "../server/page-context";
import { services } from "../server/services";
import "./globals.css";
import "./media.css";

export const metadata: Metadata = { title: "seqlab", description: "Train sequence models and watch them learn" };
export const dynamic = "force-dynamic";

export default async function RootLayout({ children }: { children: ReactNode }) {
  const principal = await currentPrincipal();
  const teams = principal.kind === "user" ? await services().teams.teamsOf(principal.userId) : [];
  return (
    <html lang="en">
      <body>
        <header className="top">
          <a className="brand" href="/">
            seqlab
          </a>
          {principal.kind === "user" && (
            <HeaderNav
              user={{ name: principal.name, email: principal.email, isInstanceAdmin: principal.isInstanceAdmin }}
              teams={teams.map((t) => ({ slug: t.slug, name: t.name, role: t.role }))}
            />
          )}
        </header>
        <main>
          <NuqsAdapter>{children}</NuqsAdapter>
        </main>
      </body>
    </html>
  );
}

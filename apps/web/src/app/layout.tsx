import type { Metadata } from "next";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = { title: "seqlab", description: "Train sequence models and watch them learn" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="top">
          <a className="brand" href="/">
            seqlab
          </a>
          <a href="/">Runs</a>
          <a href="/runs/new">Launch a run</a>
          <a href="/workers">Workers</a>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}

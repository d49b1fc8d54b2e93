import { redirect } from "next/navigation";
import { SignInForm } from "../../components/account-forms";
import { currentPrincipal } from "../../server/page-context";
import { services } from "../../server/services";

export const dynamic = "force-dynamic";

/** Only same-site paths are followed after sign-in (never an absolute URL: that would be an open redirect). */
function safeNext(next: string | undefined): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const next = safeNext((await searchParams).next);
  if ((await services().teams.countUsers()) === 0) redirect("/setup");
  if ((await currentPrincipal()).kind === "user") redirect(next);
  return (
    <div className="narrow">
      <h1>Sign in</h1>
      <SignInForm next={next} />
      <p className="muted">No account? Ask an admin of your team for an invitation link.</p>
    </div>
  );
}

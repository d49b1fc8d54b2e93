import { redirect } from "next/navigation";
import { requireSignedIn } from "../server/page-context";
import { services } from "../server/services";

export const dynamic = "force-dynamic";

/** The front door: the first-run page, sign-in, or the caller's first team. */
export default async function Home() {
  const principal = await requireSignedIn("/");
  const [first] = await services().teams.teamsOf(principal.userId);
  if (!first) {
    return (
      <div className="narrow panel">
        <h1>No team yet</h1>
        <p>You are not in any team. Ask an admin of a team for an invitation link.</p>
      </div>
    );
  }
  redirect(`/t/${first.slug}`);
}

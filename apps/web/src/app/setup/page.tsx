import { redirect } from "next/navigation";
import { SetupForm } from "../../components/account-forms";
import { services } from "../../server/services";

export const dynamic = "force-dynamic";

/** First run: the instance asks for its first account, which will operate it and own the first team. */
export default async function SetupPage() {
  if ((await services().teams.countUsers()) > 0) redirect("/sign-in");
  return (
    <div className="narrow">
      <h1>Welcome to seqlab</h1>
      <p className="muted">
        Create the first account. It operates this instance and owns its first team; runs launched before accounts
        existed move into that team. Everyone else joins by invitation.
      </p>
      <SetupForm />
    </div>
  );
}

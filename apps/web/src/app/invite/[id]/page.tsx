import { EntityId } from "@seqlab/contracts";
import { notFound } from "next/navigation";
import { AcceptInvitation, InvitationSignUp } from "../../../components/account-forms";
import { currentPrincipal } from "../../../server/page-context";
import { services } from "../../../server/services";

export const dynamic = "force-dynamic";

/** An invitation link: sign up (new address), accept (signed in as the invited address), or a clear refusal. */
export default async function InvitePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!EntityId.safeParse(id).success) notFound();
  const invitation = await services().teams.findInvitation(id);
  if (!invitation) notFound();
  const view = {
    id,
    teamName: invitation.teamName,
    teamSlug: invitation.teamSlug,
    email: invitation.email,
    role: invitation.role,
    inviterName: invitation.inviterName,
  };
  const usable = invitation.status === "pending" && Date.parse(invitation.expiresAt) > Date.now();
  const principal = await currentPrincipal();
  return (
    <div className="narrow">
      <h1>Join {invitation.teamName}</h1>
      <p className="muted">
        {invitation.inviterName} invited {invitation.email} to {invitation.teamName} as{" "}
        <strong>{invitation.role}</strong>.
      </p>
      {!usable ? (
        <div className="error-box">
          This invitation is {invitation.status === "pending" ? "expired" : invitation.status}: ask for a new link.
        </div>
      ) : principal.kind === "user" ? (
        principal.email.toLowerCase() === invitation.email.toLowerCase() ? (
          <AcceptInvitation invitation={view} />
        ) : (
          <div className="error-box">
            You are signed in as {principal.email}; this invitation is for {invitation.email}. Sign out first.
          </div>
        )
      ) : (
        <>
          <InvitationSignUp invitation={view} />
          <p className="muted">
            Already have an account for {invitation.email}? <a href={`/sign-in?next=/invite/${id}`}>Sign in</a> and come
            back.
          </p>
        </>
      )}
    </div>
  );
}

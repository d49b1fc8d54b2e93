import { env } from "../env";
import { createFirstAccount } from "./first-account";
import { services } from "./services";

/** Creates the first account from SEQLAB_ADMIN_EMAIL / SEQLAB_ADMIN_PASSWORD when there is none yet. */
export async function ensureHeadlessAdmin(): Promise<void> {
  const { SEQLAB_ADMIN_EMAIL: email, SEQLAB_ADMIN_PASSWORD: password } = env();
  if (!email || !password) return;
  try {
    const created = await createFirstAccount(services(), {
      name: email.split("@")[0] ?? "admin",
      email,
      password,
      teamName: "Default team",
    });
    if (created) console.log(`seqlab web: created the first account ${email} (owner of team ${created.team.slug})`);
  } catch (error) {
    console.error(`seqlab web: could not create the first account ${email}:`, error);
  }
}

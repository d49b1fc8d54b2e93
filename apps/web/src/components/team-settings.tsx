"use client";

import { useState } from "react";
import { api } from "./api-client";

const ROLES = ["owner", "admin", "member", "viewer"] as const;

/** One line of feedback under a form: the server's error, or what just happened. */
function Note({ note }: { note: { error: boolean; text: string } | null }) {
  if (!note) return null;
  return <div className={note.error ? "error-box" : "muted"}>{note.text}</div>;
}

/** Creates a project (admins). */
export function ProjectCreate({ team }: { team: string }) {
  const [name, setName] = useState("");
  const [note, setNote] = useState<{ error: boolean; text: string } | null>(null);
  const create = async () => {
    const answer = await api<{ project: { slug: string } }>("POST", `/api/teams/${team}/projects`, { name });
    if (answer.ok) window.location.href = `/t/${team}/p/${answer.body.project.slug}`;
    else
      setNote({
        error: true,
        text: answer.body.issues?.map((i) => `${i.path}: ${i.message}`).join("; ") ?? answer.body.error ?? "",
      });
  };
  return (
    <div>
      <div className="inline-form">
        <label>
          New project
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. Handwriting"
            data-testid="project-name"
          />
        </label>
        <button onClick={() => void create()} disabled={!name.trim()} data-testid="create-project">
          Create project
        </button>
      </div>
      <Note note={note} />
    </div>
  );
}

export interface MemberRow {
  id: string;
  userId: string;
  name: string;
  email: string;
  role: string;
}

/** The members table; admins change roles and remove members (owner changes are the owners' to make). */
export function Members({
  team,
  members,
  manage,
  own,
  me,
}: {
  team: string;
  members: MemberRow[];
  manage: boolean;
  own: boolean;
  me: string;
}) {
  const [rows, setRows] = useState(members);
  const [note, setNote] = useState<{ error: boolean; text: string } | null>(null);
  const setRole = async (member: MemberRow, role: string) => {
    const answer = await api("PATCH", `/api/teams/${team}/members/${member.id}`, { role });
    if (answer.ok) {
      setRows((r) => r.map((m) => (m.id === member.id ? { ...m, role } : m)));
      setNote({ error: false, text: `${member.name} is now ${role}` });
    } else setNote({ error: true, text: answer.body.error ?? `HTTP ${answer.status}` });
  };
  const remove = async (member: MemberRow) => {
    if (!window.confirm(`Remove ${member.name} from the team?`)) return;
    const answer = await api("DELETE", `/api/teams/${team}/members/${member.id}`);
    if (answer.ok) setRows((r) => r.filter((m) => m.id !== member.id));
    else setNote({ error: true, text: answer.body.error ?? `HTTP ${answer.status}` });
  };
  return (
    <>
      <table className="grid" data-testid="members">
        <thead>
          <tr>
            <th>Name</th>
            <th>Email</th>
            <th>Role</th>
            {manage && <th />}
          </tr>
        </thead>
        <tbody>
          {rows.map((m) => {
            const editable = manage && (own || m.role !== "owner");
            return (
              <tr key={m.id} data-member-email={m.email}>
                <td>
                  {m.name}
                  {m.userId === me ? " (you)" : ""}
                </td>
                <td>{m.email}</td>
                <td>
                  {editable ? (
                    <select
                      value={m.role}
                      onChange={(e) => void setRole(m, e.target.value)}
                      aria-label={`Role of ${m.name}`}
                      data-testid="member-role"
                    >
                      {ROLES.filter((r) => own || r !== "owner").map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  ) : (
                    m.role
                  )}
                </td>
                {manage && (
                  <td>
                    {editable && m.userId !== me && (
                      <button className="secondary" onClick={() => void remove(m)}>
                        Remove
                      </button>
                    )}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      <Note note={note} />
    </>
  );
}

export interface InvitationRow {
  id: string;
  email: string;
  role: string;
  link: string;
  expiresAt: string;
}

/** Pending invitations and a form for a new one; the link is copied and handed over (no mail server). */
export function Invitations({ team, invitations, own }: { team: string; invitations: InvitationRow[]; own: boolean }) {
  const [rows, setRows] = useState(invitations);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState("member");
  const [note, setNote] = useState<{ error: boolean; text: string } | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const invite = async () => {
    const answer = await api<{ invitation: InvitationRow }>("POST", `/api/teams/${team}/invitations`, { email, role });
    if (answer.ok) {
      setRows((r) => [{ ...answer.body.invitation, expiresAt: "" }, ...r.filter((i) => i.email !== email)]);
      setCreated(answer.body.invitation.link);
      setEmail("");
      setNote(null);
    } else
      setNote({ error: true, text: answer.body.issues?.map((i) => i.message).join("; ") ?? answer.body.error ?? "" });
  };
  const cancel = async (id: string) => {
    const answer = await api("DELETE", `/api/teams/${team}/invitations/${id}`);
    if (answer.ok) setRows((r) => r.filter((i) => i.id !== id));
    else setNote({ error: true, text: answer.body.error ?? "" });
  };
  return (
    <>
      <div className="inline-form">
        <label>
          Email
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} data-testid="invite-email" />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value)} data-testid="invite-role">
            {ROLES.filter((r) => own || r !== "owner").map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <button onClick={() => void invite()} disabled={!email} data-testid="invite">
          Create invitation
        </button>
      </div>
      {created && (
        <p>
          Hand this link to them (it works once, for that address):{" "}
          <span className="secret" data-testid="invitation-link">
            {created}
          </span>
        </p>
      )}
      <Note note={note} />
      {rows.length > 0 && (
        <table className="grid" data-testid="invitations">
          <thead>
            <tr>
              <th>Email</th>
              <th>Role</th>
              <th>Link</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((i) => (
              <tr key={i.id}>
                <td>{i.email}</td>
                <td>{i.role}</td>
                <td className="wrap">
                  <code>{i.link}</code>
                </td>
                <td>
                  <button className="secondary" onClick={() => void cancel(i.id)}>
                    Cancel
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export interface KeyRow {
  id: string;
  name: string | null;
  start: string | null;
  userName: string;
  teamId: string | null;
  readOnly: boolean;
  enabled: boolean;
  expiresAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

/** A table of API keys with revoke buttons (a user's own, or a team's for its admins). */
export function KeyTable({
  keys,
  revokeUrl,
  showOwner,
  teamNames,
}: {
  keys: KeyRow[];
  /** The API path a key's id is appended to for revoking it. */
  revokeUrl: string;
  showOwner: boolean;
  teamNames?: Record<string, string>;
}) {
  const [rows, setRows] = useState(keys);
  const [note, setNote] = useState<{ error: boolean; text: string } | null>(null);
  const revoke = async (key: KeyRow) => {
    if (!window.confirm(`Revoke ${key.name ?? key.start ?? "this key"}? Anything using it stops working at once.`))
      return;
    const answer = await api("DELETE", `${revokeUrl}${key.id}`);
    if (answer.ok) setRows((r) => r.map((k) => (k.id === key.id ? { ...k, enabled: false } : k)));
    else setNote({ error: true, text: answer.body.error ?? "" });
  };
  if (rows.length === 0) return <p className="muted">No keys.</p>;
  const fmt = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "never");
  return (
    <>
      <div className="table-scroll">
        <table className="grid" data-testid="api-keys">
          <thead>
            <tr>
              <th>Name</th>
              <th>Key</th>
              {showOwner && <th>Owner</th>}
              <th>Scope</th>
              <th>Created</th>
              <th>Expires</th>
              <th>Last used</th>
              <th>State</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((k) => (
              <tr key={k.id} data-key-name={k.name ?? ""}>
                <td>{k.name ?? "-"}</td>
                <td>
                  <code>{k.start ? `${k.start}…` : "-"}</code>
                </td>
                {showOwner && <td>{k.userName}</td>}
                <td>
                  {k.teamId ? (teamNames?.[k.teamId] ?? "one team") : "all my teams"}
                  {k.readOnly ? ", read-only" : ""}
                </td>
                <td>{fmt(k.createdAt)}</td>
                <td>{k.expiresAt ? fmt(k.expiresAt) : "never"}</td>
                <td data-testid="key-last-used">{fmt(k.lastUsedAt)}</td>
                <td>
                  {k.enabled ? (
                    <button className="secondary" onClick={() => void revoke(k)} data-testid="revoke-key">
                      Revoke
                    </button>
                  ) : (
                    <span className="badge CANCELLED">revoked</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Note note={note} />
    </>
  );
}

/** Renames the team (admins), hands it over, or deletes it (owners). */
export function TeamAdmin({
  team,
  name,
  own,
  members,
}: {
  team: string;
  name: string;
  own: boolean;
  members: MemberRow[];
}) {
  const [newName, setNewName] = useState(name);
  const [to, setTo] = useState("");
  const [note, setNote] = useState<{ error: boolean; text: string } | null>(null);
  const rename = async () => {
    const answer = await api("PATCH", `/api/teams/${team}`, { name: newName });
    setNote(answer.ok ? { error: false, text: "renamed" } : { error: true, text: answer.body.error ?? "" });
    if (answer.ok) window.location.reload();
  };
  const transfer = async () => {
    const answer = await api("POST", `/api/teams/${team}/transfer`, { memberId: to });
    if (answer.ok) window.location.reload();
    else setNote({ error: true, text: answer.body.error ?? "" });
  };
  const remove = async () => {
    const typed = window.prompt(
      `This deletes ${name} with every project and run in it. Type its slug (${team}) to confirm.`,
    );
    if (typed === null) return;
    const answer = await api("DELETE", `/api/teams/${team}`, { confirm: typed });
    if (answer.ok) window.location.href = "/";
    else
      setNote({ error: true, text: answer.body.issues?.map((i) => i.message).join("; ") ?? answer.body.error ?? "" });
  };
  return (
    <>
      <div className="inline-form">
        <label>
          Team name
          <input value={newName} onChange={(e) => setNewName(e.target.value)} />
        </label>
        <button onClick={() => void rename()} disabled={!newName.trim() || newName === name}>
          Rename
        </button>
      </div>
      {own && (
        <>
          <div className="inline-form">
            <label>
              Make owner
              <select value={to} onChange={(e) => setTo(e.target.value)}>
                <option value="">choose a member</option>
                {members
                  .filter((m) => m.role !== "owner")
                  .map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.name} ({m.role})
                    </option>
                  ))}
              </select>
            </label>
            <button onClick={() => void transfer()} disabled={!to}>
              Transfer ownership
            </button>
          </div>
          <button className="secondary" onClick={() => void remove()}>
            Delete team
          </button>
        </>
      )}
      <Note note={note} />
    </>
  );
}

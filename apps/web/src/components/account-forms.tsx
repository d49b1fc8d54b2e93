"use client";

import { useState, type FormEvent, type ReactNode } from "react";
import { api, fieldErrors } from "./api-client";

/** A labelled input with its error under it. */
function Field(props: {
  label: string;
  name: string;
  type?: string;
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
  readOnly?: boolean;
  autoComplete?: string;
}) {
  return (
    <label>
      {props.label}
      <input
        id={props.name}
        name={props.name}
        type={props.type ?? "text"}
        value={props.value}
        readOnly={props.readOnly}
        autoComplete={props.autoComplete}
        onChange={(e) => props.onChange(e.target.value)}
        aria-invalid={props.error ? true : undefined}
        required
      />
      {props.error && <span className="error">{props.error}</span>}
    </label>
  );
}

function Form({
  onSubmit,
  children,
  message,
}: {
  onSubmit: () => Promise<void>;
  children: ReactNode;
  message: string | null;
}) {
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      await onSubmit();
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="stack panel" onSubmit={(e) => void submit(e)}>
      {message && (
        <div className="error-box" role="alert">
          {message}
        </div>
      )}
      {children}
      <button type="submit" disabled={busy} data-testid="submit">
        {busy ? "Working..." : "Continue"}
      </button>
    </form>
  );
}

/** The first-run form: the first account, the instance's operator, and the first team. */
export function SetupForm() {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [teamName, setTeamName] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const submit = async () => {
    const answer = await api<{ team: { slug: string } }>("POST", "/api/setup", { name, email, password, teamName });
    if (answer.ok) {
      window.location.href = `/t/${answer.body.team.slug}`;
      return;
    }
    setErrors(fieldErrors(answer));
    setMessage(answer.body.error ?? `HTTP ${answer.status}`);
  };
  return (
    <Form onSubmit={submit} message={message}>
      <Field label="Your name" name="name" value={name} onChange={setName} error={errors.name} autoComplete="name" />
      <Field
        label="Email"
        name="email"
        type="email"
        value={email}
        onChange={setEmail}
        error={errors.email}
        autoComplete="email"
      />
      <Field
        label="Password (at least 8 characters)"
        name="password"
        type="password"
        value={password}
        onChange={setPassword}
        error={errors.password}
        autoComplete="new-password"
      />
      <Field label="Team name" name="teamName" value={teamName} onChange={setTeamName} error={errors.teamName} />
    </Form>
  );
}

/** Email and password sign-in; back to `next` afterwards. */
export function SignInForm({ next }: { next: string }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const submit = async () => {
    const answer = await api("POST", "/api/auth/sign-in/email", { email, password });
    if (answer.ok) {
      window.location.href = next;
      return;
    }
    setMessage(
      answer.status === 401
        ? "wrong email or password"
        : (answer.body.error ?? (answer.body as { message?: string }).message ?? `HTTP ${answer.status}`),
    );
  };
  return (
    <Form onSubmit={submit} message={message}>
      <Field label="Email" name="email" type="email" value={email} onChange={setEmail} autoComplete="email" />
      <Field
        label="Password"
        name="password"
        type="password"
        value={password}
        onChange={setPassword}
        autoComplete="current-password"
      />
    </Form>
  );
}

/** What an invitation link page knows about its invitation. */
export interface InvitationView {
  id: string;
  teamName: string;
  teamSlug: string;
  email: string;
  role: string;
  inviterName: string;
}

/** An invitation for someone without an account: they choose a name and password, and join the team. */
export function InvitationSignUp({ invitation }: { invitation: InvitationView }) {
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const submit = async () => {
    const answer = await api<{ team: { slug: string } }>("POST", "/api/account/sign-up", {
      name,
      email: invitation.email,
      password,
      invitationId: invitation.id,
    });
    if (answer.ok) {
      window.location.href = `/t/${answer.body.team.slug}`;
      return;
    }
    setErrors(fieldErrors(answer));
    setMessage(answer.body.error ?? `HTTP ${answer.status}`);
  };
  return (
    <Form onSubmit={submit} message={message}>
      <Field label="Email" name="email" value={invitation.email} onChange={() => undefined} readOnly />
      <Field label="Your name" name="name" value={name} onChange={setName} error={errors.name} autoComplete="name" />
      <Field
        label="Password (at least 8 characters)"
        name="password"
        type="password"
        value={password}
        onChange={setPassword}
        error={errors.password}
        autoComplete="new-password"
      />
    </Form>
  );
}

/** An invitation for the signed-in user it was made for: one button joins the team. */
export function AcceptInvitation({ invitation }: { invitation: InvitationView }) {
  const [message, setMessage] = useState<string | null>(null);
  const accept = async () => {
    const answer = await api<{ team: { slug: string } }>("POST", `/api/invitations/${invitation.id}/accept`, {});
    if (answer.ok) window.location.href = `/t/${answer.body.team.slug}`;
    else setMessage(answer.body.error ?? `HTTP ${answer.status}`);
  };
  return (
    <div className="panel stack">
      {message && <div className="error-box">{message}</div>}
      <button onClick={() => void accept()} data-testid="accept-invitation">
        Join {invitation.teamName} as {invitation.role}
      </button>
    </div>
  );
}

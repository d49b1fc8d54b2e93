"use client";

import { useState } from "react";
import { api } from "./api-client";
import { KeyTable, type KeyRow } from "./team-settings";

/** The caller's API keys: create one (shown once), see when each was last used, revoke. */
export function AccountKeys({ keys, teams }: { keys: KeyRow[]; teams: { id: string; slug: string; name: string }[] }) {
  const [name, setName] = useState("");
  const [team, setTeam] = useState("");
  const [readOnly, setReadOnly] = useState(false);
  const [expiresInDays, setExpires] = useState("");
  const [shown, setShown] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const create = async () => {
    const answer = await api<{ key: string }>("POST", "/api/account/api-keys", {
      name,
      ...(team ? { team } : {}),
      readOnly,
      ...(expiresInDays ? { expiresInDays: Number(expiresInDays) } : {}),
    });
    if (answer.ok) {
      setShown(answer.body.key);
      setError(null);
    } else setError(answer.body.issues?.map((i) => `${i.path}: ${i.message}`).join("; ") ?? answer.body.error ?? "");
  };
  return (
    <>
      <div className="inline-form">
        <label>
          Name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. laptop, CI"
            data-testid="key-name"
          />
        </label>
        <label>
          Team
          <select value={team} onChange={(e) => setTeam(e.target.value)} data-testid="key-team">
            <option value="">all my teams</option>
            {teams.map((t) => (
              <option key={t.slug} value={t.slug}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Expires in (days, empty: never)
          <input
            value={expiresInDays}
            onChange={(e) => setExpires(e.target.value.replace(/\D/g, ""))}
            inputMode="numeric"
          />
        </label>
        <label style={{ flexDirection: "row", alignItems: "center", gap: 6 }}>
          <input
            type="checkbox"
            checked={readOnly}
            onChange={(e) => setReadOnly(e.target.checked)}
            data-testid="key-read-only"
          />
          read-only
        </label>
        <button onClick={() => void create()} disabled={!name.trim()} data-testid="create-key">
          Create key
        </button>
      </div>
      {error && <div className="error-box">{error}</div>}
      {shown && (
        <div className="panel">
          <p>
            Your new key. Copy it now: it is stored only as a hash and will not be shown again. Send it as{" "}
            <code>Authorization: Bearer &lt;key&gt;</code>.
          </p>
          <div className="secret" data-testid="new-key">
            {shown}
          </div>
          <p>
            <a href="/settings">Done</a>
          </p>
        </div>
      )}
      <KeyTable
        keys={keys}
        showOwner={false}
        revokeUrl="/api/account/api-keys/"
        teamNames={Object.fromEntries(teams.map((t) => [t.id, t.name]))}
      />
    </>
  );
}

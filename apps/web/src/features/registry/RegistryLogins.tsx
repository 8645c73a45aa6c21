import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { TextField } from '../../components/TextField.js';
import { errorMessage } from '../../lib/api-client.js';
import { deleteRegistryLogin, putRegistryLogin, registryKeys, registryLoginKeys, useRegistryLogins } from './api/registry.js';

/**
 * Credentials for a registry, typed in for this session: the server keeps them in memory only
 * (never stored, logged or shown again). The Docker config's logins are used without this.
 */
export function RegistryLogins({ registry }: { registry: string }) {
  const [fields, setFields] = useState({ registry: '', username: '', password: '' });
  const [error, setError] = useState<string | null>(null);
  const logins = useRegistryLogins();
  const client = useQueryClient();
  const host = fields.registry || registry;
  const refresh = async () => {
    await client.invalidateQueries({ queryKey: registryLoginKeys.all() });
    // What was refused before may be readable now.
    await client.invalidateQueries({ queryKey: registryKeys.all() });
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await putRegistryLogin({ registry: host, username: fields.username, password: fields.password });
      setFields({ registry: '', username: '', password: '' });
      await refresh();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <details className="registry-login">
      <summary>Sign in to a registry</summary>
      <form className="field-row" onSubmit={(e) => void submit(e)} aria-label="Sign in to a registry">
        <TextField label="Registry" value={host} onChange={(v) => setFields((f) => ({ ...f, registry: v }))} placeholder="registry.example:5000" />
        <TextField label="User" value={fields.username} onChange={(v) => setFields((f) => ({ ...f, username: v }))} />
        <div className="field">
          <label htmlFor="registry-password">Password or token</label>
          <input id="registry-password" className="text-input" type="password" autoComplete="off" value={fields.password} onChange={(e) => setFields((f) => ({ ...f, password: e.target.value }))} />
        </div>
        <button type="submit" className="button" disabled={!host || !fields.username || !fields.password}>
          Sign in
        </button>
      </form>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <p className="muted small">Kept in the server&apos;s memory for this session only: never stored, logged or shown again. Logins in your Docker config are used too.</p>
      {logins.data && logins.data.length > 0 ? (
        <ul className="registry-logins" aria-label="Signed in">
          {logins.data.map((l) => (
            <li key={l.registry}>
              <span className="mono">{l.registry}</span>{' '}
              <button type="button" className="button small" onClick={() => void deleteRegistryLogin(l.registry).then(refresh)} aria-label={`Forget ${l.registry}`}>
                Forget
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </details>
  );
}

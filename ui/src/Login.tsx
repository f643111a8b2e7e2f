// SPDX-License-Identifier: Apache-2.0
// The login form (when the API has authentication on): POST /login, keep the token.
import { useState, type FormEvent } from 'react';
import { client, errorText, rememberToken } from './api.js';

/** Asks for a user name and password. */
export function Login({ onDone }: { onDone: () => void }) {
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      rememberToken(await client.login(user, password));
      onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="login" onSubmit={submit} aria-label="login">
      <h1>skydive-ts</h1>
      <label>
        User
        <input
          name="username"
          autoComplete="username"
          value={user}
          onChange={(e) => setUser(e.target.value)}
        />
      </label>
      <label>
        Password
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      <button type="submit" disabled={busy}>
        Log in
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

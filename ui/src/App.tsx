// SPDX-License-Identifier: Apache-2.0
// The page: asks /api whether a login is needed, shows the login form if so, else the topology.
import { useEffect, useState } from 'react';
import { ApiError } from '../../src/client/errors.js';
import { client, errorText } from './api.js';
import { Login } from './Login.js';
import { TopologyPage } from './TopologyPage.js';

type Gate =
  | { kind: 'checking' }
  | { kind: 'login' }
  | { kind: 'ok' }
  | { kind: 'error'; text: string };

/** The whole UI. */
export function App() {
  const [gate, setGate] = useState<Gate>({ kind: 'checking' });
  const check = () => {
    client.info().then(
      () => setGate({ kind: 'ok' }),
      (err: unknown) =>
        setGate(
          err instanceof ApiError && err.status === 401
            ? { kind: 'login' }
            : { kind: 'error', text: errorText(err) },
        ),
    );
  };
  useEffect(check, []);
  switch (gate.kind) {
    case 'checking':
      return <div className="center">Connecting…</div>;
    case 'login':
      return <Login onDone={() => setGate({ kind: 'ok' })} />;
    case 'error':
      return (
        <div className="center error">
          <p>Cannot reach the analyzer: {gate.text}</p>
          <button onClick={check}>Retry</button>
        </div>
      );
    case 'ok':
      return <TopologyPage />;
  }
}

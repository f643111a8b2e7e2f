// SPDX-License-Identifier: Apache-2.0
// The page's graph store and live link, created with the page: the WebSocket opens while the page
// still asks /api whether a login is needed, so the first graph arrives sooner. With auth on, that
// first attempt is refused and connect() is called again after the login (its cookie then passes).
import { client } from './api.js';
import { GraphStore } from './model/graph-store.js';
import { Live } from './model/live.js';

/** The graph the page shows. */
export const store = new GraphStore();

/** Its link to the analyzer. */
export const live = new Live(store, client.token, {
  collapse: new URLSearchParams(location.search).get('collapse') !== 'off',
  rest: client,
});

let connecting: Promise<void> | undefined;

/** Opens the live link unless it is open or opening; a refused attempt can be retried. */
export function connect(): Promise<void> {
  connecting ??= live.start().then(() => {
    if (live.state.connection !== 'open') connecting = undefined;
  });
  return connecting;
}

// SPDX-License-Identifier: Apache-2.0
// Entry point of the web UI.
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { connect } from './session.js';
import './styles.css';

void connect(); // in parallel with App's /api check

createRoot(document.getElementById('root') as HTMLElement).render(<App />);

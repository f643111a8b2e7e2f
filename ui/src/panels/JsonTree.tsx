// SPDX-License-Identifier: Apache-2.0
// Nested metadata as a collapsible tree, with a button that copies the whole value as JSON.
import { useState } from 'react';

function Value({ name, value, depth }: { name: string; value: unknown; depth: number }) {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value)
      ? value.map((v, i) => [String(i), v] as const)
      : Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return (
      <details open={depth < 1} className="jt-node">
        <summary>
          <span className="jt-key">{name}</span>{' '}
          <span className="jt-meta">
            {Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`}
          </span>
        </summary>
        <div className="jt-children">
          {entries.map(([k, v]) => (
            <Value key={k} name={k} value={v} depth={depth + 1} />
          ))}
        </div>
      </details>
    );
  }
  return (
    <div className="jt-leaf">
      <span className="jt-key">{name}</span>:{' '}
      <span className="jt-val">{JSON.stringify(value)}</span>
    </div>
  );
}

/** A JSON value as a tree, with "Copy JSON". */
export function JsonTree({ value, name = 'Metadata' }: { value: unknown; name?: string }) {
  const [copied, setCopied] = useState('');
  const copy = async () => {
    const text = JSON.stringify(value, null, 2);
    try {
      await navigator.clipboard.writeText(text);
      setCopied('copied');
    } catch {
      // no clipboard permission (plain HTTP): select the text in a prompt instead
      window.prompt('Copy the JSON:', text);
      setCopied('');
    }
  };
  return (
    <div className="jt">
      <button onClick={() => void copy()}>Copy JSON</button> <span>{copied}</span>
      <Value name={name} value={value} depth={0} />
    </div>
  );
}

// SPDX-License-Identifier: Apache-2.0
// Reads host facts (files under /proc, /sys, /etc) below a root directory, so that the hardware
// probe runs on the live host ('/') and its tests on a recorded copy of the same tree.
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Read access to a host's files; paths are absolute host paths. */
export interface HostFiles {
  /** The file's bytes, or undefined when it is missing or unreadable. */
  read(path: string): Promise<Buffer | undefined>;
  /** The file's text (UTF-8), or undefined when it is missing or unreadable. */
  text(path: string): Promise<string | undefined>;
  /** Whether the path exists (file or directory). */
  exists(path: string): Promise<boolean>;
}

/** HostFiles rooted at `root` ('/' for the live host, a fixture directory in tests). */
export function hostFiles(root = '/'): HostFiles {
  const at = (p: string) => (root === '/' ? p : join(root, p));
  const read = async (p: string) => {
    try {
      return await readFile(at(p));
    } catch {
      return undefined;
    }
  };
  return {
    read,
    text: async (p) => (await read(p))?.toString('utf8'),
    exists: async (p) => {
      try {
        await access(at(p));
        return true;
      } catch {
        return false;
      }
    },
  };
}

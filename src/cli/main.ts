// SPDX-License-Identifier: Apache-2.0
// Process entry of `skydive` (bin/skydive runs it compiled, or through tsx): runs the CLI with
// the process's arguments and IO and sets the exit code.

import { run } from './run.js';

process.exitCode = await run(process.argv.slice(2));

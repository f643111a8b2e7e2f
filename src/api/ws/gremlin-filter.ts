// SPDX-License-Identifier: Apache-2.0
// Subscriber filters on the server's Gremlin engine: parsed once, executed on each evaluation,
// and refused unless they produce a graph (`G…` or `….SubGraph()`), as Skydive requires.
import { QueryExecutionError } from '../../graph/errors.js';
import { isGraphResult, type GremlinEngine } from '../../gremlin/index.js';
import { subgraphOf, type FilterCompiler } from './filter.js';

/**
 * Compiles filters with `engine`.
 * @throws QuerySyntaxError from `compile(query)` for a query that does not parse.
 */
export function gremlinFilterCompiler(engine: GremlinEngine): FilterCompiler {
  return (query) => {
    const parsed = engine.parse(query);
    return {
      query,
      async run(view) {
        const res = await engine.execute(parsed, view);
        if (!isGraphResult(res))
          throw new QueryExecutionError(
            `Gremlin query '${query}' did not return a graph`,
            undefined,
            'SKY_ERR_QUERY_NOT_A_GRAPH',
          );
        return subgraphOf(res.view);
      },
    };
  };
}

// SPDX-License-Identifier: Apache-2.0
// Route schema validation with TypeBox's compiler instead of ajv (no type coercion, no silent
// property removal: Go's decoder would not do either), with hand-written checks for the schemas
// whose errors deserve better messages (nodes, edges, rules).
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import type { FastifySchemaCompiler } from 'fastify';
import { InvalidArgumentError } from '../../graph/errors.js';
import { HttpErrorCode } from './errors.js';

/** A check that returns the value to hand to the handler or throws a SkydiveError. */
export type CustomCheck = (value: unknown) => unknown;

/**
 * Builds the validator compiler for a set of custom checks keyed by schema object.
 * @example app.setValidatorCompiler(validatorCompiler(new Map([[NodeSchema, validateNode]])))
 */
export function validatorCompiler(
  custom: ReadonlyMap<unknown, CustomCheck>,
): FastifySchemaCompiler<TSchema> {
  return ({ schema, httpPart }) => {
    const check = custom.get(schema);
    if (check)
      return (data: unknown) => {
        try {
          return { value: check(data) };
        } catch (error) {
          return { error: error as Error };
        }
      };
    const compiled = TypeCompiler.Compile(schema);
    return (data: unknown) => {
      if (compiled.Check(data)) return { value: data };
      const first = compiled.Errors(data).First();
      const path = first?.path ? first.path.replace(/^\//, '').replaceAll('/', '.') : '(root)';
      return {
        error: new InvalidArgumentError(
          HttpErrorCode.InvalidBody,
          `invalid ${httpPart ?? 'request'}: ${path}: ${first?.message ?? 'does not match the schema'}`,
        ),
      };
    };
  };
}

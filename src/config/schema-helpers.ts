// SPDX-License-Identifier: Apache-2.0
// Small builders for the configuration schema: every leaf carries its description and default, so
// that validation, defaults, the example file and the documentation come from one place.

import { Type, type TLiteral, type TProperties, type TSchema } from '@sinclair/typebox';

/** Extra annotations understood by the loader and the generator. */
export interface KeyInfo {
  /** Accepted for compatibility with Skydive but not used by skydive-ts (yet). */
  unused?: boolean;
  /** How the default is computed when it is not a constant (e.g. "the host name"). */
  defaultText?: string;
  /** Example value for the generated skydive.yml.example (commented). */
  example?: unknown;
}

type Opts = KeyInfo & { minimum?: number; exclusiveMinimum?: number; maximum?: number };

const annotate = (description: string, info: Opts = {}) => {
  const { unused, defaultText, example, ...rest } = info;
  return {
    description,
    ...rest,
    ...(unused ? { 'x-unused': true } : {}),
    ...(defaultText === undefined ? {} : { 'x-default-text': defaultText }),
    ...(example === undefined ? {} : { 'x-example': example }),
  };
};

/** A string key with a default. */
export const str = (description: string, def: string, info?: Opts) =>
  Type.String({ ...annotate(description, info), default: def });
/** A string key without a default. */
export const optStr = (description: string, info?: Opts) =>
  Type.Optional(Type.String(annotate(description, info)));

/** An integer key with a default. */
export const int = (description: string, def: number, info?: Opts) =>
  Type.Integer({ ...annotate(description, info), default: def });
/** An integer key without a default. */
export const optInt = (description: string, info?: Opts) =>
  Type.Optional(Type.Integer(annotate(description, info)));

/** A number key without a default. */
export const optNum = (description: string, info?: Opts) =>
  Type.Optional(Type.Number(annotate(description, info)));

/** A boolean key with a default. */
export const bool = (description: string, def: boolean, info?: Opts) =>
  Type.Boolean({ ...annotate(description, info), default: def });
/** A boolean key without a default. */
export const optBool = (description: string, info?: Opts) =>
  Type.Optional(Type.Boolean(annotate(description, info)));

/** A list of strings with a default (a space-separated string is accepted too). */
export const list = (description: string, def: string[], info?: Opts) =>
  Type.Array(Type.String(), { ...annotate(description, info), default: def });
/** A list of strings without a default. */
export const optList = (description: string, info?: Opts) =>
  Type.Optional(Type.Array(Type.String(), annotate(description, info)));

/** One of a fixed set of strings. */
export const oneOf = <const V extends readonly string[]>(
  values: V,
  description: string,
  def: V[number],
  info?: Opts,
) =>
  Type.Union(
    values.map((v): TLiteral<V[number]> => Type.Literal(v)),
    { ...annotate(description, info), default: def },
  );

/** A section of fixed keys (always present, unknown keys rejected). */
export const section = <P extends TProperties>(description: string, props: P) =>
  Type.Object(props, { description, additionalProperties: false, default: {} });

/** An optional section of fixed keys that also keeps keys it does not know (e.g. `ui`). */
export const openSection = <P extends TProperties>(description: string, props: P) =>
  Type.Optional(Type.Object(props, { description, additionalProperties: true }));

/** A map of user-chosen names to values of one schema (always present). */
export const mapOf = <S extends TSchema>(
  description: string,
  value: S,
  def: Record<string, unknown> = {},
  info?: Opts,
) => Type.Record(Type.String(), value, { ...annotate(description, info), default: def });

/** A free-form value kept as given (nested maps allowed). */
export const anyValue = (description: string, info?: Opts) =>
  Type.Optional(Type.Unknown(annotate(description, info)));

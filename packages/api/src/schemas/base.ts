import { Type, type SchemaOptions, type TLiteral, type TNull, type TSchema, type TUnion } from '@sinclair/typebox';

/** Building blocks of the contract's schemas: each is a JSON Schema and, through Static, a type. */
export const str = Type.String();
export const int = Type.Integer();
export const num = Type.Number();
export const bool = Type.Boolean();
export const dateTime = (options?: SchemaOptions) => Type.String({ ...options, format: 'date-time' });

export const Nullable = <T extends TSchema>(schema: T, options?: SchemaOptions): TUnion<[T, TNull]> => Type.Union([schema, Type.Null()], options);

type Literals<T extends string[]> = { [K in keyof T]: TLiteral<T[K]> };
/** One of these strings (a union of literals: a JSON Schema `anyOf` of `const`s). */
export function StringEnum<const T extends string[]>(values: [...T], options?: SchemaOptions): TUnion<Literals<T>> {
  return Type.Union(values.map((v) => Type.Literal(v)), options) as TUnion<Literals<T>>;
}

/** A JSON object whose keys the contract does not fix (an image config, a config patch). */
export const AnyObject = (options?: SchemaOptions) => Type.Record(Type.String(), Type.Unknown(), options);

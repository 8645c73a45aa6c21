import { Kind, Type, TypeRegistry, type SchemaOptions, type TNull, type TSchema, type TUnion, type TUnsafe } from '@sinclair/typebox';

/** Building blocks of the contract's schemas: each is a JSON Schema and, through Static, a type. */
export const str = Type.String();
export const int = Type.Integer();
export const num = Type.Number();
export const bool = Type.Boolean();
export const dateTime = (options?: SchemaOptions) => Type.String({ ...options, format: 'date-time' });

export const Nullable = <T extends TSchema>(schema: T, options?: SchemaOptions): TUnion<[T, TNull]> => Type.Union([schema, Type.Null()], options);

// A kind of TypeBox's own, so that TypeBox's checker knows it too (as it knows the built-in ones).
if (!TypeRegistry.Has('StringEnum')) {
  TypeRegistry.Set<{ enum: string[] }>('StringEnum', (schema, value) => typeof value === 'string' && schema.enum.includes(value));
}
/**
 * One of these strings, as `{ type: 'string', enum }`: what Ajv reports as "must be equal to one
 * of the allowed values" (a union of literals would say "must be equal to constant").
 */
export function StringEnum<const T extends string[]>(values: [...T], options?: SchemaOptions): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, [Kind]: 'StringEnum', type: 'string', enum: values });
}

/** A JSON object whose keys the contract does not fix (an image config, a config patch). */
export const AnyObject = (options?: SchemaOptions) => Type.Record(Type.String(), Type.Unknown(), options);

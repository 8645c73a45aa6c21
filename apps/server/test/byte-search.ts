/**
 * The search's rule as the tests' oracle, over stored bytes: a path is '/' parent '/' name (the
 * root's entries '/' name), and a pattern matches when the path, ASCII letters lowered, holds it.
 */
export const lowerAsciiBytes = (b: Buffer): Buffer => Buffer.from(b.map((c) => (c >= 0x41 && c <= 0x5a ? c + 32 : c)));
export const absolutePath = (parent: Buffer, name: Buffer): Buffer =>
  Buffer.concat([Buffer.from('/'), ...(parent.length ? [parent, Buffer.from('/')] : []), name]);

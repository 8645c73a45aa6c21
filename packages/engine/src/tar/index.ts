/** The tar codec: lossless names, the header block codec, a push parser and a writer. */
export { decodeName, encodeName } from './names.js';
export { encodeHeader, parseHeaderBlock, parsePaxRecords, encodePaxRecords, type HeaderBlock, type SparseSpan, type TarFormat } from './header.js';
export { TarParser, type TarHandler, type TarHeader, type TarParserOptions, type TarType } from './reader.js';
export { TarWriter, type ByteSink, type TarWriteHeader } from './writer.js';
export { readableSink } from './readable-sink.js';

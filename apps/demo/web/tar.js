// A checkpoint folder as one file: a plain POSIX tar (ustar) of `latest` and `step-NNNNNN/*`, so a
// downloaded checkpoint unpacks with `tar xf` into the folder Node's Trainer.resume reads, and a
// Node checkpoint packed with `tar cf` loads in the page. Files and folders only; no compression.
import { CheckpointError } from '@llmkit/layers';

const BLOCK = 512;
const encoder = new TextEncoder();

function field(header, offset, length, text) {
  const bytes = encoder.encode(text);
  header.set(bytes.subarray(0, length), offset);
}

const octal = (value, length) => value.toString(8).padStart(length - 1, '0');

/**
 * @param {[string, Uint8Array][]} files relative path and bytes; folders are added for every parent
 * @returns {Uint8Array} the archive (mtime 0, mode 644/755: the same files give the same bytes)
 */
export function packTar(files) {
  const entries = [];
  const folders = new Set();
  for (const [name] of files) {
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(`${parts.slice(0, i).join('/')}/`);
  }
  for (const folder of [...folders].sort()) entries.push([folder, null]);
  for (const entry of files) entries.push(entry);
  const size = entries.reduce((n, [, bytes]) => n + BLOCK + (bytes ? Math.ceil(bytes.length / BLOCK) * BLOCK : 0), 2 * BLOCK);
  const out = new Uint8Array(size);
  let at = 0;
  for (const [name, bytes] of entries) {
    if (encoder.encode(name).length > 100) throw new CheckpointError(`tar: file name '${name}' is longer than 100 bytes`);
    const header = out.subarray(at, at + BLOCK);
    field(header, 0, 100, name);
    field(header, 100, 8, octal(bytes ? 0o644 : 0o755, 8));
    field(header, 108, 8, octal(0, 8));
    field(header, 116, 8, octal(0, 8));
    field(header, 124, 12, octal(bytes ? bytes.length : 0, 12));
    field(header, 136, 12, octal(0, 12));
    field(header, 148, 8, '        '); // the checksum is computed with its own field as spaces
    field(header, 156, 1, bytes ? '0' : '5');
    field(header, 257, 6, 'ustar\0');
    field(header, 263, 2, '00');
    const sum = header.reduce((a, b) => a + b, 0);
    field(header, 148, 8, `${octal(sum, 7)}\0`);
    at += BLOCK;
    if (bytes) {
      out.set(bytes, at);
      at += Math.ceil(bytes.length / BLOCK) * BLOCK;
    }
  }
  return out;
}

function text(header, offset, length) {
  const bytes = header.subarray(offset, offset + length);
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
}

/**
 * @param {Uint8Array} bytes a tar archive
 * @param {string} where names the archive in errors (a file name)
 * @returns {[string, Uint8Array][]} its files (folders are implied by the paths)
 * @throws CheckpointError naming `where` for anything but an intact ustar/GNU archive of plain files and folders
 */
export function unpackTar(bytes, where = 'checkpoint file') {
  if (!(bytes instanceof Uint8Array)) throw new CheckpointError(`${where}: expected the bytes of a tar file, got ${typeof bytes}`);
  const files = [];
  let at = 0;
  for (;;) {
    if (at + BLOCK > bytes.length) throw new CheckpointError(`${where}: not a tar file or cut short (${bytes.length} bytes, no end marker)`);
    const header = bytes.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break;
    const stored = parseInt(text(header, 148, 8).trim(), 8);
    const sum = header.reduce((a, b, i) => a + (i >= 148 && i < 156 ? 32 : b), 0);
    if (stored !== sum) throw new CheckpointError(`${where}: not a tar file (header checksum at byte ${at}: expected ${sum}, got ${text(header, 148, 8).trim() || 'none'})`);
    const prefix = text(header, 345, 155);
    const name = (prefix ? `${prefix}/` : '') + text(header, 0, 100);
    const size = parseInt(text(header, 124, 12).trim() || '0', 8);
    const type = text(header, 156, 1) || '0';
    at += BLOCK;
    if (type === '0') {
      if (at + size > bytes.length) throw new CheckpointError(`${where}: '${name}' needs ${size} bytes, the file is cut short`);
      if (name.split('/').includes('..') || name.startsWith('/')) throw new CheckpointError(`${where}: '${name}' points outside the checkpoint folder`);
      files.push([name.replace(/^\.\//, ''), bytes.slice(at, at + size)]);
    } else if (type !== '5' && type !== 'x' && type !== 'g') {
      throw new CheckpointError(`${where}: '${name}' has tar type '${type}'; expected a file or a folder`);
    }
    at += Math.ceil(size / BLOCK) * BLOCK;
  }
  return files;
}

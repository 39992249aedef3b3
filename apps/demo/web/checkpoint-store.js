// Where the page keeps its newest checkpoint between visits: the origin-private file system (OPFS),
// or IndexedDB where the browser has no OPFS. Either way a save is atomic: a half-written checkpoint
// is never what the next visit finds. OPFS: the archive goes to a new file (createWritable writes a
// swap file that replaces the target only on close()), then the `latest` pointer is replaced the same
// way, and only then are older archives removed. IndexedDB: archive and pointer in one transaction.
import { CheckpointError } from '@llmkit/layers';

const FOLDER = 'llmkit-demo';
const POINTER = 'latest';

const suffix = () => Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) => b.toString(16).padStart(2, '0')).join('');

/** The store this browser offers: OPFS when it has one, else IndexedDB (or IndexedDB when `kind` says so). */
export async function openCheckpointStore(kind = 'auto') {
  if (kind !== 'auto' && kind !== 'opfs' && kind !== 'indexeddb') throw new CheckpointError(`checkpoint store must be 'opfs' or 'indexeddb', got ${JSON.stringify(kind)}`);
  if (kind !== 'indexeddb' && typeof navigator.storage?.getDirectory === 'function') {
    try {
      const root = await navigator.storage.getDirectory();
      return new OpfsStore(await root.getDirectoryHandle(FOLDER, { create: true }));
    } catch {
      // Some contexts (private windows in some browsers) refuse OPFS: fall back.
    }
  }
  return new IndexedDbStore(await openDatabase());
}

class OpfsStore {
  kind = 'OPFS';

  constructor(dir) {
    this.dir = dir;
  }

  async #write(name, data) {
    const handle = await this.dir.getFileHandle(name, { create: true });
    const writable = await handle.createWritable();
    try {
      await writable.write(data);
    } catch (error) {
      await writable.abort().catch(() => undefined);
      throw error;
    }
    await writable.close();
  }

  /** Saves `bytes` as the newest checkpoint, named after `name` (`step-000040`). */
  async save(name, bytes) {
    const file = `${name}-${suffix()}.tar`;
    await this.#write(file, bytes);
    await this.#write(POINTER, file);
    for await (const entry of this.dir.keys()) {
      if (entry !== file && entry !== POINTER) await this.dir.removeEntry(entry).catch(() => undefined);
    }
  }

  /** @returns {Promise<{ name: string, bytes: Uint8Array } | null>} the newest checkpoint, or null when none was saved */
  async load() {
    let pointer;
    try {
      pointer = await (await (await this.dir.getFileHandle(POINTER)).getFile()).text();
    } catch {
      return null;
    }
    try {
      const bytes = new Uint8Array(await (await (await this.dir.getFileHandle(pointer)).getFile()).arrayBuffer());
      return { name: pointer, bytes };
    } catch (cause) {
      throw new CheckpointError(`OPFS ${FOLDER}/${POINTER}: names '${pointer}', which cannot be read (${cause.message})`, { cause });
    }
  }

  async clear() {
    for await (const entry of this.dir.keys()) await this.dir.removeEntry(entry).catch(() => undefined);
  }
}

function request(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function openDatabase() {
  const r = indexedDB.open(FOLDER, 1);
  r.onupgradeneeded = () => r.result.createObjectStore('checkpoints');
  return request(r);
}

function transaction(db, mode, body) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction('checkpoints', mode);
    const store = tx.objectStore('checkpoints');
    let result;
    Promise.resolve(body(store)).then((r) => (result = r), reject);
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

class IndexedDbStore {
  kind = 'IndexedDB';

  constructor(db) {
    this.db = db;
  }

  async save(name, bytes) {
    await transaction(this.db, 'readwrite', (store) => {
      store.put({ name, bytes: new Blob([bytes]) }, POINTER);
    });
  }

  async load() {
    const record = await transaction(this.db, 'readonly', (store) => request(store.get(POINTER)));
    if (!record) return null;
    return { name: record.name, bytes: new Uint8Array(await record.bytes.arrayBuffer()) };
  }

  async clear() {
    await transaction(this.db, 'readwrite', (store) => {
      store.clear();
    });
  }
}

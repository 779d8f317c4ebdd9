import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, createGzip, type Gzip } from 'node:zlib';
import { ConflictError } from '../../errors';
import { ARCHIVE_FORMAT, ARCHIVE_FORMAT_VERSION, manifestProblem, type ArchiveManifest } from './manifest';

/** The file is not a complete, well-formed archive. */
export class ArchiveFormatError extends Error {
  constructor(message: string) {
    super(`Not a valid hospital archive: ${message}`);
    this.name = 'ArchiveFormatError';
  }
}

/**
 * Writes an archive: gzip'd JSON lines — the manifest (an object); then per table a header
 * `["table", name, rows]` and one JSON object per row; then `["end", rows]`. It is written to `<file>.partial` and renamed when complete, so a failed
 * export never leaves something that looks like an archive. The `.partial` file is created new: one
 * that exists (another export's, or one left by an interrupted export) is refused and left alone.
 */
export class ArchiveWriter {
  private readonly gzip: Gzip = createGzip();
  private readonly written: Promise<void>;
  private rows = 0;

  private constructor(
    private readonly file: string,
    private readonly partial: string,
    handle: FileHandle,
  ) {
    this.written = pipeline(this.gzip, handle.createWriteStream());
    this.written.catch(() => undefined);
  }

  static async open(file: string): Promise<ArchiveWriter> {
    const partial = `${file}.partial`;
    try {
      return new ArchiveWriter(file, partial, await open(partial, 'wx'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      throw ConflictError.because(`${partial} exists: another export is running or one was interrupted; remove it to retry`);
    }
  }

  async manifest(manifest: ArchiveManifest): Promise<void> {
    await this.line(JSON.stringify(manifest));
  }

  async table(name: string, rows: number): Promise<void> {
    await this.line(JSON.stringify(['table', name, rows]));
  }

  async row(json: string): Promise<void> {
    this.rows += 1;
    await this.line(json);
  }

  async finish(): Promise<void> {
    await this.line(JSON.stringify(['end', this.rows]));
    this.gzip.end();
    await this.written;
    await rename(this.partial, this.file);
  }

  /** Stops writing and removes this writer's own `.partial` file. */
  async abort(): Promise<void> {
    this.gzip.destroy();
    await this.written.catch(() => undefined);
    await rm(this.partial, { force: true });
  }

  private async line(text: string): Promise<void> {
    if (!this.gzip.write(`${text}\n`)) await Promise.race([once(this.gzip, 'drain'), this.written]);
  }
}

/** The lines of a gzip'd file, one at a time; read errors and corrupt data reject the iteration. */
async function* lines(file: string): AsyncGenerator<string> {
  const source = createReadStream(file);
  const gunzip = createGunzip();
  source.on('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  const decoder = new StringDecoder('utf8');
  let pending = '';
  try {
    for await (const chunk of gunzip) {
      pending += decoder.write(chunk as Buffer);
      const parts = pending.split('\n');
      pending = parts.pop()!;
      yield* parts;
    }
    pending += decoder.end();
    if (pending) yield pending;
  } catch (error) {
    // zlib's errors (Z_DATA_ERROR, Z_BUF_ERROR, ...): the bytes are not the gzip stream that was written.
    if (String((error as NodeJS.ErrnoException).code).startsWith('Z_')) throw new ArchiveFormatError('the file is damaged (not a readable gzip stream)');
    throw error;
  } finally {
    source.destroy();
    gunzip.destroy();
  }
}

function parseManifest(line: string | undefined): ArchiveManifest {
  let manifest: Partial<ArchiveManifest> | null;
  try {
    manifest = JSON.parse(line ?? '') as Partial<ArchiveManifest> | null;
  } catch {
    throw new ArchiveFormatError('the first line is not a manifest');
  }
  if (manifest?.format !== ARCHIVE_FORMAT) throw new ArchiveFormatError('the first line is not a manifest');
  if (manifest.formatVersion !== ARCHIVE_FORMAT_VERSION) throw new ArchiveFormatError(`format version ${manifest.formatVersion} is not supported`);
  const problem = manifestProblem(manifest);
  if (problem) throw new ArchiveFormatError(`its manifest is malformed: ${problem}`);
  return manifest as ArchiveManifest;
}

function parseHeader(line: string): ['table', string, number] | ['end', number] {
  try {
    return JSON.parse(line) as ['table', string, number] | ['end', number];
  } catch {
    throw new ArchiveFormatError(`a table header is damaged: ${line.slice(0, 80)}`);
  }
}

/** Reads only the manifest of an archive. */
export async function readManifest(file: string): Promise<ArchiveManifest> {
  for await (const line of lines(file)) return parseManifest(line);
  throw new ArchiveFormatError('the file is empty');
}

/**
 * The rows of an archive in batches, each tagged with its table, in the order written (foreign-key
 * order). Checks every table's row count against its header and the manifest, and the end line, so a
 * truncated or altered file fails before anything it loaded is kept.
 */
export async function* readRows(file: string, batchSize = 500): AsyncGenerator<{ table: string; rows: string[] }> {
  const iterator = lines(file);
  const manifest = parseManifest((await iterator.next()).value as string | undefined);
  const expected = new Map(manifest.tables.map((t) => [t.table, t.rows]));
  let table: { name: string; rows: number; seen: number } | undefined;
  let batch: string[] = [];
  const close = () => {
    if (table && table.seen !== table.rows) throw new ArchiveFormatError(`table ${table.name} has ${table.seen} rows, header says ${table.rows}`);
  };
  for await (const line of iterator) {
    if (line.startsWith('[')) {
      if (batch.length) yield { table: table!.name, rows: batch };
      batch = [];
      close();
      const header = parseHeader(line);
      if (header[0] === 'end') {
        if (expected.size > 0) throw new ArchiveFormatError(`tables missing: ${[...expected.keys()].join(', ')}`);
        return;
      }
      if (header[0] !== 'table' || expected.get(header[1]) !== header[2]) throw new ArchiveFormatError(`table ${header[1]} does not match the manifest`);
      expected.delete(header[1]);
      table = { name: header[1], rows: header[2], seen: 0 };
    } else {
      if (!table) throw new ArchiveFormatError('a row comes before any table header');
      table.seen += 1;
      batch.push(line);
      if (batch.length >= batchSize) {
        yield { table: table.name, rows: batch };
        batch = [];
      }
    }
  }
  throw new ArchiveFormatError('the file is truncated (no end line)');
}

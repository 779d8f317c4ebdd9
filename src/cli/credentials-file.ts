import { closeSync, fchmodSync, openSync, rmSync, writeSync } from 'node:fs';
import { describeFailure } from './failure';

/**
 * The --credentials file: created new with mode 0600 before anything is provisioned (an existing file
 * is refused, never overwritten), one line appended as soon as each hospital is created.
 */
export class CredentialsFile {
  /** Lines that could not be written (printed instead). */
  readonly unsaved: string[] = [];
  writeError: string | undefined;

  private constructor(
    readonly path: string,
    private readonly fd: number,
  ) {}

  static create(path: string): CredentialsFile {
    const fd = openSync(path, 'wx', 0o600);
    const file = new CredentialsFile(path, fd);
    try {
      fchmodSync(fd, 0o600);
      writeSync(fd, 'slug,admin_email,initial_password\n');
    } catch (error) {
      file.close(false);
      throw error;
    }
    return file;
  }

  append(line: string): void {
    try {
      writeSync(this.fd, `${line}\n`);
    } catch (error) {
      this.writeError = describeFailure(error);
      this.unsaved.push(line);
    }
  }

  /** Closes the file; one that holds no password (nothing was created) is removed, so a rerun can use its name. */
  close(keep: boolean): void {
    closeSync(this.fd);
    if (!keep) rmSync(this.path, { force: true });
  }
}

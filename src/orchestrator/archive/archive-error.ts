/**
 * A report archive that cannot be written or read: an unwritable reports directory, an entry without a valid
 * manifest. Exit code 2 (spec: specs/archive-and-plans.md §5): the person fixes a path or a permission.
 */
export class ArchiveError extends Error {
  readonly exitCode = 2;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ArchiveError';
  }
}

import type { PythonErrorInfo, TorchKind } from './protocol.ts';

export type TorchFailure = 'missing-python' | 'missing-module' | 'python-error' | 'process-exit' | 'protocol';

/** What to install when the reference cannot start, for every cause. */
export const INSTALL_HINT =
  'The PyTorch reference needs Debian\'s Python 3 with torch 1.13, onnx and numpy: `apt-get install python3-torch python3-onnx python3-numpy`, ' +
  'or set backend.params.python (TANDEM_TORCH_PYTHON) to an interpreter that has them';

/** One failure of the PyTorch reference, as a sentence for a person plus the Python details when there are some. */
export class TorchReferenceError extends Error {
  constructor(
    message: string,
    readonly failure: TorchFailure,
    /** The last traceback frame (`File "...", line N, in fn: source`), when Python raised. */
    readonly lastFrame?: string,
    readonly pythonTraceback?: string,
    /** Python's own exception message (what a RequestError raised on purpose says to the user). */
    readonly pythonMessage?: string,
    /** The class name of Python's exception (RequestError, UserModuleError, ...). */
    readonly pythonType?: string,
  ) {
    super(message);
    this.name = 'TorchReferenceError';
  }
}

/** The user's module, its file or its weights map cannot serve as the reference: the user fixes it (exit 2). */
export class ModuleReferenceError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'ModuleReferenceError';
  }
}

export function missingPython(python: string, cause: string): TorchReferenceError {
  return new TorchReferenceError(`The PyTorch reference could not start: ${python} cannot be run (${cause}). ${INSTALL_HINT}.`, 'missing-python');
}

export function missingModule(python: string, e: PythonErrorInfo): TorchReferenceError {
  const pkg = e.missing === 'onnx' ? 'python3-onnx' : e.missing === 'numpy' ? 'python3-numpy' : 'python3-torch';
  return new TorchReferenceError(
    `The PyTorch reference could not start: ${python} cannot import ${e.missing ?? 'a module it needs'} (${e.type}: ${e.message}; at ${e.last_frame}). ` +
      `Install it with \`apt-get install ${pkg}\`. ${INSTALL_HINT}.`,
    'missing-module',
    e.last_frame,
    e.traceback,
  );
}

/** A request Python answered with an exception; `what` says which request and graph. */
export function pythonError(kind: TorchKind, what: string, e: PythonErrorInfo, torchVersion: string): TorchReferenceError {
  // An op the installed torch lacks shows up as an AttributeError on torch (or NotImplementedError in a kernel).
  const lacking = /module 'torch[^']*' has no attribute|NotImplementedError|not implemented for/.test(`${e.type}: ${e.message}`)
    ? ` torch ${torchVersion} seems to lack what this needs: install a newer torch (\`apt-get install python3-torch\` from a newer release), or avoid the op.`
    : '';
  return new TorchReferenceError(
    `The PyTorch reference failed on "${kind}"${what}: ${e.type}: ${e.message}.${lacking}\n  Python's last frame: ${e.last_frame}`,
    'python-error',
    e.last_frame,
    e.traceback,
    e.message,
    e.type,
  );
}

export function processExit(python: string, during: string, code: number | null, signal: string | null, stderr: string): TorchReferenceError {
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  const tail = stderr.trim().split('\n').slice(-12).join('\n');
  const lastFrame = [...tail.matchAll(/File "[^"]+", line \d+, in .*/g)].at(-1)?.[0];
  return new TorchReferenceError(
    `The PyTorch reference process (${python}) ${how} ${during}.${tail ? `\n  Its stderr ends with:\n${tail.replace(/^/gm, '    ')}` : ' It wrote nothing to stderr.'}\n  ${INSTALL_HINT}.`,
    'process-exit',
    lastFrame,
  );
}

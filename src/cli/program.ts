import { Command, CommanderError } from 'commander';
import { exitCodeOf, messageOf } from '../orchestrator/errors.ts';
import { tandemVersion } from '../util/package-version.ts';
import { commands } from './commands/index.ts';
import { processIo, toJson, type CliIo } from './io.ts';

/** Exit codes (spec: specs/config-handshake.md §9). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * Run `tandem` with `argv` (without node and script) and return the exit code. Every error becomes one message
 * on stderr, no stack trace (set TANDEM_DEBUG=1 to see it): 2 for usage, config and input errors, 1 otherwise.
 */
export async function runCli(argv: readonly string[], stdio: CliIo = processIo): Promise<number> {
  const json = argv.includes('--json') ? new JsonDocument(stdio) : undefined;
  const io = json?.io ?? stdio;
  const program = new Command('tandem')
    .description('Experiment orchestrator for physics-informed ML with stage-by-stage parity against PyTorch.')
    .version(tandemVersion() ?? 'unknown', '-V, --version', 'print the tandem version')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run with --help for usage)');
  for (const command of commands) command.register(program, io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    json?.flush();
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message (or the help text) through configureOutput.
      json?.flush();
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    const message = messageOf(error);
    const code = exitCodeOf(error) ?? EXIT_FAILURE;
    io.err(`error: ${message}\n`);
    if (process.env.TANDEM_DEBUG && error instanceof Error && error.stack) io.err(`${error.stack}\n`);
    // With --json a script reads stdout; give it the error in the same form, inside the one document.
    json?.flush({ kind: error instanceof Error ? error.name : 'Error', message, exitCode: code });
    return code;
  }
}

/**
 * `--json` means exactly one JSON document on stdout (specs/config-handshake.md §9). A command writes its
 * document and may then fail (parity found differences, a plan phase did not pass): the document is held until
 * the command ends, and an error goes inside it as `error` — or is the whole document when none was written.
 */
class JsonDocument {
  private text = '';
  readonly io: CliIo;

  constructor(private readonly target: CliIo) {
    this.io = { out: (text) => void (this.text += text), err: (text) => target.err(text) };
  }

  flush(error?: { kind: string; message: string; exitCode: number }): void {
    if (!error) {
      if (this.text) this.target.out(this.text);
      return;
    }
    const body = this.text.trim() ? asObject(this.text) : {};
    this.target.out(toJson({ ...body, error }));
  }
}

/** The written document as an object `error` can join: an array or other value goes under `result`. */
function asObject(text: string): object {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return { output: text }; // not JSON after all (a command that ignores --json): kept, still one document
  }
  return typeof document === 'object' && document !== null && !Array.isArray(document) ? document : { result: document };
}

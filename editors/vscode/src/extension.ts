// The accord extension's client: starts `accord lsp` over stdio for `.accord` files and
// hands it to VS Code's language client. Everything the editor knows about the rules
// (diagnostics, hover, definitions, completion, formatting) comes from the server: this
// file must not check, parse or colour anything itself (colours are the TextMate grammar's).

import { spawn, type ChildProcess } from "node:child_process";
import * as vscode from "vscode";
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  type ErrorHandler,
  type LanguageClientOptions,
} from "vscode-languageclient/node";

/** The setting that names the `accord` program. */
const PATH_SETTING = "accord.path";

let client: LanguageClient | undefined;
/** The last `accord lsp` process started, to end it should it outlive its client. */
let server: ChildProcess | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("accord");
  context.subscriptions.push(output);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (change) => {
      if (change.affectsConfiguration(PATH_SETTING)) {
        await stopClient();
        await startClient(output);
      }
    }),
  );
  await startClient(output);
}

export async function deactivate(): Promise<void> {
  await stopClient();
}

/** The program the setting names, `accord` (found on `PATH`) when it is empty. */
function accordProgram(): string {
  const configured = vscode.workspace.getConfiguration("accord").get<string>("path", "");
  return configured.trim() === "" ? "accord" : configured.trim();
}

async function startClient(output: vscode.OutputChannel): Promise<void> {
  const program = accordProgram();
  // The first server is started here, so that a program that cannot be run is reported
  // once, by us, naming the setting, rather than as the client's "couldn't create
  // connection". Should the server stop, the client starts the next ones itself.
  let first: ChildProcess | undefined;
  try {
    first = await spawnServer(program);
  } catch (error) {
    output.appendLine(`accord: "${program} lsp" could not be started: ${describe(error)}`);
    void reportCannotStart(program, describe(error));
    return;
  }
  const serverOptions = (): Promise<ChildProcess> => {
    const ready = first;
    first = undefined;
    return ready !== undefined ? Promise.resolve(ready) : spawnServer(program);
  };
  // Until the server has answered `initialize`, a failure is ours to report, once; after
  // that the client's own handling (restart a crashed server a few times) applies.
  let started = false;
  let fallback: ErrorHandler | undefined;
  // One handler for the client's life: it counts the restarts.
  const restarting = (): ErrorHandler => (fallback ??= candidate.createDefaultErrorHandler());
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "accord" },
      { scheme: "untitled", language: "accord" },
    ],
    outputChannel: output,
    initializationFailedHandler: () => false,
    errorHandler: {
      error: (error, message, count) =>
        started ? restarting().error(error, message, count) : { action: ErrorAction.Continue, handled: true },
      closed: () => (started ? restarting().closed() : { action: CloseAction.DoNotRestart, handled: true }),
    },
  };
  // The client's id is "accord", so it reads the trace level from `accord.trace.server`.
  const candidate = new LanguageClient("accord", "accord", serverOptions, clientOptions);
  try {
    await candidate.start();
    started = true;
    client = candidate;
  } catch (error) {
    // The program ran but did not answer as a language server (an accord without `lsp`?).
    output.appendLine(`accord: "${program} lsp" did not start a language server: ${describe(error)}`);
    await candidate.dispose().catch(() => undefined);
    stopProcess();
    void reportCannotStart(program, "it did not answer as a language server");
  }
}

async function stopClient(): Promise<void> {
  const running = client;
  client = undefined;
  if (running !== undefined) {
    await running.stop().catch(() => undefined);
  }
  stopProcess();
}

/** Ends the last server started, should it still run once its client has stopped. */
function stopProcess(): void {
  if (server !== undefined && server.exitCode === null && server.signalCode === null) {
    server.kill();
  }
  server = undefined;
}

/**
 * Starts `PROGRAM lsp`, resolving once the process runs. A program that cannot be run
 * (not found, not executable) rejects here, with the operating system's reason, rather
 * than as a closed connection the user could not trace back to the setting.
 */
function spawnServer(program: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const started = spawn(program, ["lsp"], { stdio: "pipe", shell: false });
    started.once("error", reject);
    started.once("spawn", () => {
      started.removeListener("error", reject);
      // A server that exits at once (a program without `lsp`) makes the client's writes
      // fail; the client reports that, so the stream's error must not be thrown again.
      started.stdin?.on("error", () => undefined);
      server = started;
      resolve(started);
    });
  });
}

/** Says what failed and which setting to change, with a button that opens it. */
async function reportCannotStart(program: string, reason: string): Promise<void> {
  const openSettings = "Open Settings";
  const choice = await vscode.window.showErrorMessage(
    `accord: could not start the language server "${program} lsp" (${reason}). ` +
      `Set "${PATH_SETTING}" to the accord program (a name on PATH or a full path); ` +
      'the output "accord" says more. Colours and brackets work without it.',
    openSettings,
  );
  if (choice === openSettings) {
    await vscode.commands.executeCommand("workbench.action.openSettings", PATH_SETTING);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? "no such program" : error.message;
  }
  return String(error);
}

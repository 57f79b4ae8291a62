// The accord extension's client: starts `accord lsp` over stdio for `.accord` files and
// hands it to VS Code's language client. Everything the editor knows about the rules
// (diagnostics, hover, definitions, completion, formatting) comes from the server: this
// file must not check, parse or colour anything itself (colours are the TextMate grammar's).

import { spawn, type ChildProcess } from "node:child_process";
import * as vscode from "vscode";
import { LanguageClient, type LanguageClientOptions } from "vscode-languageclient/node";

/** The setting that names the `accord` program. */
const PATH_SETTING = "accord.path";

let client: LanguageClient | undefined;

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
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "accord" },
      { scheme: "untitled", language: "accord" },
    ],
    outputChannel: output,
  };
  // The client's id is "accord", so it reads the trace level from `accord.trace.server`.
  const candidate = new LanguageClient("accord", "accord", () => spawnServer(program), clientOptions);
  try {
    await candidate.start();
    client = candidate;
  } catch (error) {
    output.appendLine(`accord lsp could not be started: ${describe(error)}`);
    await candidate.dispose().catch(() => undefined);
    await reportCannotStart(program, error);
  }
}

async function stopClient(): Promise<void> {
  const running = client;
  client = undefined;
  if (running !== undefined) {
    await running.stop().catch(() => undefined);
  }
}

/**
 * Starts `PROGRAM lsp`, resolving once the process runs. A program that cannot be run
 * (not found, not executable) rejects here, with the operating system's reason, rather
 * than as a closed connection the user could not trace back to the setting.
 */
function spawnServer(program: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const server = spawn(program, ["lsp"], { stdio: "pipe", shell: false });
    server.once("error", reject);
    server.once("spawn", () => {
      server.removeListener("error", reject);
      resolve(server);
    });
  });
}

/** Says what failed and which setting to change, with a button that opens it. */
async function reportCannotStart(program: string, error: unknown): Promise<void> {
  const openSettings = "Open Settings";
  const choice = await vscode.window.showErrorMessage(
    `accord: could not start the language server "${program} lsp" (${describe(error)}). ` +
      `Set "${PATH_SETTING}" to the accord program (a name on PATH or a full path); ` +
      "colours and brackets work without it.",
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

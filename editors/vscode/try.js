// Drives the accord extension in VS Code (code-server, in headless Chromium) the way a
// rule author would: opens rules/4-mergers.accord, types a misspelt fact, reads the
// Problems count and the squiggle, hovers a source, takes the quick fix, asks for
// completion, goes to a fact's definition, and asks for references, a rename, formatting
// and the outline; then changes a file on disk, sets a wrong accord.path and kills the
// server five times; printing what VS Code showed and taking a screenshot of each. Started
// by `try` (beside it), which starts code-server; this file must not start or install
// anything itself. Exits with 1 if any step shows nothing.
//
//   node try.js URL FOLDER SHOTS     # with playwright-core on NODE_PATH

const { chromium } = require("playwright-core");

const [url, folder, shots] = process.argv.slice(2);
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
let failed = 0;

function report(step, seen) {
  const ok = seen !== undefined && seen !== null && String(seen).trim() !== "";
  if (!ok) failed += 1;
  console.log(`${ok ? "ok  " : "FAIL"} ${step}: ${ok ? String(seen).trim() : "nothing"}`);
}

const pause = (page, ms) => page.waitForTimeout(ms);

/** Moves the cursor with Go to Line (Ctrl+G), `LINE:COLUMN`. */
async function goTo(page, where) {
  await page.keyboard.press("Control+G");
  await pause(page, 500);
  await page.keyboard.type(where);
  await page.keyboard.press("Enter");
  await pause(page, 500);
}

/** The visible text of the first element the selector finds, or undefined after `ms`. */
async function textOf(page, selector, ms = 8000) {
  try {
    const element = page.locator(selector).first();
    await element.waitFor({ state: "visible", timeout: ms });
    return await element.innerText();
  } catch {
    return undefined;
  }
}

async function problems(page) {
  return page.locator('[id="status.problems"]').first().getAttribute("aria-label");
}

/** Polls until the Problems count's label matches, or gives up after `ms`. */
async function waitProblems(page, pattern, ms = 10000) {
  const end = Date.now() + ms;
  let label = await problems(page);
  while (!pattern.test(label ?? "") && Date.now() < end) {
    await pause(page, 250);
    label = await problems(page);
  }
  return label;
}

async function shoot(page, name) {
  const path = `${shots}/${name}.png`;
  await page.screenshot({ path });
  console.log(`     screenshot ${path}`);
}

/**
 * A screenshot of the editor cropped to the hover shown and the word it is about (the
 * pictures in docs/ are such crops): from the editor's left edge, with its line numbers,
 * to just past the hover.
 */
async function shootHover(page, name, word) {
  const hover = await page.locator(".monaco-hover:not(.hidden)").first().boundingBox().catch(() => null);
  const editor = await page.locator(".monaco-editor").first().boundingBox().catch(() => null);
  if (hover === null || editor === null || word === null) return;
  // Whole lines only: from the line the hover's top covers to the line after the word's.
  const lines = await page.$$eval(".monaco-editor .view-line", (found) =>
    found.map((line) => line.getBoundingClientRect()).map((box) => [box.top, box.bottom]),
  );
  const tops = lines.map(([lineTop]) => lineTop).filter((lineTop) => lineTop <= Math.min(hover.y, word.y) - 2);
  const wordBottom = lines.find(([lineTop, lineBottom]) => lineTop <= word.y && word.y < lineBottom)?.[1] ?? word.y;
  const bottoms = lines.map(([, lineBottom]) => lineBottom).filter((lineBottom) => lineBottom > wordBottom);
  const top = Math.max(editor.y, tops.length > 0 ? Math.max(...tops) : hover.y - 4);
  const bottom = Math.max(hover.y + hover.height + 4, bottoms.length > 0 ? Math.min(...bottoms) : wordBottom);
  const right = Math.min(editor.x + editor.width, Math.max(hover.x + hover.width, word.x + word.width) + 24);
  const path = `${shots}/${name}.png`;
  await page.screenshot({ path, clip: { x: editor.x, y: top, width: right - editor.x, height: bottom - top } });
  console.log(`     screenshot ${path}`);
}

/** The misspelt word an error squiggle underlines, once one shows. */
async function squiggleUnder(page) {
  try {
    await page.locator(".monaco-editor .squiggly-error").first().waitFor({ timeout: 8000 });
  } catch {
    return undefined;
  }
  return page.evaluate(() => {
    const squiggle = document.querySelector(".monaco-editor .squiggly-error").getBoundingClientRect();
    const under = document.elementFromPoint(squiggle.x + squiggle.width / 2, squiggle.y + squiggle.height / 2);
    return `under ${under?.textContent ?? "?"} (${Math.round(squiggle.width)} pixels wide)`;
  });
}

/** The rows the suggestion widget shows (those in view), once it opens. */
async function suggestions(page) {
  try {
    await page.locator(".suggest-widget.visible .monaco-list-row").first().waitFor({ state: "visible", timeout: 8000 });
  } catch {
    return [];
  }
  await pause(page, 300);
  return page.$$eval(".suggest-widget.visible .monaco-list-row", (found) =>
    found.map((row, index) => {
      const name = row.querySelector(".label-name")?.textContent ?? row.getAttribute("aria-label");
      const detail = row.querySelector(".details-label")?.textContent;
      // The list draws only the rows in view; each knows how many there are.
      const of = index === 0 ? ` [1 of ${row.getAttribute("aria-setsize")}]` : "";
      return `${name}${detail ? ` (${detail})` : ""}${of}`;
    }),
  );
}

async function openFile(page, name) {
  await page.keyboard.press("Control+P");
  await pause(page, 800);
  await page.keyboard.type(name);
  await pause(page, 800);
  await page.keyboard.press("Enter");
  await pause(page, 1500);
}

/** The text of the rendered line that matches, spaces as typed. */
function lineMatching(page, pattern) {
  return page.evaluate(
    ([source, flags]) =>
      [...document.querySelectorAll(".view-line")]
        .map((line) => line.textContent.replace(/\u00a0/g, " "))
        .find((text) => new RegExp(source, flags).test(text)),
    [pattern.source, pattern.flags],
  );
}

/** Find All References (Shift+F12) of `change.kind`, line 34: the peek view's title. */
async function references(page) {
  await goTo(page, "34:12");
  await page.keyboard.press("Shift+F12");
  const title = await textOf(page, ".peekview-widget .peekview-title");
  const files = await page.$$eval(".peekview-widget .monaco-list-row", (found) =>
    found.map((row) => row.getAttribute("aria-label")).filter((label) => /\.accord/.test(label ?? "")),
  );
  report("references of change.kind (the peek view)", title && `${title.replace(/\s+/g, " ")}; ${files.join("; ")}`);
  await shoot(page, "7-references");
  await page.keyboard.press("Escape");
  await pause(page, 500);
}

/** Rename (F2) of the rule `merger_after_effects` (line 55, overridden on line 83), then Undo. */
async function rename(page) {
  await goTo(page, "55:10");
  await page.keyboard.press("F2");
  await pause(page, 1000);
  await page.keyboard.press("Control+A");
  await page.keyboard.type("merger_lasting_effects");
  await shoot(page, "rename");
  await page.keyboard.press("Enter");
  await pause(page, 2000);
  const declared = await lineMatching(page, /rule merger_lasting_effects/);
  await goTo(page, "83");
  const overridden = await lineMatching(page, /overrides merger_lasting_effects/);
  report("rename of merger_after_effects", declared && overridden && `${declared.trim()} / ${overridden.trim()}`);
  report("problems after the rename", await waitProblems(page, /No Problems/));
  const onDisk = require("node:fs").readFileSync(`${folder}/4-mergers.accord`, "utf8");
  console.log(`     on disk: ${onDisk.includes("merger_lasting_effects") ? "saved (files.refactoring.autoSave)" : "not saved"}`);
  await page.keyboard.press("Control+Z");
  await pause(page, 1000);
}

/** Format Document (Ctrl+Shift+I on Linux) after indenting `lesson S4` (line 12) by 4 more spaces. */
async function formatting(page) {
  await goTo(page, "12:1");
  await page.keyboard.type("    ");
  await pause(page, 500);
  const before = await lineMatching(page, /^\s*lesson S4$/);
  await page.keyboard.press("Control+Shift+I");
  await pause(page, 2000);
  const after = await lineMatching(page, /^\s*lesson S4$/);
  report("formatting", before && after && before !== after && `"${before}" laid out as "${after}"`);
}

/** Go to Symbol in Editor (Ctrl+Shift+O): the symbols listed first. */
async function outline(page) {
  await page.keyboard.press("Control+Shift+O");
  await pause(page, 1500);
  const rows = await page.$$eval(".quick-input-list .monaco-list-row", (found) =>
    found.map((row) => row.getAttribute("aria-label")),
  );
  report("outline (Ctrl+Shift+O)", rows.join("; "));
  await shoot(page, "8-outline");
  await page.keyboard.press("Escape");
  await pause(page, 500);
}

/** A source renamed on disk, outside the editor, and put back: the count follows both. */
async function changedOnDisk(page) {
  const fs = require("node:fs");
  const file = `${folder}/sources-glasby-2012.accord`;
  const original = fs.readFileSync(file, "utf8");
  fs.writeFileSync(file, original.replace("source glasby_2012\n", "source glasby_2012_renamed\n"));
  report("problems after a source is renamed on disk", await waitProblems(page, /Errors: [1-9]/));
  fs.writeFileSync(file, original);
  report("problems once it is put back", await waitProblems(page, /No Problems/));
}

/**
 * `accord.path` set, in the Settings editor, to a program that does not exist: the
 * notification VS Code shows. code-server is a remote of VS Code, and the setting (of
 * scope machine-overridable) is on the Settings editor's Remote tab there.
 */
async function wrongPath(page) {
  await page.keyboard.press("Control+,");
  await pause(page, 2000);
  await page.keyboard.type("accord.path");
  await pause(page, 1500);
  const remote = page.locator(".settings-editor .settings-tabs-widget .action-label", { hasText: "Remote" });
  if ((await remote.count()) > 0) {
    await remote.first().click();
    await pause(page, 1500);
  }
  const input = page.locator(".settings-editor .setting-item-contents input").first();
  const configured = await input.inputValue();
  await input.fill("/nowhere/accord");
  await input.press("Tab");
  report("notification for accord.path /nowhere/accord", await textOf(page, ".notifications-toasts .notification-toast", 15000));
  await shoot(page, "9-wrong-path");
  // Set back to the accord that works, the server starts again: its hover answers.
  await input.fill(process.env.ACCORD || configured);
  await input.press("Tab");
  await pause(page, 3000);
  await page.keyboard.press("Control+W");
  await pause(page, 1000);
  await goTo(page, "27:12");
  await page.keyboard.press("Control+K");
  await page.keyboard.press("Control+I");
  report("hover of glasby_2012 once accord.path is set back", (await textOf(page, ".monaco-hover:not(.hidden) .monaco-hover-content"))?.split("\n")[0]);
}

/**
 * The server killed five times (it runs in code-server's process group, GROUP): the client
 * starts it again four times, each answering the next misspelling, and then gives up,
 * saying so.
 */
async function crashes(page) {
  const group = process.env.GROUP;
  if (!group) return;
  const { execFileSync } = require("node:child_process");
  const servers = () =>
    execFileSync("ps", ["-eo", "pid=,pgid=,args="], { encoding: "utf8" })
      .split("\n")
      .map((line) => line.trim().split(/\s+/))
      .filter(([, pgid, ...args]) => pgid === group && args.slice(-1)[0] === "lsp" && /accord$/.test(args.slice(-2)[0] ?? ""))
      .map(([pid]) => Number(pid));
  await page.mouse.move(5, 450);
  await page.keyboard.press("Escape");
  const answered = [];
  for (let round = 1; round <= 5; round += 1) {
    const running = servers();
    if (running.length === 0) break;
    for (const pid of running) process.kill(pid, "SIGKILL");
    await pause(page, 3000);
    await goTo(page, "34:16");
    await page.keyboard.press("Delete");
    const label = await waitProblems(page, /Errors: 1/, 5000);
    await page.keyboard.press("Control+Z");
    await waitProblems(page, /No Problems/, 5000);
    answered.push(`kill ${round}: ${/Errors: 1/.test(label ?? "") ? "restarted, the error shown" : "no error shown"}`);
  }
  console.log(`     ${answered.join("; ")}`);
  report("after the fifth kill", await textOf(page, '.notifications-toasts .notification-toast:has-text("crashed")', 10000));
  await shoot(page, "10-crashes");
}

async function main() {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
  await page.waitForSelector(".monaco-workbench", { timeout: 60000 });
  await pause(page, 3000);

  // Open the file with Quick Open, as a person would.
  await page.keyboard.press("Control+P");
  await pause(page, 800);
  await page.keyboard.type("4-mergers.accord");
  await pause(page, 800);
  await page.keyboard.press("Enter");
  await page.waitForSelector(".monaco-editor .view-lines", { timeout: 20000 });
  await pause(page, 4000);
  report("language mode", await textOf(page, '[id="status.editor.mode"]'));
  // Colours: the grammar gives `rule` and `cite` other colours than plain text.
  const colours = await page.evaluate(() => {
    const seen = {};
    for (const span of document.querySelectorAll(".view-line span span")) {
      const word = span.textContent.trim();
      if (["rule", "cite", "lesson", "glasby_2012", "act_now", "18 months"].includes(word)) {
        seen[word] ??= getComputedStyle(span).color;
      }
    }
    const plain = getComputedStyle(document.querySelector(".monaco-editor .view-lines")).color;
    return Object.entries(seen)
      .map(([word, colour]) => `${word} ${colour}${colour === plain ? " (plain)" : ""}`)
      .join("; ");
  });
  report("colours", colours);
  report("problems on opening", await waitProblems(page, /No Problems/));
  await shoot(page, "1-opened");

  // Line 34 reads `  when change.kind is merger ...`: deleting the `i` of `kind` misspells it.
  await goTo(page, "34:16");
  await page.keyboard.press("Delete");
  const label = await waitProblems(page, /Errors: 1/);
  report("problems after typing change.knd", label);
  report("squiggle", await squiggleUnder(page));
  // The error's message, as resting the mouse on the squiggle shows it.
  const squiggle = page.locator(".monaco-editor .squiggly-error").first();
  const box = await squiggle.boundingBox().catch(() => null);
  if (box !== null) {
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    report("hover on the error", await textOf(page, ".monaco-hover:not(.hidden) .monaco-hover-content"));
    await shoot(page, "2-error");
    await shootHover(page, "editor-error", box);
    await page.mouse.move(5, 450);
    await pause(page, 800);
  }

  // The hover of a source, while the error stands.
  const source = page.locator(".view-line span span", { hasText: /^glasby_2012$/ }).first();
  const sourceBox = await source.boundingBox().catch(() => null);
  if (sourceBox !== null) {
    await page.mouse.move(sourceBox.x + sourceBox.width / 2, sourceBox.y + sourceBox.height / 2);
    report("hover on glasby_2012", await textOf(page, ".monaco-hover:not(.hidden) .monaco-hover-content"));
    await shoot(page, "3-hover");
    await shootHover(page, "editor-hover", sourceBox);
    await page.mouse.move(5, 450);
    await pause(page, 800);
  } else {
    report("hover on glasby_2012", "");
  }

  // The quick fix: Ctrl+. on the misspelt fact, then Enter.
  await goTo(page, "34:12");
  await page.keyboard.press("Control+.");
  report("quick fix menu", await textOf(page, ".action-widget"));
  await shoot(page, "4-quick-fix");
  await page.keyboard.press("Enter");
  report("problems after the quick fix", await waitProblems(page, /No Problems/));
  report(
    "line 34 after the quick fix",
    await page.evaluate(() =>
      [...document.querySelectorAll(".view-line")]
        .map((line) => line.textContent.replace(/\u00a0/g, " "))
        .find((text) => text.includes("when change.k")),
    ),
  );

  // Completion after `cite `, on a new line at the end of the first rule (line 28).
  await goTo(page, "28");
  await page.keyboard.press("End");
  await page.keyboard.press("Enter");
  await page.keyboard.type("cite ");
  await pause(page, 500);
  await page.keyboard.press("Control+Space");
  report("completion after `cite ` (the rows shown)", (await suggestions(page)).join(", "));
  await shoot(page, "5-completion");
  await page.keyboard.press("Escape");
  // Delete Line (Ctrl+Shift+K) takes the unfinished `cite` away again.
  await page.keyboard.press("Control+Shift+K");
  report("problems once the line is gone", await waitProblems(page, /No Problems/));

  // Completion as you type: `.` is one of the server's trigger characters.
  await goTo(page, "28");
  await page.keyboard.press("End");
  await page.keyboard.press("Enter");
  await page.keyboard.type("when change.");
  report("completion opened by typing `when change.`", (await suggestions(page)).join(", "));
  await shoot(page, "5-completion-typed");
  await page.keyboard.press("Escape");
  await page.keyboard.press("Control+Shift+K");
  report("problems once that line is gone", await waitProblems(page, /No Problems/));

  // A `one of` fact's values after `is`.
  await goTo(page, "28");
  await page.keyboard.press("End");
  await page.keyboard.press("Enter");
  await page.keyboard.type("when change.phase is ");
  await pause(page, 500);
  await page.keyboard.press("Control+Space");
  report("completion after `change.phase is `", (await suggestions(page)).join(", "));
  await page.keyboard.press("Escape");
  await page.keyboard.press("Control+Shift+K");
  report("problems once this line is gone", await waitProblems(page, /No Problems/));

  // Go to definition: F12 on `change.date` (line 25, `  event "Merger takes effect" on change.date`).
  await goTo(page, "25:40");
  await page.keyboard.press("F12");
  await pause(page, 3000);
  report(
    "go to definition of change.date",
    `${await textOf(page, ".tab.active .label-name")}, ${await textOf(page, '[id="status.editor.selection"]')}`,
  );
  await shoot(page, "6-definition");

  await openFile(page, "4-mergers.accord");
  await references(page);
  await rename(page);
  await formatting(page);
  await outline(page);
  await changedOnDisk(page);
  await wrongPath(page);
  await crashes(page);

  await browser.close();
  console.log(failed === 0 ? "every step showed something" : `${failed} step(s) showed nothing`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

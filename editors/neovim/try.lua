-- try.lua: what `try` does inside Neovim, headless, in the rule file it was opened on
-- (rules/4-mergers.accord of a copy of the rules). It types a misspelt fact and prints the
-- diagnostic that comes; hovers a source while the error stands; takes the quick fix the
-- server offers and waits for the error to go; then hovers a fact and a source, goes to
-- the definition of `change.date`, lists the references of `change.kind`, completes after
-- `cite ` and after `change.phase is `, asks to rename a rule that another overrides (printing the edits, applying
-- none), formats the file made untidy and lists its outline. Prints what each gave; exits
-- 0 when every one answered, 1 otherwise.

local function say(line)
  io.stdout:write(line .. "\n")
end

local function finish(code)
  io.stdout:flush()
  vim.cmd(code == 0 and "qall!" or ("cquit " .. code))
end

-- vim.lsp.buf_get_clients is deprecated from 0.10; vim.lsp.get_clients is new in it.
local function clients(buffer)
  if vim.lsp.get_clients ~= nil then
    return vim.lsp.get_clients({ bufnr = buffer })
  end
  return vim.tbl_values(vim.lsp.buf_get_clients(buffer))
end

local function errors(buffer)
  return vim.diagnostic.get(buffer, { severity = vim.diagnostic.severity.ERROR })
end

local function line_of(buffer, line)
  return vim.api.nvim_buf_get_lines(buffer, line, line + 1, false)[1]
end

-- The first line (0-based) holding `text`, and the column (0-based) where it starts.
local function find(buffer, text)
  for number, line in ipairs(vim.api.nvim_buf_get_lines(buffer, 0, -1, false)) do
    local column = line:find(text, 1, true)
    if column ~= nil then
      return number - 1, column - 1
    end
  end
end

-- The server's result for `method` at `line` and `character` (0-based), or nil.
local function ask(buffer, method, line, character, extra)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buffer) },
    position = { line = line, character = character },
  }
  for key, value in pairs(extra or {}) do
    params[key] = value
  end
  local answers = vim.lsp.buf_request_sync(buffer, method, params, 5000) or {}
  for _, answer in pairs(answers) do
    -- Neovim 0.7 names a refusal `error`, later versions `err`.
    local refused = answer.err or answer.error
    if refused ~= nil then
      return nil, refused.message
    end
    if answer.result ~= nil and answer.result ~= vim.NIL then
      return answer.result
    end
  end
end

local function hover(buffer, line, character)
  local result = ask(buffer, "textDocument/hover", line, character)
  if result ~= nil and result.contents ~= nil then
    return result.contents.value or vim.inspect(result.contents)
  end
end

local function short(path)
  return vim.fn.fnamemodify(path:match("^file:") and vim.uri_to_fname(path) or path, ":t")
end

-- Puts the cursor of the current window at `line` (0-based) and `column`.
local function put_cursor(line, column)
  vim.api.nvim_win_set_cursor(0, { line + 1, column })
end

-- The misspelt fact, its diagnostic, a hover while the error stands, and the quick fix.
local function misspell_and_fix(buffer)
  local line, column = find(buffer, "when change.kind is merger")
  if line == nil then
    say("the file has no `when change.kind is merger`")
    return false
  end
  local at = column + #"when change.k"
  vim.api.nvim_buf_set_text(buffer, line, at, line, at + 1, {})
  say("typed: " .. line_of(buffer, line))
  if not vim.wait(10000, function() return #errors(buffer) > 0 end, 50) then
    say("no diagnostic arrived within 10 seconds")
    return false
  end
  for _, found in ipairs(vim.diagnostic.get(buffer)) do
    local code = found.code or (found.user_data and found.user_data.lsp and found.user_data.lsp.code)
    say(string.format("diagnostic %d:%d %s [%s] %s", found.lnum + 1, found.col + 1,
      vim.diagnostic.severity[found.severity], tostring(code), found.message:gsub("\n", " | ")))
  end
  local ok = true

  local source_line, source_column = find(buffer, "glasby_2012")
  local words = source_line and hover(buffer, source_line, source_column + 2)
  if words == nil then
    say("hover on glasby_2012 while the error stands: nothing")
    ok = false
  else
    say("hover on glasby_2012 while the error stands: " .. vim.split(words, "\n")[1])
  end

  -- The quick fix, as a person takes it: code_action on the error, the first offered
  -- chosen (vim.ui.select is what asks which one).
  local diagnostic = errors(buffer)[1]
  put_cursor(diagnostic.lnum, diagnostic.col)
  local offered = {}
  local select = vim.ui.select
  vim.ui.select = function(items, options, choose)
    for _, item in ipairs(items) do
      table.insert(offered, options.format_item and options.format_item(item) or tostring(item))
    end
    choose(items[1], 1)
  end
  vim.lsp.buf.code_action()
  vim.wait(5000, function() return #offered > 0 end, 50)
  vim.ui.select = select
  if #offered == 0 then
    say("quick fix: none offered")
    return false
  end
  say("quick fixes offered: " .. table.concat(offered, "; ") .. " (the first taken)")
  if vim.wait(10000, function() return #errors(buffer) == 0 end, 50) then
    say("fixed: " .. line_of(buffer, line) .. "; no errors left")
  else
    say("quick fix taken, but the error stayed: " .. line_of(buffer, line))
    ok = false
  end
  return ok
end

local function hovers(buffer)
  local ok = true
  for _, name in ipairs({ "change.date", "glasby_2012" }) do
    local hover_line, hover_column = find(buffer, name)
    local words = hover_line and hover(buffer, hover_line, hover_column + 2)
    if words == nil then
      say("hover on " .. name .. ": nothing")
      ok = false
    else
      say("hover on " .. name .. " (line " .. (hover_line + 1) .. "):")
      for _, words_line in ipairs(vim.split(words, "\n")) do
        say(words_line == "" and "" or ("  " .. words_line))
      end
    end
  end
  return ok
end

-- Go to definition as `gd` does it (vim.lsp.buf.definition): where the cursor lands.
local function definition(buffer)
  local line, column = find(buffer, "change.date")
  put_cursor(line, column + 2)
  vim.lsp.buf.definition()
  local moved = vim.wait(5000, function() return vim.api.nvim_get_current_buf() ~= buffer end, 50)
  if not moved then
    say("definition of change.date: the cursor did not move")
    return false
  end
  local landed = vim.api.nvim_win_get_cursor(0)
  say(string.format("definition of change.date: %s line %d: %s", short(vim.api.nvim_buf_get_name(0)),
    landed[1], vim.api.nvim_get_current_line()))
  vim.api.nvim_set_current_buf(buffer)
  return true
end

-- The references of a fact, as vim.lsp.buf.references lists them in the quickfix list.
local function references(buffer)
  vim.fn.setqflist({}, "r")
  local line, column = find(buffer, "change.kind")
  put_cursor(line, column + 2)
  vim.lsp.buf.references()
  if not vim.wait(5000, function() return #vim.fn.getqflist() > 0 end, 50) then
    say("references of change.kind: none listed")
    return false
  end
  local files, order = {}, {}
  for _, item in ipairs(vim.fn.getqflist()) do
    local name = short(vim.api.nvim_buf_get_name(item.bufnr))
    if files[name] == nil then
      files[name] = {}
      table.insert(order, name)
    end
    table.insert(files[name], tostring(item.lnum))
  end
  local where = {}
  for _, name in ipairs(order) do
    table.insert(where, name .. " " .. table.concat(files[name], ","))
  end
  say(string.format("references of change.kind: %d, in the quickfix list: %s", #vim.fn.getqflist(),
    table.concat(where, "; ")))
  vim.cmd("cclose")
  vim.api.nvim_set_current_buf(buffer)
  return true
end

-- Completion at the end of a line `typed` put in after `after`, as the editor asks for
-- it; the line is taken out again.
local function complete(buffer, after, typed)
  local line = find(buffer, after)
  vim.api.nvim_buf_set_lines(buffer, line + 1, line + 1, false, { typed })
  local result, why = ask(buffer, "textDocument/completion", line + 1, #typed)
  vim.api.nvim_buf_set_lines(buffer, line + 1, line + 2, false, {})
  local items = result and (result.items or result) or {}
  if #items == 0 then
    say("completion after `" .. vim.trim(typed) .. " `: nothing" .. (why and (" (" .. why .. ")") or ""))
    return false
  end
  local labels = {}
  for _, item in ipairs(items) do
    table.insert(labels, item.label)
  end
  local shown = vim.list_slice(labels, 1, 8)
  say(string.format("completion after `%s `: %d: %s%s", vim.trim(typed), #labels, table.concat(shown, ", "),
    #labels > #shown and ", ..." or ""))
  return true
end

-- Rename a rule: prepareRename, then rename; the edits are printed, not applied.
local function rename(buffer)
  local old, new = "merger_after_effects", "merger_lasting_effects"
  local line, column = find(buffer, "rule " .. old)
  local range, why = ask(buffer, "textDocument/prepareRename", line, column + 7)
  if range == nil then
    say("prepare rename of " .. old .. ": nothing" .. (why and (" (" .. why .. ")") or ""))
    return false
  end
  range = range.range or range
  say(string.format("prepare rename of %s: line %d, columns %d to %d", old, range.start.line + 1,
    range.start.character + 1, range["end"].character))
  local edit
  edit, why = ask(buffer, "textDocument/rename", line, column + 7, { newName = new })
  if edit == nil then
    say("rename to " .. new .. ": nothing" .. (why and (" (" .. why .. ")") or ""))
    return false
  end
  local changes = {}
  for _, document in ipairs(edit.documentChanges or {}) do
    table.insert(changes, { uri = document.textDocument.uri, edits = document.edits })
  end
  for uri, edits in pairs(edit.changes or {}) do
    table.insert(changes, { uri = uri, edits = edits })
  end
  local count = 0
  for _, change in ipairs(changes) do
    for _, text_edit in ipairs(change.edits) do
      count = count + 1
      say(string.format("  rename edit: %s %d:%d-%d -> %s", short(change.uri), text_edit.range.start.line + 1,
        text_edit.range.start.character + 1, text_edit.range["end"].character, text_edit.newText))
    end
  end
  say(string.format("rename of %s to %s: %d edits (not applied)", old, new, count))
  return count > 0
end

-- Formatting of the file made untidy, as vim.lsp.buf.format (0.8 and later) or
-- formatting_sync (0.7) does it: the file is back as it was.
local function format(buffer)
  local before = vim.api.nvim_buf_get_lines(buffer, 0, -1, false)
  local line = find(buffer, "rule merger_stalls_development")
  vim.api.nvim_buf_set_lines(buffer, line + 1, line + 3, false, { "      lesson S4, S6", "evidence research_suggests" })
  say("untidy: " .. line_of(buffer, line + 1) .. " / " .. line_of(buffer, line + 2))
  if vim.lsp.buf.format ~= nil then
    vim.lsp.buf.format({ bufnr = buffer, timeout_ms = 5000 })
  else
    vim.lsp.buf.formatting_sync(nil, 5000)
  end
  local after = vim.api.nvim_buf_get_lines(buffer, 0, -1, false)
  if vim.deep_equal(before, after) then
    say("formatted: " .. line_of(buffer, line + 1) .. " / " .. line_of(buffer, line + 2) .. "; the file is as before")
    return true
  end
  say("formatted, but the file is not as before: " .. line_of(buffer, line + 1) .. " / " .. line_of(buffer, line + 2))
  return false
end

local kinds = vim.lsp.protocol.SymbolKind

-- The outline of the file (textDocument/documentSymbol), a line for each symbol.
local function symbols(buffer)
  local params = { textDocument = { uri = vim.uri_from_bufnr(buffer) } }
  local answers = vim.lsp.buf_request_sync(buffer, "textDocument/documentSymbol", params, 5000) or {}
  local result
  for _, answer in pairs(answers) do
    result = answer.result
  end
  if result == nil or #result == 0 then
    say("document symbols: none")
    return false
  end
  local names = {}
  local function walk(list, depth)
    for _, symbol in ipairs(list) do
      table.insert(names, string.rep("  ", depth) .. (kinds[symbol.kind] or symbol.kind) .. " " .. symbol.name)
      walk(symbol.children or {}, depth + 1)
    end
  end
  walk(result, 0)
  say(string.format("document symbols: %d", #names))
  for _, name in ipairs(names) do
    say("  " .. name)
  end
  return true
end

-- A change on disk to another file of the rule base, one not open in Neovim (an open
-- file is as its buffer holds it): 0-stage.accord loses the stage the merger rules test.
-- From 0.10, where accord.lua asks Neovim to watch files for the server, the open file
-- shows the errors without being edited; 0.7 cannot watch files, and says so.
local function changed_on_disk(buffer)
  if vim.fn.has("nvim-0.10") == 0 then
    say("change on disk: not watched before Neovim 0.10 (the file is checked again at its next edit)")
    return true
  end
  local path = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(buffer), ":p:h") .. "/0-stage.accord"
  local file = assert(io.open(path, "r"))
  local before = file:read("a")
  file:close()
  local function write(text)
    local out = assert(io.open(path, "w"))
    out:write(text)
    out:close()
  end
  write((before:gsub("define stage_first_18_months ", "define stage_within_18_months ", 1)))
  local seen = vim.wait(15000, function() return #errors(buffer) > 0 end, 100)
  say("change on disk (stage_first_18_months renamed in 0-stage.accord): " .. #errors(buffer) .. " errors in the open file")
  write(before)
  local cleared = vim.wait(15000, function() return #errors(buffer) == 0 end, 100)
  say("put back: " .. (cleared and "no errors left" or #errors(buffer) .. " errors left"))
  return seen and cleared
end

local function check()
  local buffer = vim.api.nvim_get_current_buf()
  say("file: " .. vim.api.nvim_buf_get_name(buffer) .. " (filetype " .. vim.bo[buffer].filetype .. ")")
  if not vim.wait(10000, function() return #clients(buffer) > 0 end, 50) then
    say("no language server attached to the buffer")
    return finish(1)
  end
  say("server attached: " .. clients(buffer)[1].name)

  local failed = 0
  local steps = {
    misspell_and_fix,
    hovers,
    definition,
    references,
    function() return complete(buffer, "  priority act_now", "  cite ") end,
    function() return complete(buffer, "when change.kind is merger", "  and change.phase is ") end,
    rename,
    format,
    symbols,
    changed_on_disk,
  }
  for _, step in ipairs(steps) do
    local done, ok = pcall(step, buffer)
    if not done then
      say("failed: " .. tostring(ok))
      failed = 1
    elseif not ok then
      failed = 1
    end
  end
  finish(failed)
end

vim.api.nvim_create_autocmd("VimEnter", { callback = function() vim.schedule(check) end })

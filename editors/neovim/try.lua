-- try.lua: what `try` does inside Neovim, headless. In the rule file it was opened on,
-- it types a misspelt fact, waits for the server's diagnostics and prints them, then
-- mends the fact and waits for the error to go, then hovers a fact and a source key and
-- prints what the server says. Exits 0 when all of that came, 1 otherwise.

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

-- The first line (0-based) holding `text`, and the column (0-based) where it starts.
local function find(buffer, text)
  for number, line in ipairs(vim.api.nvim_buf_get_lines(buffer, 0, -1, false)) do
    local column = line:find(text, 1, true)
    if column ~= nil then
      return number - 1, column - 1
    end
  end
end

local function hover(buffer, line, character)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buffer) },
    position = { line = line, character = character },
  }
  local answers = vim.lsp.buf_request_sync(buffer, "textDocument/hover", params, 5000) or {}
  for _, answer in pairs(answers) do
    local result = answer.result
    if result ~= nil and result.contents ~= nil then
      return result.contents.value or vim.inspect(result.contents)
    end
  end
end

local function check()
  local buffer = vim.api.nvim_get_current_buf()
  say("file: " .. vim.api.nvim_buf_get_name(buffer) .. " (filetype " .. vim.bo[buffer].filetype .. ")")
  if not vim.wait(10000, function() return #clients(buffer) > 0 end, 50) then
    say("no language server attached to the buffer")
    return finish(1)
  end
  say("server attached: " .. clients(buffer)[1].name)

  -- Typed in, as a person would: `change.kind` becomes `change.knd`.
  local line, column = find(buffer, "when change.kind is merger")
  if line == nil then
    say("the file has no `when change.kind is merger`")
    return finish(1)
  end
  local at = column + #"when change.k"
  vim.api.nvim_buf_set_text(buffer, line, at, line, at + 1, {})
  say("typed: " .. vim.api.nvim_buf_get_lines(buffer, line, line + 1, false)[1])
  if not vim.wait(10000, function() return #errors(buffer) > 0 end, 50) then
    say("no diagnostic arrived within 10 seconds")
    return finish(1)
  end
  for _, found in ipairs(vim.diagnostic.get(buffer)) do
    local code = found.code or (found.user_data and found.user_data.lsp and found.user_data.lsp.code)
    say(string.format("diagnostic %d:%d %s [%s] %s", found.lnum + 1, found.col + 1,
      vim.diagnostic.severity[found.severity], tostring(code), found.message:gsub("\n", " | ")))
  end

  -- Mended: the error goes. (Hovering waits for this: the server describes names from
  -- the rule base as it last checked.)
  local failed = 0
  vim.api.nvim_buf_set_text(buffer, line, at, line, at, { "i" })
  if vim.wait(10000, function() return #errors(buffer) == 0 end, 50) then
    say("mended: no errors left")
  else
    say("mended, but the error stayed")
    failed = 1
  end

  for _, name in ipairs({ "change.date", "glasby_2012" }) do
    local hover_line, hover_column = find(buffer, name)
    local words = hover_line and hover(buffer, hover_line, hover_column + 2)
    if words == nil then
      say("hover on " .. name .. ": nothing")
      failed = 1
    else
      say("hover on " .. name .. " (line " .. (hover_line + 1) .. "):")
      for _, words_line in ipairs(vim.split(words, "\n")) do
        say(words_line == "" and "" or ("  " .. words_line))
      end
    end
  end
  finish(failed)
end

vim.api.nvim_create_autocmd("VimEnter", { callback = function() vim.schedule(check) end })

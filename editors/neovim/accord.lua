-- accord.lua: rule files (`.accord`) in Neovim, checked as you type by `accord lsp`.
--
-- Copy it to ~/.config/nvim/plugin/accord.lua (Neovim runs every file there at start),
-- or `dofile` it from init.lua. It works in Neovim 0.7 and later: 0.8 and later start
-- the server with vim.lsp.start, 0.7 with vim.lsp.start_client. The binary is `accord`
-- on PATH unless `vim.g.accord_path` names another (set it before this file runs).
-- It only starts the server, marks comments, strings and keywords and maps keys to what
-- the server answers: everything the editor shows about the rules comes from `accord lsp`.
--
-- Keys, in a rule file: K hover, gd go to definition, grr references, grn rename, gra
-- quick fix, gO outline (Neovim 0.11 maps all but gd itself; this file maps them before
-- 0.11), Ctrl-X Ctrl-O completion in insert mode. Options, set before this file runs:
--   vim.g.accord_path = "/path/to/accord"   -- the binary, when not `accord` on PATH
--   vim.g.accord_format_on_save = true      -- lay the file out as `accord fmt` on :write
--   vim.g.accord_autocomplete = true        -- 0.11 and later: the completion menu opens
--                                           -- by itself after `.`, `[`, `,` and `{`

-- `.accord` files are of the filetype `accord`. Neovim 0.7 reads vim.filetype.add's table
-- only with g:do_filetype_lua set, so an autocommand says it there.
if vim.fn.has("nvim-0.8") == 1 then
  vim.filetype.add({ extension = { accord = "accord" } })
else
  vim.cmd("autocmd BufRead,BufNewFile *.accord setfiletype accord")
end

-- Neovim 0.7 has no vim.lsp.start: one client per folder, started once, attached to
-- each buffer of that folder.
local started = {}
local function start_before_0_8(buffer, config)
  local id = started[config.root_dir]
  if id == nil or vim.lsp.client_is_stopped(id) then
    id = vim.lsp.start_client(config)
    started[config.root_dir] = id
  end
  if id ~= nil then
    vim.lsp.buf_attach_client(buffer, id)
  end
end

-- The words of the language that start items and clauses or join conditions
-- (docs/language.md, section 10).
local keywords = table.concat({
  "rule", "source", "fact", "words", "evidence", "priority", "scale", "ask", "lesson",
  "lessons", "for", "each", "when", "recommend", "warn", "note", "cite", "quote", "at",
  "overrides", "contradicts", "allow", "define", "as", "event", "period", "policy",
  "label", "says", "and", "or", "not", "is", "in", "any", "all", "count",
  "where", "highest", "lowest", "true", "false", "as_of", "one", "of", "known", "unknown",
  "before", "after", "on", "least", "most", "more", "less", "than", "only", "from", "to",
}, " ")

local function highlight()
  vim.cmd("syntax clear")
  vim.cmd("syntax keyword accordKeyword " .. keywords)
  -- `contains` is an argument of :syntax keyword, so it cannot be one of its words.
  vim.cmd([[syntax match accordKeyword /\<contains\>/]])
  vim.cmd([[syntax region accordString start=/"/ end=/"/ contains=accordPlaceholder]])
  vim.cmd([[syntax match accordPlaceholder /{[^}"]*}/ contained]])
  vim.cmd([[syntax match accordComment /#.*$/]])
  vim.cmd([[syntax match accordDate /\<\d\{4}-\d\d-\d\d\>/]])
  vim.cmd("highlight default link accordKeyword Keyword")
  vim.cmd("highlight default link accordString String")
  vim.cmd("highlight default link accordPlaceholder Special")
  vim.cmd("highlight default link accordComment Comment")
  vim.cmd("highlight default link accordDate Constant")
end

local function map(buffer, keys, action, what)
  vim.keymap.set("n", keys, action, { buffer = buffer, desc = "accord: " .. what })
end

-- Neovim maps keys to a server's answers only from 0.10 (K, and a completion function
-- for Ctrl-X Ctrl-O) and 0.11 (grr, grn, gra, gO); gd in none. Before, this does.
local function keys(buffer)
  map(buffer, "gd", vim.lsp.buf.definition, "go to definition")
  if vim.fn.has("nvim-0.10") == 0 then
    map(buffer, "K", vim.lsp.buf.hover, "hover")
    vim.bo[buffer].omnifunc = "v:lua.vim.lsp.omnifunc"
  end
  if vim.fn.has("nvim-0.11") == 0 then
    map(buffer, "grr", vim.lsp.buf.references, "references")
    map(buffer, "grn", vim.lsp.buf.rename, "rename")
    map(buffer, "gra", vim.lsp.buf.code_action, "quick fix")
    map(buffer, "gO", vim.lsp.buf.document_symbol, "outline")
  end
end

local on_save = vim.api.nvim_create_augroup("accord_format_on_save", { clear = true })

-- With vim.g.accord_format_on_save, :write lays the file out as `accord fmt` does first
-- (a file that does not parse is written as it is).
local function format_on_save(buffer)
  vim.api.nvim_clear_autocmds({ group = on_save, buffer = buffer })
  if not vim.g.accord_format_on_save then
    return
  end
  vim.api.nvim_create_autocmd("BufWritePre", {
    group = on_save,
    buffer = buffer,
    callback = function()
      if vim.lsp.buf.format ~= nil then
        vim.lsp.buf.format({ bufnr = buffer, name = "accord", timeout_ms = 2000 })
      else
        vim.lsp.buf.formatting_sync(nil, 2000)
      end
    end,
  })
end

-- With vim.g.accord_autocomplete, on 0.11 and later, Neovim's own completion opens its
-- menu as the server's trigger characters are typed. Once the server has said which they
-- are, that is once it is attached.
if vim.fn.has("nvim-0.11") == 1 then
  vim.api.nvim_create_autocmd("LspAttach", {
    group = vim.api.nvim_create_augroup("accord_autocomplete", { clear = true }),
    callback = function(event)
      local client = vim.lsp.get_client_by_id(event.data.client_id)
      if vim.g.accord_autocomplete and client ~= nil and client.name == "accord" then
        -- Without noselect, the menu opening by itself would write its first name in
        -- the middle of what is being typed.
        pcall(function() vim.bo[event.buf].completeopt = "menuone,noselect,popup" end)
        vim.lsp.completion.enable(true, client.id, event.buf, { autotrigger = true })
      end
    end,
  })
end

vim.api.nvim_create_autocmd("FileType", {
  group = vim.api.nvim_create_augroup("accord", { clear = true }),
  pattern = "accord",
  callback = function(event)
    local buffer = event.buf
    vim.bo[buffer].commentstring = "# %s"
    vim.bo[buffer].comments = ":#"
    vim.bo[buffer].expandtab = true
    vim.bo[buffer].shiftwidth = 2
    highlight()
    keys(buffer)
    format_on_save(buffer)
    -- The server checks the `.accord` files of a file's folder as one rule base: that
    -- folder is the root.
    local config = {
      name = "accord",
      cmd = { vim.g.accord_path or "accord", "lsp" },
      root_dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(buffer), ":p:h"),
    }
    -- From 0.10, Neovim can watch files for a server, but on Linux only when the client
    -- says so: then a rule file or a source's text changed on disk (`accord fmt`, a `git
    -- pull`) is checked again at once, not at the next edit.
    if vim.fn.has("nvim-0.10") == 1 then
      config.capabilities = vim.tbl_deep_extend("force", vim.lsp.protocol.make_client_capabilities(), {
        workspace = { didChangeWatchedFiles = { dynamicRegistration = true } },
      })
    end
    if vim.lsp.start ~= nil then
      vim.lsp.start(config, { bufnr = buffer })
    else
      start_before_0_8(buffer, config)
    end
  end,
})

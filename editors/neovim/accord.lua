-- accord.lua: rule files (`.accord`) in Neovim, checked as you type by `accord lsp`.
--
-- Copy it to ~/.config/nvim/plugin/accord.lua (Neovim runs every file there at start),
-- or `dofile` it from init.lua. It works in Neovim 0.7 and later: 0.8 and later start
-- the server with vim.lsp.start, 0.7 with vim.lsp.start_client. The binary is `accord`
-- on PATH unless `vim.g.accord_path` names another (set it before this file runs).
-- It only starts the server and marks comments, strings and keywords: everything the
-- editor shows about the rules comes from `accord lsp`.

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
    -- Neovim 0.10 and later map K to hover for every buffer a server attaches to.
    if vim.fn.has("nvim-0.10") == 0 then
      vim.keymap.set("n", "K", vim.lsp.buf.hover, { buffer = buffer, desc = "accord: hover" })
    end
    -- The server checks the `.accord` files of a file's folder as one rule base: that
    -- folder is the root.
    local config = {
      name = "accord",
      cmd = { vim.g.accord_path or "accord", "lsp" },
      root_dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(buffer), ":p:h"),
    }
    if vim.lsp.start ~= nil then
      vim.lsp.start(config, { bufnr = buffer })
    else
      start_before_0_8(buffer, config)
    end
  end,
})

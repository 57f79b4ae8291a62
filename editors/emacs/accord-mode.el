;;; accord-mode.el --- Major mode for accord rule files -*- lexical-binding: t -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "28.1"))
;; Keywords: languages

;;; Commentary:

;; `accord-mode' is for accord's rule files (`.accord'): `#' comments, strings, and the
;; language's keywords and names in colour.  With eglot (built into Emacs 29; the
;; `elpa-eglot' package or GNU ELPA for Emacs 28), `M-x eglot' in a rule file starts
;; `accord lsp', which checks the rule base as you type and answers hovers; add
;; `eglot-ensure' to `accord-mode-hook' to start it on opening a rule file:
;;
;;   (add-to-list 'load-path "/path/to/accord/editors/emacs")
;;   (require 'accord-mode)
;;   (add-hook 'accord-mode-hook #'eglot-ensure)
;;
;; Set `accord-program' when `accord' is not on `exec-path', and `accord-format-on-save'
;; to lay a file out as `accord fmt' does each time it is saved.  The mode only colours
;; and comments: everything Emacs says about the rules comes from the language server
;; (M-. definition, M-? references, `eglot-rename', `eglot-code-actions' for the quick
;; fixes, `eglot-format-buffer', C-M-i completion, `imenu' the outline).

;;; Code:

(defgroup accord nil
  "Editing accord rule files."
  :group 'languages
  :prefix "accord-")

(defcustom accord-program "accord"
  "The accord binary that eglot starts as the language server."
  :type 'string)

(defcustom accord-format-on-save nil
  "Non-nil: lay a rule file out as `accord fmt' does before saving it.
It asks the language server, so it works while eglot manages the
buffer; a file that does not parse is saved as it is."
  :type 'boolean)

(defconst accord-keywords
  '("rule" "source" "fact" "words" "evidence" "priority" "scale" "ask" "lesson" "lessons"
    "for" "each" "when" "recommend" "warn" "note" "cite" "quote" "at" "quoted"
    "overrides" "contradicts" "allow" "define" "as" "event" "period" "policy" "label"
    "says" "and" "or" "not" "is" "in" "contains" "any" "all" "count" "where" "highest"
    "lowest" "one" "of" "known" "unknown" "before" "after" "on" "least" "most" "more"
    "less" "than" "only" "from" "to" "example" "otherwise")
  "The words of accord's language: items, clauses and conditions.")

(defconst accord-font-lock-keywords
  `((,(regexp-opt '("true" "false" "as_of") 'symbols) . font-lock-constant-face)
    (,(regexp-opt accord-keywords 'symbols) . font-lock-keyword-face)
    ;; The name an item declares: a rule, source, derived fact, words or fact.
    ("^\\(?:rule\\|source\\|define\\|words\\|fact\\)[ \t]+\\([A-Za-z_][][A-Za-z0-9_.]*\\)"
     1 font-lock-function-name-face t)
    ("\\_<[0-9]\\{4\\}-[0-9]\\{2\\}-[0-9]\\{2\\}\\_>" . font-lock-constant-face))
  "What `accord-mode' colours besides comments and strings.")

(defvar accord-mode-syntax-table
  (let ((table (make-syntax-table)))
    (modify-syntax-entry ?# "<" table)
    (modify-syntax-entry ?\n ">" table)
    (modify-syntax-entry ?\" "\"" table)
    (modify-syntax-entry ?_ "_" table)
    (modify-syntax-entry ?. "_" table)
    table)
  "Syntax table of `accord-mode'.
`#' starts a comment; `.' joins the parts of a fact's path.")

;;;###autoload
(define-derived-mode accord-mode prog-mode "accord"
  "Major mode for accord rule files."
  (setq-local comment-start "# ")
  (setq-local comment-start-skip "#+[ \t]*")
  (setq-local comment-end "")
  (setq-local indent-tabs-mode nil)
  (setq-local tab-width 2)
  (setq-local font-lock-defaults '(accord-font-lock-keywords))
  (add-hook 'before-save-hook #'accord--format-before-save nil t))

(declare-function eglot-managed-p "eglot")
(declare-function eglot-format-buffer "eglot")

(defun accord--format-before-save ()
  "Lay the buffer out with the language server, if `accord-format-on-save' says so."
  (when (and accord-format-on-save (fboundp 'eglot-managed-p) (eglot-managed-p))
    (eglot-format-buffer)))

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.accord\\'" . accord-mode))

;; A function, so that `accord-program' is read when the server starts, not when this
;; file is loaded; eglot 1.9 calls it with no argument, later versions with one.
(with-eval-after-load 'eglot
  (defvar eglot-server-programs)
  (add-to-list 'eglot-server-programs
               `(accord-mode . ,(lambda (&optional _interactive) (list accord-program "lsp")))))

(provide 'accord-mode)

;;; accord-mode.el ends here

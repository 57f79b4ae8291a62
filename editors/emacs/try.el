;;; try.el --- What `try' does inside Emacs, in batch mode -*- lexical-binding: t -*-

;;; Commentary:

;; Loaded by `try' after `accord-mode', with `accord-program' set and the current folder
;; a copy of the repository.  In rules/4-mergers.accord it starts eglot, types a misspelt
;; fact, waits for flymake's diagnostics and prints them, mends the fact and waits for the
;; error to go, then hovers a fact and a source key and prints what the server says.
;; Exits 0 when all of that came, 1 otherwise.

;;; Code:

(require 'eglot)
(require 'flymake)
(require 'accord-mode)

(defun accord-try--say (format-string &rest arguments)
  "Print FORMAT-STRING with ARGUMENTS on standard output, a line."
  (princ (concat (apply #'format format-string arguments) "\n")))

(defun accord-try--idle ()
  "Do what Emacs does once the typing stops.
In batch mode Emacs is never idle, so the idle timers that send
the change to the server (eglot) and ask for diagnostics
\(flymake) never run: call what they call."
  (when (eglot-managed-p)
    (eglot--signal-textDocument/didChange)
    (flymake-start)))

(defun accord-try--wait (seconds predicate)
  "Wait up to SECONDS for PREDICATE to hold, reading the server meanwhile."
  (let ((until (+ (float-time) seconds)))
    (while (and (not (funcall predicate)) (< (float-time) until))
      (accord-try--idle)
      (accept-process-output nil 0.05))
    (funcall predicate)))

(defun accord-try--errors ()
  "The flymake diagnostics of the current buffer that are errors."
  (seq-filter (lambda (found) (eq (flymake-diagnostic-type found) 'eglot-error))
              (flymake-diagnostics)))

(defun accord-try--hover (text)
  "What the server says on hovering the first TEXT of the buffer, or nil."
  (save-excursion
    (goto-char (point-min))
    (when (search-forward text nil t)
      (goto-char (+ (match-beginning 0) 2))
      (let* ((answer (jsonrpc-request (eglot--current-server-or-lose) :textDocument/hover
                                      (eglot--TextDocumentPositionParams)))
             (contents (and answer (plist-get answer :contents))))
        (and contents
             (cons (line-number-at-pos) (plist-get contents :value)))))))

(defun accord-try ()
  "Try `accord-mode' and eglot on rules/4-mergers.accord; exit with 0 or 1."
  (let ((failed 0))
    (find-file "rules/4-mergers.accord")
    (accord-try--say "Emacs %s, eglot from %s; file %s in %s" emacs-version
                     (file-name-directory (locate-library "eglot"))
                     buffer-file-name major-mode)
    (eglot-ensure)
    ;; eglot-ensure starts the server once the command loop runs its hooks, which batch
    ;; mode has not: run them.
    (run-hooks 'post-command-hook)
    (unless (accord-try--wait 10 #'eglot-managed-p)
      (accord-try--say "no language server manages the buffer")
      (kill-emacs 1))
    (accord-try--say "server: %s" (eglot--project-nickname (eglot--current-server-or-lose)))
    ;; Typed in, as a person would: `change.kind' becomes `change.knd'.
    (goto-char (point-min))
    (search-forward "when change.kind is merger")
    (goto-char (+ (match-beginning 0) (length "when change.k")))
    (delete-char 1)
    (accord-try--say "typed: %s" (buffer-substring (line-beginning-position) (line-end-position)))
    (unless (accord-try--wait 10 #'accord-try--errors)
      (accord-try--say "no diagnostic arrived within 10 seconds")
      (kill-emacs 1))
    (dolist (found (flymake-diagnostics))
      (save-excursion
        (goto-char (flymake-diagnostic-beg found))
        (accord-try--say "diagnostic %d:%d %s %s" (line-number-at-pos) (1+ (current-column))
                         (flymake-diagnostic-type found)
                         (replace-regexp-in-string "\n" " | " (flymake-diagnostic-text found)))))
    ;; Mended: the error goes.  (Hovering waits for this: the server describes names from
    ;; the rule base as it last checked.)
    (insert "i")
    (if (accord-try--wait 10 (lambda () (null (accord-try--errors))))
        (accord-try--say "mended: no errors left")
      (accord-try--say "mended, but the error stayed")
      (setq failed 1))
    (dolist (name '("change.date" "glasby_2012"))
      (let ((hover (accord-try--hover name)))
        (if (null hover)
            (progn (accord-try--say "hover on %s: nothing" name) (setq failed 1))
          (accord-try--say "hover on %s (line %d):" name (car hover))
          (dolist (line (split-string (cdr hover) "\n"))
            (accord-try--say "%s" (if (string-empty-p line) "" (concat "  " line)))))))
    (set-buffer-modified-p nil)
    (eglot-shutdown (eglot--current-server-or-lose))
    (kill-emacs failed)))

(provide 'try)

;;; try.el ends here

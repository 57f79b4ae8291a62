;;; try.el --- What `try' does inside Emacs, in batch mode -*- lexical-binding: t -*-

;;; Commentary:

;; Loaded by `try' after `accord-mode', with `accord-program' set and the current folder
;; a copy of the repository.  In rules/4-mergers.accord it starts eglot, types a misspelt
;; fact and prints flymake's diagnostics, hovers a source while the error stands, takes
;; the quick fix (`eglot-code-actions') and waits for the error to go; then it hovers a
;; fact and a source, goes to the definition of `change.date' (`xref-find-definitions'),
;; lists the references of `change.kind' (`xref-find-references'), completes after `cite '
;; and after `change.phase is ' (`completion-at-point'), asks to rename a rule that another
;; overrides (printing the edits, applying none), formats the file made untidy
;; (`eglot-format-buffer') and lists its outline (imenu).  Prints what each gave; exits 0
;; when every one answered, 1 otherwise.

;;; Code:

(require 'eglot)
(require 'flymake)
(require 'xref)
(require 'imenu)
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

(defun accord-try--line ()
  "The text of the line at point."
  (buffer-substring-no-properties (line-beginning-position) (line-end-position)))

(defun accord-try--goto (text &optional into)
  "Move to the first TEXT of the buffer, INTO characters into it; nil if none."
  (goto-char (point-min))
  (when (search-forward text nil t)
    (goto-char (+ (match-beginning 0) (or into 0)))))

(defun accord-try--hover (text)
  "What the server says on hovering the first TEXT of the buffer, or nil."
  (save-excursion
    (when (accord-try--goto text 2)
      (let* ((answer (jsonrpc-request (eglot--current-server-or-lose) :textDocument/hover
                                      (eglot--TextDocumentPositionParams)))
             (contents (and answer (plist-get answer :contents))))
        (and contents
             (cons (line-number-at-pos) (plist-get contents :value)))))))

(defun accord-try--misspell-and-fix ()
  "Misspell a fact, print its diagnostic, hover, take the quick fix; t if all came."
  (accord-try--goto "when change.kind is merger" (length "when change.k"))
  (delete-char 1)
  (accord-try--say "typed: %s" (accord-try--line))
  (if (not (accord-try--wait 10 #'accord-try--errors))
      (progn (accord-try--say "no diagnostic arrived within 10 seconds") nil)
    (dolist (found (flymake-diagnostics))
      (save-excursion
        (goto-char (flymake-diagnostic-beg found))
        (accord-try--say "diagnostic %d:%d %s %s" (line-number-at-pos) (1+ (current-column))
                         (flymake-diagnostic-type found)
                         (replace-regexp-in-string "\n" " | " (flymake-diagnostic-text found)))))
    (let ((ok t)
          (hover (accord-try--hover "glasby_2012"))
          (found (car (accord-try--errors))))
      (if hover
          (accord-try--say "hover on glasby_2012 while the error stands: %s"
                           (car (split-string (cdr hover) "\n")))
        (accord-try--say "hover on glasby_2012 while the error stands: nothing")
        (setq ok nil))
      ;; The quick fix as a person takes it: M-x eglot-code-actions on the error, and
      ;; Enter to take the action it proposes.
      (let* ((beg (flymake-diagnostic-beg found))
             (end (flymake-diagnostic-end found))
             (offered (eglot-code-actions beg end)))
        (if (null offered)
            (progn (accord-try--say "quick fix: none offered") nil)
          (accord-try--say "quick fixes offered: %s"
                           (mapconcat (lambda (action) (plist-get action :title)) offered "; "))
          (goto-char beg)
          (let ((last-nonmenu-event ?\r))
            (cl-letf (((symbol-function 'completing-read)
                       (lambda (_prompt _table &optional _predicate _require _initial _history default
                                        &rest _)
                         default)))
              (eglot-code-actions beg end nil t)))
          (if (accord-try--wait 10 (lambda () (null (accord-try--errors))))
              (accord-try--say "fixed: %s; no errors left" (accord-try--line))
            (accord-try--say "quick fix taken, but the error stayed: %s" (accord-try--line))
            (setq ok nil))
          ok)))))

(defun accord-try--hovers ()
  "Print the hovers of a fact and a source; t if both came."
  (let ((ok t))
    (dolist (name '("change.date" "glasby_2012"))
      (let ((hover (accord-try--hover name)))
        (if (null hover)
            (progn (accord-try--say "hover on %s: nothing" name) (setq ok nil))
          (accord-try--say "hover on %s (line %d):" name (car hover))
          (dolist (line (split-string (cdr hover) "\n"))
            (accord-try--say "%s" (if (string-empty-p line) "" (concat "  " line)))))))
    ok))

(defun accord-try--definition ()
  "Go to the definition of `change.date' as M-. does; t if the cursor moved."
  (let ((buffer (current-buffer))
        (xref-prompt-for-identifier nil))
    (accord-try--goto "change.date" 2)
    (call-interactively #'xref-find-definitions)
    (if (eq (current-buffer) buffer)
        (progn (accord-try--say "definition of change.date: the cursor did not move") nil)
      (accord-try--say "definition of change.date: %s line %d: %s"
                       (file-name-nondirectory buffer-file-name) (line-number-at-pos)
                       (accord-try--line))
      (switch-to-buffer buffer)
      t)))

(defun accord-try--references ()
  "List the references of `change.kind' as M-? finds them; t if there are any."
  (accord-try--goto "change.kind" 2)
  (let* ((found (xref-backend-references 'eglot (xref-backend-identifier-at-point 'eglot)))
         (files nil))
    (dolist (item found)
      (let* ((location (xref-item-location item))
             (file (file-name-nondirectory (xref-location-group location)))
             (lines (assoc file files)))
        (if lines
            (setcdr lines (append (cdr lines) (list (xref-location-line location))))
          (setq files (append files (list (list file (xref-location-line location))))))))
    (if (null found)
        (progn (accord-try--say "references of change.kind: none") nil)
      (accord-try--say "references of change.kind: %d: %s" (length found)
                       (mapconcat (lambda (lines)
                                    (format "%s %s" (car lines)
                                            (mapconcat #'number-to-string (cdr lines) ",")))
                                  files "; "))
      t)))

(defun accord-try--complete (after typed)
  "Completion at the end of a line TYPED put in after the line of AFTER, as
`completion-at-point' gets it; the line is taken out again.  t if any came."
  (accord-try--goto after)
  (end-of-line)
  (insert "\n" typed)
  (accord-try--idle)
  (let* ((found (eglot-completion-at-point))
         (labels (and found
                      (all-completions (buffer-substring (nth 0 found) (nth 1 found))
                                       (nth 2 found)))))
    (delete-region (line-end-position 0) (line-end-position))
    (accord-try--idle)
    (if (null labels)
        (progn (accord-try--say "completion after `%s ': nothing" (string-trim typed)) nil)
      (accord-try--say "completion after `%s ': %d: %s%s" (string-trim typed) (length labels)
                       (mapconcat #'identity (seq-take labels 8) ", ")
                       (if (> (length labels) 8) ", ..." ""))
      t)))

(defun accord-try--rename ()
  "Ask to rename a rule that another overrides; print the edits, apply none."
  (let ((old "merger_after_effects")
        (new "merger_lasting_effects")
        (server (eglot--current-server-or-lose))
        (prepared nil)
        (count 0))
    (accord-try--goto (concat "rule " old) 7)
    (let* ((answer (jsonrpc-request server :textDocument/prepareRename
                                    (eglot--TextDocumentPositionParams)))
           (range (if (plist-member answer :range) (plist-get answer :range) answer)))
      (setq prepared range)
      (if range
          (accord-try--say "prepare rename of %s: line %d" old
                           (1+ (plist-get (plist-get range :start) :line)))
        (accord-try--say "prepare rename of %s: nothing" old)))
    (let ((edit (jsonrpc-request server :textDocument/rename
                                 (append (eglot--TextDocumentPositionParams) (list :newName new)))))
      (seq-doseq (change (plist-get edit :documentChanges))
        (seq-doseq (text-edit (plist-get change :edits))
          (let ((start (plist-get (plist-get text-edit :range) :start))
                (end (plist-get (plist-get text-edit :range) :end)))
            (setq count (1+ count))
            (accord-try--say "  rename edit: %s %d:%d-%d -> %s"
                             (file-name-nondirectory
                              (eglot--uri-to-path (plist-get (plist-get change :textDocument) :uri)))
                             (1+ (plist-get start :line)) (1+ (plist-get start :character))
                             (plist-get end :character) (plist-get text-edit :newText)))))
      (accord-try--say "rename of %s to %s: %d edits (not applied)" old new count)
      (and prepared (> count 0)))))

(defun accord-try--format ()
  "Make two lines untidy, `eglot-format-buffer'; t if the file is as before."
  (let ((before (buffer-string)))
    (accord-try--goto "rule merger_stalls_development")
    (forward-line 1)
    (delete-region (point) (line-end-position 2))
    (insert "      lesson S4, S6\nevidence research_suggests")
    (forward-line -1)
    (accord-try--say "untidy: %s / %s" (accord-try--line)
                     (save-excursion (forward-line 1) (accord-try--line)))
    (accord-try--idle)
    (eglot-format-buffer)
    (accord-try--goto "rule merger_stalls_development")
    (forward-line 1)
    (let ((lines (format "%s / %s" (accord-try--line)
                         (save-excursion (forward-line 1) (accord-try--line)))))
      (if (equal before (buffer-string))
          (progn (accord-try--say "formatted: %s; the file is as before" lines) t)
        (accord-try--say "formatted, but the file is not as before: %s" lines)
        nil))))

(defun accord-try--outline ()
  "Print the outline imenu gets from the server; t if it has any entry."
  (let ((index (funcall imenu-create-index-function))
        (count 0))
    (cl-labels ((walk (entries depth)
                  (dolist (entry entries)
                    (if (imenu--subalist-p entry)
                        (progn (accord-try--say "  %s%s" (make-string (* 2 depth) ?\s) (car entry))
                               (walk (cdr entry) (1+ depth)))
                      (setq count (1+ count))
                      (accord-try--say "  %s%s" (make-string (* 2 depth) ?\s) (car entry))))))
      (accord-try--say "imenu:")
      (walk index 0))
    (accord-try--say "imenu: %d entries" count)
    (> count 0)))

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
    (dolist (step (list #'accord-try--misspell-and-fix
                        #'accord-try--hovers
                        #'accord-try--definition
                        #'accord-try--references
                        (lambda () (accord-try--complete "  priority act_now" "  cite "))
                        (lambda () (accord-try--complete "when change.kind is merger"
                                                         "  and change.phase is "))
                        #'accord-try--rename
                        #'accord-try--format
                        #'accord-try--outline))
      (condition-case problem
          (unless (funcall step) (setq failed 1))
        (error (accord-try--say "failed: %s" (error-message-string problem))
               (setq failed 1))))
    (set-buffer-modified-p nil)
    (eglot-shutdown (eglot--current-server-or-lose))
    (kill-emacs failed)))

(provide 'try)

;;; try.el ends here

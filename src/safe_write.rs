//! Writing the user's files safely: every file accord writes (a case saved by `accord
//! interview --write` and its `.bak` copy, a rule file rewritten by `accord fmt`, the
//! output and reports of `accord advise --output` and `--output-dir`) goes through this
//! module, so that at every instant each file is whole, old or new.
//!
//! - **Atomic replacement.** The new contents go to a temporary file in the same folder
//!   (`.NAME.tmp-PID`, created afresh, never opened if something has its name), which is
//!   flushed to disk and then renamed over the file. A reader, a crash or `kill -9` sees
//!   the old file or the new one, never a part; a write that fails (a full disk) leaves
//!   the old file. The backup is made the same way, so a symbolic or hard link found at
//!   its name is replaced, never written through.
//! - **The file named is followed, its backup is not.** A case named through a symbolic
//!   link has the file it points to replaced (the link stays); `CASE.json.bak` is beside
//!   the name given.
//! - **Owner and mode kept.** The temporary file gets the replaced file's mode, and its
//!   owner and group where the process may set them (as root, or a group one belongs to),
//!   before it takes the file's place. It is created readable by its owner only, so the
//!   new contents are never more widely readable than the old.
//! - **Regular files only.** A named pipe, a socket or a device is refused before it is
//!   opened ([`refuse_special_file`]), so nothing waits on a pipe that no one writes to.
//! - **No lost updates.** The file is locked (`flock`, through [`File::try_lock`]) while it
//!   is compared with what was read and replaced; when it has changed since it was read
//!   (another program, or another interview, saved it), nothing is written
//!   ([`SaveError::Changed`]). A lock held by another program is waited for, up to
//!   [`LOCK_WAIT`], never for ever.
//! - **No litter.** Temporary files left by a process that was killed (`.NAME.tmp-PID` of a
//!   process that is no longer running, or older than [`STALE_AFTER`]) are removed when
//!   the same file is next written, or, for a folder of many files written through
//!   [`Folder`], when it is opened.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// How long a lock held on a file by another program is waited for before giving up.
pub const LOCK_WAIT: Duration = Duration::from_secs(10);

/// A temporary file older than this is stale even if a process of its number is running
/// (the number may have been reused).
pub const STALE_AFTER: Duration = Duration::from_secs(15 * 60);

/// Why a file was not saved.
#[derive(Debug)]
pub enum SaveError {
    /// The path names something other than a regular file: what it is (`a named pipe`).
    NotRegular(&'static str),
    /// The file is not what was read: another program changed, replaced or removed it.
    Changed,
    /// Another program held a lock on the file for longer than [`LOCK_WAIT`].
    Locked,
    /// The file system refused: what was being done, and why.
    Io {
        /// What failed, in words (cannot write the temporary file `.case.json.tmp-12`).
        doing: String,
        /// The error.
        error: io::Error,
        /// Whether the backup had already been replaced with the old file (and could not
        /// be put back): the file itself is unchanged, but the previous backup is gone.
        backup_replaced: bool,
    },
}

impl SaveError {
    /// Whether the backup was replaced although the file was not (the only failure that
    /// leaves anything other than the files as they were).
    pub fn backup_replaced(&self) -> bool {
        matches!(self, SaveError::Io { backup_replaced: true, .. })
    }

    fn io(doing: impl Into<String>, error: io::Error) -> SaveError {
        SaveError::Io { doing: doing.into(), error, backup_replaced: false }
    }
}

impl fmt::Display for SaveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SaveError::NotRegular(what) => write!(f, "it is not a regular file: it is {what}"),
            SaveError::Changed => f.write_str("it has changed since it was read"),
            SaveError::Locked => write!(
                f,
                "another program has held a lock on it for more than {} seconds",
                LOCK_WAIT.as_secs()
            ),
            SaveError::Io { doing, error, .. } => write!(f, "{doing}: {error}"),
        }
    }
}

impl std::error::Error for SaveError {}

/// What `path` is when it is not a regular file, a folder or missing: `a named pipe`, `a
/// socket`, `a character device`, `a block device`. Symbolic links are followed. Nothing
/// is opened, so a pipe is not waited on.
///
/// # Errors
///
/// [`SaveError::NotRegular`], with what the path names.
pub fn refuse_special_file(path: &Path) -> Result<(), SaveError> {
    match fs::metadata(path) {
        Ok(metadata) => match special_kind(&metadata) {
            Some(kind) => Err(SaveError::NotRegular(kind)),
            None => Ok(()),
        },
        // Missing, or not readable: whoever reads the file says so.
        Err(_) => Ok(()),
    }
}

/// What a file is when it is neither a regular file nor a folder.
fn special_kind(metadata: &Metadata) -> Option<&'static str> {
    let kind = metadata.file_type();
    if kind.is_file() || kind.is_dir() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a named pipe");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
        if kind.is_char_device() {
            return Some("a character device");
        }
        if kind.is_block_device() {
            return Some("a block device");
        }
    }
    Some("not a file or a folder")
}

/// Replaces the file at `path` (or creates it) with `contents`, atomically, keeping its
/// owner and mode. A symbolic link is followed: the file it points to is replaced.
///
/// # Errors
///
/// Any failure; the file is then as it was and no temporary file is left.
pub fn replace(path: &Path, contents: &[u8]) -> Result<(), SaveError> {
    save(path, None, contents, false, &|_| Ok(()), Clean::Name).map(|_| ())
}

/// [`replace`], but only if the file still holds `expected` (what was read from it):
/// compared and replaced under a lock, so that no other program's change is lost.
///
/// # Errors
///
/// [`SaveError::Changed`] when the file is not `expected` any more; any other failure.
/// The file is then as it was and no temporary file is left.
pub fn replace_if_unchanged(path: &Path, expected: &[u8], contents: &[u8]) -> Result<(), SaveError> {
    save(path, Some(expected), contents, false, &|_| Ok(()), Clean::Name).map(|_| ())
}

/// Saves `contents` into the file at `path`, which must still hold `expected`, keeping
/// `expected` as `PATH.bak` (beside the name given): the backup, then the file, each
/// replaced atomically, under a lock. Returns the backup's path.
///
/// At every instant, the file is the old or the new contents, and the backup is the
/// previous backup or the old contents; the backup is replaced before the file, so the
/// new contents are never there without the old ones in the backup.
///
/// # Errors
///
/// [`SaveError::Changed`] when the file is not `expected` any more; any other failure.
/// The file and its backup are then as they were, unless
/// [`SaveError::backup_replaced`] says the backup now holds the old contents (only when
/// the file's own rename fails and the previous backup cannot be put back).
pub fn save_with_backup(path: &Path, expected: &[u8], contents: &[u8]) -> Result<PathBuf, SaveError> {
    save(path, Some(expected), contents, true, &|_| Ok(()), Clean::Name)
        .map(|backup| backup.unwrap_or_else(|| backup_path(path)))
}

/// The path of the backup of `path`: `PATH.bak`.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut backup = OsString::from(path.as_os_str());
    backup.push(".bak");
    PathBuf::from(backup)
}

/// The steps of a save, for tests that make one fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    WriteBackup,
    WriteFile,
    RenameBackup,
    RenameFile,
    RestoreBackup,
}

type Hook<'a> = &'a dyn Fn(Step) -> io::Result<()>;

/// Which temporary files left by killed processes a save looks for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Clean {
    /// Those of the file saved (and of its backup), reading the folder.
    Name,
    /// None: [`Folder::new`] has removed those of every name in the folder already.
    Done,
}

fn save(
    path: &Path,
    expected: Option<&[u8]>,
    contents: &[u8],
    backup: bool,
    hook: Hook<'_>,
    clean: Clean,
) -> Result<Option<PathBuf>, SaveError> {
    let Target { target, name, folder, existing } = Target::of(path)?;
    // Held until the file is replaced: another accord waits for it, then finds the file
    // changed.
    let _lock = match (&existing, expected) {
        (None, Some(_)) => return Err(SaveError::Changed),
        (None, None) => None,
        (Some(_), _) => Some(lock(&target, expected)?),
    };

    if clean == Clean::Name {
        remove_stale_temporaries(&folder, Some(&name));
    }
    let backup = backup.then(|| backup_path(path));
    let backup_parts = backup.as_ref().map(|backup| {
        let name = backup.file_name().map(OsStr::to_os_string).unwrap_or_default();
        (backup.clone(), folder_of(backup), name)
    });
    if let Some((_, backup_folder, backup_name)) = &backup_parts {
        remove_stale_temporaries(backup_folder, Some(backup_name));
    }

    // Both temporary files first: a failure here (a full disk) leaves everything as it was.
    let backup_temp = match &backup_parts {
        Some((_, backup_folder, backup_name)) => {
            let old = expected.unwrap_or_default();
            let written = hook(Step::WriteBackup)
                .map_err(|e| (backup_folder.join(temporary_name(backup_name, "tmp")), e))
                .and_then(|()| write_temporary(backup_folder, backup_name, old, existing.as_ref()));
            match written {
                Ok(temp) => Some(temp),
                Err((temp, e)) => {
                    let doing = format!("cannot write the backup's temporary file `{}`", temp.display());
                    return Err(SaveError::io(doing, e));
                }
            }
        }
        None => None,
    };
    let remove = |temps: &[Option<&PathBuf>]| {
        for temp in temps.iter().flatten() {
            let _ = fs::remove_file(temp);
        }
    };
    let written = hook(Step::WriteFile)
        .map_err(|e| (folder.join(temporary_name(&name, "tmp")), e))
        .and_then(|()| write_temporary(&folder, &name, contents, existing.as_ref()));
    let file_temp = match written {
        Ok(temp) => temp,
        Err((temp, e)) => {
            remove(&[backup_temp.as_ref()]);
            return Err(SaveError::io(format!("cannot write the temporary file `{}`", temp.display()), e));
        }
    };

    // The backup takes its place, the previous one kept under another name (a hard link)
    // until the file has taken its own, so that it can be put back.
    let mut previous = Previous::Nothing;
    if let (Some(temp), Some((backup, backup_folder, backup_name))) = (&backup_temp, &backup_parts) {
        if fs::symlink_metadata(backup).is_ok() {
            let keep = backup_folder.join(temporary_name(backup_name, "old"));
            // `hard_link` links a symbolic link itself, not what it points to.
            previous = match fs::hard_link(backup, &keep) {
                Ok(()) => Previous::Kept(keep),
                Err(_) => Previous::Lost,
            };
        }
        if let Err(e) = hook(Step::RenameBackup).and_then(|()| fs::rename(temp, backup)) {
            let kept = match &previous {
                Previous::Kept(keep) => Some(keep),
                _ => None,
            };
            remove(&[Some(temp), Some(&file_temp), kept]);
            let doing = format!("cannot rename the backup into place as `{}`", backup.display());
            return Err(SaveError::io(doing, e));
        }
        // On disk before the file's rename, so that after a power cut too the new file is
        // never there without the old one as its backup.
        sync_folder(backup_folder);
    }
    if let Err(e) = hook(Step::RenameFile).and_then(|()| fs::rename(&file_temp, &target)) {
        let _ = fs::remove_file(&file_temp);
        let mut backup_replaced = false;
        if let Some((backup, ..)) = &backup_parts {
            let restored = match &previous {
                Previous::Kept(keep) => hook(Step::RestoreBackup).and_then(|()| fs::rename(keep, backup)),
                // There was no backup before: remove the one just made.
                Previous::Nothing => hook(Step::RestoreBackup).and_then(|()| fs::remove_file(backup)),
                Previous::Lost => Err(io::Error::other("the previous backup could not be kept")),
            };
            if restored.is_err() {
                backup_replaced = true;
                if let Previous::Kept(keep) = &previous {
                    let _ = fs::remove_file(keep);
                }
            }
        }
        return Err(SaveError::Io {
            doing: format!("cannot rename the temporary file into place as `{}`", target.display()),
            error: e,
            backup_replaced,
        });
    }
    if let Previous::Kept(keep) = &previous {
        let _ = fs::remove_file(keep);
    }
    // Make the renames durable where the platform allows; the files are already whole,
    // so a failure here loses nothing.
    sync_folder(&folder);
    if let Some((_, backup_folder, _)) = &backup_parts
        && *backup_folder != folder
    {
        sync_folder(backup_folder);
    }
    Ok(backup_parts.map(|(backup, ..)| backup))
}

/// [`replace`] for contents too large to hold in memory (a batch's results): `write`
/// writes them, through a buffer, into the temporary file that then takes the file's
/// place, atomically, the file's owner and mode kept. Gives what `write` gives.
///
/// # Errors
///
/// The error of `write` (as [`SaveError::Io`]), or any other failure; the file is then as
/// it was and no temporary file is left.
pub fn replace_with<T>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<T>,
) -> Result<T, SaveError> {
    let Target { target, name, folder, existing } = Target::of(path)?;
    remove_stale_temporaries(&folder, Some(&name));
    let (temp, result) = write_temporary_with(&folder, &name, existing.as_ref(), |file| {
        let mut buffered = io::BufWriter::with_capacity(1 << 16, file);
        let result = write(&mut buffered)?;
        buffered.flush()?;
        Ok(result)
    })
    .map_err(|(temp, e)| SaveError::io(format!("cannot write the temporary file `{}`", temp.display()), e))?;
    // Another accord writing the same file at the end of its batch waits for this one.
    let _lock = match existing {
        Some(_) => match lock(&target, None) {
            Ok(lock) => Some(lock),
            Err(error) => {
                let _ = fs::remove_file(&temp);
                return Err(error);
            }
        },
        None => None,
    };
    if let Err(e) = fs::rename(&temp, &target) {
        let _ = fs::remove_file(&temp);
        let doing = format!("cannot rename the temporary file into place as `{}`", target.display());
        return Err(SaveError::io(doing, e));
    }
    sync_folder(&folder);
    Ok(result)
}

/// A folder that many files are written into ([`Folder::replace`], as [`replace`] writes
/// one): the temporary files left there by killed processes are looked for once, when it
/// is opened, instead of once for each file, which in a folder of thousands of reports
/// would read the folder thousands of times.
#[derive(Debug)]
pub struct Folder {
    path: PathBuf,
}

impl Folder {
    /// The folder at `path` (which must exist), cleared of the temporary files of every
    /// name that killed processes left in it.
    pub fn new(path: &Path) -> Folder {
        remove_stale_temporaries(path, None);
        Folder { path: path.to_path_buf() }
    }

    /// Replaces (or creates) the file `name` of the folder with `contents`, as [`replace`]
    /// does. Gives the file's path.
    ///
    /// # Errors
    ///
    /// As [`replace`].
    pub fn replace(&self, name: &str, contents: &[u8]) -> Result<PathBuf, SaveError> {
        let path = self.path.join(name);
        save(&path, None, contents, false, &|_| Ok(()), Clean::Done)?;
        Ok(path)
    }
}

/// The file a save replaces: the one a symbolic link points to, or the path itself.
struct Target {
    target: PathBuf,
    /// Its name, without the folder.
    name: OsString,
    /// Its folder.
    folder: PathBuf,
    /// What is there now, if anything.
    existing: Option<Metadata>,
}

impl Target {
    /// The file `path` names, refusing what is not a regular file or missing.
    fn of(path: &Path) -> Result<Target, SaveError> {
        let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        let target = if is_link {
            fs::canonicalize(path).map_err(|e| SaveError::io("cannot follow the symbolic link", e))?
        } else {
            path.to_path_buf()
        };
        let Some(name) = target.file_name().map(OsStr::to_os_string) else {
            return Err(SaveError::io(
                "cannot write it",
                io::Error::new(io::ErrorKind::InvalidInput, "the path does not name a file"),
            ));
        };
        let folder = folder_of(&target);
        // Said plainly here, rather than as the temporary file that could not be made.
        if !folder.is_dir() {
            let doing = format!("there is no folder `{}`", folder.display());
            return Err(SaveError::io(doing, io::Error::new(io::ErrorKind::NotFound, "make it first")));
        }
        let existing = match fs::metadata(&target) {
            Ok(metadata) => Some(metadata),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(SaveError::io("cannot look at it", e)),
        };
        if let Some(kind) = existing.as_ref().and_then(special_kind) {
            return Err(SaveError::NotRegular(kind));
        }
        if existing.as_ref().is_some_and(Metadata::is_dir) {
            return Err(SaveError::io("cannot write it", io::Error::other("it is a folder")));
        }
        Ok(Target { target, name, folder, existing })
    }
}

/// What became of the previous backup while the new one took its place.
enum Previous {
    /// There was none.
    Nothing,
    /// Kept under this name (a hard link), to be put back if the save fails.
    Kept(PathBuf),
    /// There was one, but it could not be kept (a file system without hard links).
    Lost,
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `.NAME.TAG-PID`: the name of this process's temporary file for `name`.
fn temporary_name(name: &OsStr, tag: &str) -> OsString {
    let mut temp = OsString::from(".");
    temp.push(name);
    temp.push(format!(".{tag}-{}", std::process::id()));
    temp
}

/// Writes `contents` to a new temporary file for `name` in `folder`, with the owner and
/// mode of `like` (the file it will replace), flushed to disk. On failure, the temporary
/// file is removed and its path returned with the error.
fn write_temporary(
    folder: &Path,
    name: &OsStr,
    contents: &[u8],
    like: Option<&Metadata>,
) -> Result<PathBuf, (PathBuf, io::Error)> {
    write_temporary_with(folder, name, like, |file| file.write_all(contents)).map(|(temp, ())| temp)
}

/// [`write_temporary`], with what `write` writes.
fn write_temporary_with<T>(
    folder: &Path,
    name: &OsStr,
    like: Option<&Metadata>,
    write: impl FnOnce(&mut File) -> io::Result<T>,
) -> Result<(PathBuf, T), (PathBuf, io::Error)> {
    let temp = folder.join(temporary_name(name, "tmp"));
    let mut options = OpenOptions::new();
    // `create_new` never opens an existing file (nor follows a link of that name), so a
    // file of that name that is not ours is neither written to nor, below, removed.
    options.write(true).create_new(true);
    #[cfg(unix)]
    if like.is_some() {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&temp).map_err(|e| (temp.clone(), e))?;
    let written = (|| {
        let result = write(&mut file)?;
        if let Some(like) = like {
            keep_owner_and_mode(&file, like);
        }
        file.sync_all()?;
        Ok(result)
    })();
    drop(file);
    match written {
        Ok(result) => Ok((temp, result)),
        Err(e) => {
            let _ = fs::remove_file(&temp);
            Err((temp, e))
        }
    }
}

/// Gives `file` the owner, group and mode of `like`, as far as the process may: as root
/// all of them; otherwise the group where the user belongs to it, and the mode.
fn keep_owner_and_mode(file: &File, like: &Metadata) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        if let Ok(mine) = file.metadata()
            && (mine.uid(), mine.gid()) != (like.uid(), like.gid())
            && std::os::unix::fs::fchown(file, Some(like.uid()), Some(like.gid())).is_err()
        {
            let _ = std::os::unix::fs::fchown(file, None, Some(like.gid()));
        }
        // After the owner: changing the owner clears the set-user-id and set-group-id bits.
        let _ = file.set_permissions(fs::Permissions::from_mode(like.mode() & 0o7777));
    }
    #[cfg(not(unix))]
    {
        let _ = file.set_permissions(like.permissions());
    }
}

fn sync_folder(folder: &Path) {
    if let Ok(folder) = File::open(folder) {
        let _ = folder.sync_all();
    }
}

/// Opens and locks the file at `target`, checks that the path still names the file
/// locked (another accord may have replaced it meanwhile) and, with `expected`, that it
/// holds `expected`.
fn lock(target: &Path, expected: Option<&[u8]>) -> Result<File, SaveError> {
    let deadline = Instant::now() + LOCK_WAIT;
    loop {
        // Checked before opening: opening a named pipe waits for a writer.
        if let Ok(metadata) = fs::metadata(target)
            && let Some(kind) = special_kind(&metadata)
        {
            return Err(SaveError::NotRegular(kind));
        }
        let file = match File::open(target) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound && expected.is_some() => {
                return Err(SaveError::Changed);
            }
            Err(e) => return Err(SaveError::io("cannot open it", e)),
        };
        // A file system without locks (`TryLockError::Error`): go on, still comparing the
        // contents.
        if let Err(fs::TryLockError::WouldBlock) = file.try_lock() {
            if Instant::now() >= deadline {
                return Err(SaveError::Locked);
            }
            std::thread::sleep(Duration::from_millis(20));
            continue;
        }
        if !names_the_same_file(target, &file) {
            // Replaced while we waited: lock the file that is there now.
            if Instant::now() >= deadline {
                return Err(SaveError::Changed);
            }
            continue;
        }
        if let Some(expected) = expected {
            let mut now = Vec::with_capacity(expected.len());
            (&file)
                .take(expected.len() as u64 + 1)
                .read_to_end(&mut now)
                .map_err(|e| SaveError::io("cannot read it again", e))?;
            if now != expected {
                return Err(SaveError::Changed);
            }
        }
        return Ok(file);
    }
}

/// Whether `path` names the file open as `file` (the same device and inode).
fn names_the_same_file(path: &Path, file: &File) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (fs::metadata(path), file.metadata()) {
            (Ok(named), Ok(open)) => (named.dev(), named.ino()) == (open.dev(), open.ino()),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (path, file);
        true
    }
}

/// Removes the temporary files for `name` in `folder` left by processes that were killed:
/// `.NAME.tmp-PID` and `.NAME.old-PID` of a process that is not running (or this one,
/// which has not made its own yet), or older than [`STALE_AFTER`]. Only files and
/// symbolic links are removed (never what a link points to); nothing else is touched,
/// and failures are ignored.
fn remove_stale_temporaries(folder: &Path, name: Option<&OsStr>) {
    let Ok(entries) = fs::read_dir(folder) else { return };
    let name = name.map(OsStr::to_string_lossy);
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        let Some(digits) = temporary_of(&file_name, name.as_deref()) else { continue };
        // Only the names this module makes: the number as `process::id` writes it.
        let Ok(pid) = digits.parse::<u32>() else { continue };
        if pid.to_string() != digits {
            continue;
        }
        // What this module leaves: a file, or a hard link to a symbolic link (a backup
        // that was a link, kept); removing a link leaves what it points to alone.
        let Ok(metadata) = fs::symlink_metadata(entry.path()) else { continue };
        if !(metadata.file_type().is_file() || metadata.file_type().is_symlink()) {
            continue;
        }
        let old = metadata
            .modified()
            .ok()
            .and_then(|modified| SystemTime::now().duration_since(modified).ok())
            .is_some_and(|age| age > STALE_AFTER);
        if pid == std::process::id() || old || process_running(pid) == Some(false) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The process number in `file_name` when it is the name of a temporary file this module
/// makes, `.NAME.tmp-PID` or `.NAME.old-PID`, for `name` (for any name when `None`).
fn temporary_of<'f>(file_name: &'f str, name: Option<&str>) -> Option<&'f str> {
    let rest = file_name.strip_prefix('.')?;
    let (of, digits) = [".tmp-", ".old-"].iter().find_map(|tag| rest.rsplit_once(tag))?;
    (!of.is_empty() && name.is_none_or(|name| name == of)).then_some(digits)
}

/// Whether a process numbered `pid` is running, where the system says (`/proc` on Linux);
/// `None` where it cannot be told.
fn process_running(pid: u32) -> Option<bool> {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return None;
    }
    Some(proc.join(pid.to_string()).exists())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("accord-safe-write-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// Each step of a save made to fail in turn: the file and its backup are left as
    /// they were, no temporary file is left, and the error says which step failed.
    #[test]
    fn a_save_that_fails_at_any_step_leaves_the_file_and_its_backup_as_they_were() {
        for had_backup in [false, true] {
            for step in [Step::WriteBackup, Step::WriteFile, Step::RenameBackup, Step::RenameFile] {
                let dir = scratch(&format!("step-{step:?}-{had_backup}"));
                let path = dir.join("case.json");
                fs::write(&path, "old\n").unwrap();
                if had_backup {
                    fs::write(dir.join("case.json.bak"), "previous\n").unwrap();
                }
                let hook =
                    |now: Step| if now == step { Err(io::Error::other("the disk is full")) } else { Ok(()) };
                let error = save(&path, Some(b"old\n"), b"new\n", true, &hook, Clean::Name).unwrap_err();
                assert!(error.to_string().ends_with(": the disk is full"), "{step:?}: {error}");
                assert!(!error.backup_replaced(), "{step:?}");
                assert_eq!(fs::read_to_string(&path).unwrap(), "old\n", "{step:?}");
                if had_backup {
                    assert_eq!(
                        fs::read_to_string(dir.join("case.json.bak")).unwrap(),
                        "previous\n",
                        "{step:?}"
                    );
                    assert_eq!(names(&dir), ["case.json", "case.json.bak"], "{step:?}");
                } else {
                    assert_eq!(names(&dir), ["case.json"], "{step:?}");
                }
                fs::remove_dir_all(&dir).unwrap();
            }
        }
    }

    /// When the file cannot take its place and the previous backup cannot be put back,
    /// the error says that the backup now holds the old file.
    #[test]
    fn a_backup_that_cannot_be_put_back_is_said_to_be_replaced() {
        let dir = scratch("restore");
        let path = dir.join("case.json");
        fs::write(&path, "old\n").unwrap();
        fs::write(dir.join("case.json.bak"), "previous\n").unwrap();
        let hook = |now: Step| {
            if matches!(now, Step::RenameFile | Step::RestoreBackup) {
                Err(io::Error::other("failed"))
            } else {
                Ok(())
            }
        };
        let error = save(&path, Some(b"old\n"), b"new\n", true, &hook, Clean::Name).unwrap_err();
        assert!(error.backup_replaced());
        assert_eq!(fs::read_to_string(&path).unwrap(), "old\n");
        assert_eq!(fs::read_to_string(dir.join("case.json.bak")).unwrap(), "old\n");
        assert_eq!(names(&dir), ["case.json", "case.json.bak"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_not_replaced() {
        let dir = scratch("changed");
        let path = dir.join("case.json");
        fs::write(&path, "changed by another program\n").unwrap();
        let error = save_with_backup(&path, b"as read\n", b"new\n").unwrap_err();
        assert!(matches!(error, SaveError::Changed), "{error}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "changed by another program\n");
        assert_eq!(names(&dir), ["case.json"]);
        fs::remove_file(&path).unwrap();
        let error = replace_if_unchanged(&path, b"as read\n", b"new\n").unwrap_err();
        assert!(matches!(error, SaveError::Changed), "removed meanwhile: {error}");
        assert!(names(&dir).is_empty());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn writes_the_new_contents_and_leaves_nothing_else() {
        let dir = scratch("ok");
        let path = dir.join("case.json");
        fs::write(&path, "old").unwrap();
        replace(&path, b"new\n").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new\n");
        assert_eq!(save_with_backup(&path, b"new\n", b"newer\n").unwrap(), dir.join("case.json.bak"));
        assert_eq!(fs::read_to_string(&path).unwrap(), "newer\n");
        assert_eq!(fs::read_to_string(dir.join("case.json.bak")).unwrap(), "new\n");
        assert_eq!(names(&dir), ["case.json", "case.json.bak"]);
        // A file that is not there yet is created.
        replace(&dir.join("new.txt"), b"created\n").unwrap();
        assert_eq!(fs::read_to_string(dir.join("new.txt")).unwrap(), "created\n");
        // Contents written as they come, replacing the file.
        let lines = replace_with(&dir.join("new.txt"), |out| {
            out.write_all(b"one\n")?;
            out.write_all(b"two\n")?;
            Ok(2)
        });
        assert_eq!(lines.unwrap(), 2);
        assert_eq!(fs::read_to_string(dir.join("new.txt")).unwrap(), "one\ntwo\n");
        // A write that fails leaves the file as it was.
        let failed = replace_with(&dir.join("new.txt"), |out| {
            out.write_all(b"half")?;
            Err::<(), _>(io::Error::other("the batch stopped"))
        });
        assert!(failed.is_err());
        assert_eq!(fs::read_to_string(dir.join("new.txt")).unwrap(), "one\ntwo\n");
        fs::remove_dir_all(&dir).unwrap();
    }

    /// A lock held by someone else is waited for, up to the limit: here it is let go
    /// after a moment, and the save goes through.
    #[test]
    fn a_lock_let_go_is_taken() {
        let dir = scratch("lock");
        let path = dir.join("case.json");
        fs::write(&path, "old\n").unwrap();
        let held = File::open(&path).unwrap();
        held.lock().unwrap();
        let holder = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            drop(held);
        });
        let started = Instant::now();
        replace_if_unchanged(&path, b"old\n", b"new\n").unwrap();
        assert!(started.elapsed() >= Duration::from_millis(250));
        holder.join().unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new\n");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn only_stale_temporary_files_of_the_name_are_removed() {
        let dir = scratch("stale");
        let mine = std::process::id();
        for name in [
            format!(".case.json.tmp-{mine}"),
            format!(".case.json.old-{mine}"),
            format!(".case.json.tmp-{mine}0x"),
            format!(".case.json.tmp-0{mine}"),
            format!(".other.json.tmp-{mine}"),
            ".case.json.tmp-".to_string(),
        ] {
            fs::write(dir.join(name), "").unwrap();
        }
        fs::create_dir(dir.join(".case.json.tmp-1")).unwrap();
        remove_stale_temporaries(&dir, Some(OsStr::new("case.json")));
        let mut expected = vec![
            ".case.json.tmp-".to_string(),
            ".case.json.tmp-1".to_string(),
            format!(".case.json.tmp-{mine}0x"),
            format!(".case.json.tmp-0{mine}"),
            format!(".other.json.tmp-{mine}"),
        ];
        expected.sort();
        assert_eq!(names(&dir), expected);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_folder_of_many_files_is_cleared_of_every_stale_temporary_file_once() {
        let dir = scratch("folder");
        let mine = std::process::id();
        for name in [
            format!(".a.html.tmp-{mine}"),
            format!(".b.html.old-{mine}"),
            format!(".a.tmp-1.html.tmp-{mine}"),
            format!(".tmp-{mine}"),
            format!("a.html.tmp-{mine}"),
            format!(".c.html.tmp-{mine}x"),
        ] {
            fs::write(dir.join(name), "").unwrap();
        }
        let folder = Folder::new(&dir);
        let mut expected =
            vec![format!(".c.html.tmp-{mine}x"), format!(".tmp-{mine}"), format!("a.html.tmp-{mine}")];
        expected.sort();
        assert_eq!(names(&dir), expected);
        assert_eq!(folder.replace("a.html", b"<p>a</p>\n").unwrap(), dir.join("a.html"));
        assert_eq!(fs::read_to_string(dir.join("a.html")).unwrap(), "<p>a</p>\n");
        fs::remove_dir_all(&dir).unwrap();
    }

    /// A backup that was a symbolic link, kept under a temporary name (a hard link to the
    /// link) by a save that was killed: the kept link is removed, what it points to is not.
    #[cfg(unix)]
    #[test]
    fn a_kept_link_left_by_a_killed_save_is_removed_and_its_target_left() {
        let dir = scratch("stale-link");
        fs::write(dir.join("unrelated.txt"), "unrelated\n").unwrap();
        let kept = dir.join(format!(".case.json.bak.old-{}", std::process::id()));
        std::os::unix::fs::symlink("unrelated.txt", &kept).unwrap();
        remove_stale_temporaries(&dir, Some(OsStr::new("case.json.bak")));
        assert_eq!(names(&dir), ["unrelated.txt"]);
        assert_eq!(fs::read_to_string(dir.join("unrelated.txt")).unwrap(), "unrelated\n");
        fs::remove_dir_all(&dir).unwrap();
    }
}

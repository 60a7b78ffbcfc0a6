//! The user's own files: where they go by default, how a path typed in a
//! field is read, and the one way a file the user asked for is written.
//!
//! Every export, bundle, playbook, schedule and invitation is written by
//! [`write_file`]: a temporary file in the same folder, flushed and fsynced,
//! renamed over the name, then the folder fsynced; so a crash, a full disk
//! or a failed export never leaves half a file under the name, and an
//! existing file is replaced only when the user asked for it. Only regular
//! files are ever replaced: a pipe, a device or a socket is refused.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The user's home folder: `$HOME` when it is set and not empty, else the
/// system's record of the user. `None` when neither is known.
pub fn home_dir() -> Option<PathBuf> {
    dirs::home_dir()
}

/// `text` with a leading `~` or `~/` replaced by the home folder, as a shell
/// would do on the command line; anything else is taken as it is.
fn expand_home(text: &str) -> PathBuf {
    if text == "~" {
        if let Some(h) = home_dir() {
            return h;
        }
    } else if let Some(rest) = text.strip_prefix("~/") {
        if let Some(h) = home_dir() {
            return h.join(rest);
        }
    }
    PathBuf::from(text)
}

/// The path typed in a field of the window: trimmed, `~` expanded, and
/// absolute (a relative path would depend on the folder the app was started
/// from). `example` is a file name for the messages, such as
/// `callblock-calls.csv`.
pub fn typed_path(text: &str, example: &str) -> Result<PathBuf> {
    typed_path_of(text, "file", example)
}

/// [`typed_path`] for a field that names its kind of file (`what`: "playbook
/// file", "calendar file") in its message when it is left empty.
pub fn typed_path_of(text: &str, what: &str, example: &str) -> Result<PathBuf> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Error::invalid(
            "file",
            format!("enter the path of the {what}, such as ~/Documents/{example}"),
        ));
    }
    // A file dragged from a file manager is pasted as a file: URL.
    let decoded;
    let t = match t.strip_prefix("file://") {
        Some(rest) => {
            decoded = percent_encoding::percent_decode_str(rest)
                .decode_utf8_lossy()
                .into_owned();
            decoded.as_str()
        }
        None => t,
    };
    let path = expand_home(t);
    if !path.is_absolute() {
        return Err(Error::invalid(
            "file",
            format!(
                "{} is not a full path; start it with / or ~/ (for example ~/Documents/{example})",
                crate::error::quoted(t)
            ),
        ));
    }
    Ok(path)
}

/// The documents folder where it is expected to be (the desktop's own
/// setting, else `~/Documents`), whether it exists or not.
fn documents_folder() -> Option<PathBuf> {
    dirs::document_dir().or_else(|| home_dir().map(|h| h.join("Documents")))
}

/// Where files the user asks for go by default: the documents folder when it
/// exists, else the home folder (the current folder when there is no home).
pub fn documents_dir() -> PathBuf {
    match documents_folder().filter(|d| d.is_dir()) {
        Some(d) => d,
        None => home_dir().unwrap_or_else(|| PathBuf::from(".")),
    }
}

/// `name` in [`documents_dir`]: where an export field starts.
pub fn default_file(name: &str) -> PathBuf {
    documents_dir().join(name)
}

/// The folder where exports are usually downloaded (`~/Downloads`), for the
/// import panel's first path; `None` when no home folder is known.
pub fn downloads_dir() -> Option<PathBuf> {
    dirs::download_dir().or_else(|| home_dir().map(|h| h.join("Downloads")))
}

/// Where meeting invitations (.ics) are saved for the rep: `Callblock
/// invitations` in the documents folder (created when the first one is
/// saved), else beside the database.
pub fn invitations_dir(db_path: &Path) -> PathBuf {
    documents_folder()
        .map(|d| d.join("Callblock invitations"))
        .unwrap_or_else(|| {
            db_path
                .parent()
                .map(|p| p.join("invitations"))
                .unwrap_or_else(|| PathBuf::from("invitations"))
        })
}

/// Check where a file is about to be written: a path was given, it is not a
/// folder (then `example` names a file to add), its folder exists, and it is
/// not there already unless `replace`; what is there must be a regular file.
/// The messages say what to do.
pub fn check_output_file(path: &Path, replace: bool, example: &str) -> Result<()> {
    if path.as_os_str().is_empty() {
        return Err(Error::invalid(
            "file",
            format!("type the path of the file to write, such as {example}"),
        ));
    }
    if path.is_dir() {
        return Err(Error::invalid(
            "file",
            format!(
                "{} is a folder; add a file name such as {example}",
                path.display()
            ),
        ));
    }
    if let Some(dir) = path.parent() {
        if !dir.as_os_str().is_empty() && !dir.is_dir() {
            return Err(Error::invalid(
                "file",
                format!(
                    "the folder {} does not exist; create it or choose another",
                    dir.display()
                ),
            ));
        }
    }
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => Err(Error::invalid(
            "file",
            format!(
                "{} is not a regular file (a device, pipe or socket); choose a file name such as {example}",
                path.display()
            ),
        )),
        Ok(_) if !replace => Err(exists(path)),
        // A link that points nowhere is there all the same.
        Err(_) if !replace && path.symlink_metadata().is_ok() => Err(exists(path)),
        _ => Ok(()),
    }
}

/// Write the file at `path` with `write`, atomically: [`check_output_file`]
/// first (an existing file only with `replace`), then a temporary file in the
/// same folder that is flushed, fsynced and renamed over the name, and the
/// folder fsynced. When anything fails, the temporary file is removed and
/// whatever was under the name is left as it was. `example` is a file name
/// for the messages; `write` returns what the caller wants back (a count).
pub fn write_file<T>(
    path: &Path,
    replace: bool,
    example: &str,
    write: impl FnOnce(&mut dyn Write) -> Result<T>,
) -> Result<T> {
    check_output_file(path, replace, example)?;
    write_atomic(path, replace, write)
}

/// The write of [`write_file`] without its friendly checks first (for a
/// caller that made them already): what is under the name must be a regular
/// file, and is replaced only with `replace`; a folder that does not exist is
/// an I/O error. A link is followed to the file it names (even one not there
/// yet). A replaced file keeps its permissions, from the first byte written.
pub fn write_atomic<T>(
    path: &Path,
    replace: bool,
    write: impl FnOnce(&mut dyn Write) -> Result<T>,
) -> Result<T> {
    let target = link_target(path)?;
    let old = match std::fs::metadata(&target) {
        Ok(meta) if !meta.is_file() => {
            return Err(Error::invalid(
                "file",
                format!(
                    "{} is not a regular file (a device, pipe or socket); choose a file name",
                    path.display()
                ),
            ))
        }
        Ok(_) if !replace => return Err(exists(path)),
        Ok(meta) => Some(meta.permissions()),
        Err(_) => None,
    };
    let (tmp, file) = temp_beside(&target, old.as_ref()).map_err(|e| named(io(path)(e), path))?;
    let written = (|| {
        let mut w = std::io::BufWriter::new(file);
        let out = write(&mut w)?;
        let file = w.into_inner().map_err(|e| io(path)(e.into_error()))?;
        file.sync_all().map_err(io(path))?;
        drop(file);
        put_in_place(&tmp, &target, replace).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => exists(path),
            _ => io(path)(e),
        })?;
        Ok(out)
    })();
    match written {
        Ok(out) => {
            sync_folder(&target);
            Ok(out)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(named(e, path))
        }
    }
}

/// No room left on the disk (or in the user's quota). By the OS's own
/// numbers: `ErrorKind::StorageFull` is newer than this crate's Rust.
fn disk_full(e: &std::io::Error) -> bool {
    match e.raw_os_error() {
        // ENOSPC, and EDQUOT on Linux.
        Some(code) if cfg!(unix) => code == 28 || (cfg!(target_os = "linux") && code == 122),
        // ERROR_HANDLE_DISK_FULL, ERROR_DISK_FULL.
        Some(code) if cfg!(windows) => code == 39 || code == 112,
        _ => false,
    }
}

/// A failed write as the user should read it: named after the file they
/// asked for (the writers inside name their stream, not the file), and a
/// full disk said in words.
fn named(e: Error, path: &Path) -> Error {
    match e {
        Error::Io { source, .. } if disk_full(&source) => Error::DiskFull {
            path: path.to_path_buf(),
        },
        Error::Io { source, .. } => Error::Io {
            path: path.to_path_buf(),
            source,
        },
        e => e,
    }
}

/// The file `path` names: itself, or what a link (or a chain of links)
/// points to, whether that file is there yet or not.
fn link_target(path: &Path) -> Result<PathBuf> {
    let mut at = path.to_path_buf();
    for _ in 0..16 {
        match at.symlink_metadata() {
            Ok(m) if m.file_type().is_symlink() => {
                let to = std::fs::read_link(&at).map_err(io(path))?;
                at = match at.parent() {
                    Some(dir) if to.is_relative() => dir.join(to),
                    _ => to,
                };
            }
            _ => return Ok(at),
        }
    }
    Err(Error::invalid(
        "file",
        format!("{}: too many links to follow", path.display()),
    ))
}

/// Move the written `tmp` to `target`: a rename when replacing; otherwise a
/// hard link, which fails if a file appeared under the name meanwhile (then
/// the temporary name is removed). Where hard links are not supported, a
/// last look and a rename.
fn put_in_place(tmp: &Path, target: &Path, replace: bool) -> std::io::Result<()> {
    if replace {
        return std::fs::rename(tmp, target);
    }
    match std::fs::hard_link(tmp, target) {
        Ok(()) => {
            let _ = std::fs::remove_file(tmp);
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
        Err(_) if target.symlink_metadata().is_ok() => {
            Err(std::io::Error::from(std::io::ErrorKind::AlreadyExists))
        }
        Err(_) => std::fs::rename(tmp, target),
    }
}

/// Write `bytes` to `path` with [`write_file`].
pub fn write_bytes(path: &Path, replace: bool, example: &str, bytes: &[u8]) -> Result<()> {
    write_file(path, replace, example, |w| {
        w.write_all(bytes).map_err(io(path))
    })
}

fn exists(path: &Path) -> Error {
    Error::Conflict(format!(
        "{} already exists; replace it, or choose another name",
        path.display()
    ))
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Remove, from `dir`, the temporary files of writes that never finished
/// (`.NAME.XXXXXXXX.tmp`, see [`temp_beside`]: the process was killed
/// between creating and renaming one) last changed at least `older_than`
/// ago. Only regular files of exactly that shape; errors are ignored (a
/// file left is harmless). Returns how many were removed.
pub fn sweep_stale_temp_files(dir: &Path, older_than: std::time::Duration) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        if !is_temp_name(name) {
            continue;
        }
        let stale = e.metadata().ok().filter(|m| m.is_file()).and_then(|m| {
            m.modified()
                .ok()
                .and_then(|t| t.elapsed().ok())
                .map(|age| age >= older_than)
        });
        if stale == Some(true) && std::fs::remove_file(e.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// `.NAME.XXXXXXXX.tmp` with eight lower-case hex digits.
fn is_temp_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix('.').and_then(|r| r.strip_suffix(".tmp")) else {
        return false;
    };
    match rest.rsplit_once('.') {
        Some((base, hex)) => {
            !base.is_empty()
                && hex.len() == 8
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        }
        None => false,
    }
}

/// A new file beside `target` (`.NAME.XXXXXXXX.tmp`, hidden, never an
/// existing one), for writing before the rename; with `permissions` (those of
/// the file it replaces) set before anything is written to it.
fn temp_beside(
    target: &Path,
    permissions: Option<&std::fs::Permissions>,
) -> std::io::Result<(PathBuf, std::fs::File)> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".to_string());
    // A name near the system's limit (255 bytes) still leaves room for ours.
    let mut cut = name.len().min(200);
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    let name = &name[..cut];
    let dir = target.parent().filter(|d| !d.as_os_str().is_empty());
    let mut last = None;
    for _ in 0..8 {
        let unique = uuid::Uuid::new_v4().simple().to_string();
        let tmp_name = format!(".{name}.{}.tmp", &unique[..8]);
        let tmp = match dir {
            Some(d) => d.join(tmp_name),
            None => PathBuf::from(tmp_name),
        };
        let mut open = std::fs::OpenOptions::new();
        open.write(true).create_new(true);
        #[cfg(unix)]
        if let Some(p) = permissions {
            use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
            open.mode(p.mode() & 0o777);
        }
        match open.open(&tmp) {
            Ok(f) => {
                if let Some(p) = permissions {
                    // The creation mode passed through the umask; the
                    // replaced file's own mode, exactly.
                    if let Err(e) = f.set_permissions(p.clone()) {
                        let _ = std::fs::remove_file(&tmp);
                        return Err(e);
                    }
                }
                return Ok((tmp, f));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no temporary name is free")))
}

/// Create the folder `dir` (and its parents) if it is not there, for files
/// the app saves on its own (invitations).
pub fn ensure_folder(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(io(dir))
}

/// Make the rename durable: fsync the folder that holds `path`. A folder that
/// cannot be opened or synced (some network file systems) is not an error:
/// the file itself is already on disk.
fn sync_folder(path: &Path) {
    let dir = match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => d.to_path_buf(),
        None => PathBuf::from("."),
    };
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_file_url_is_read_as_its_path() {
        assert_eq!(
            typed_path_of("file:///tmp/My%20Leads.csv", "CSV file", "x.csv").unwrap(),
            PathBuf::from("/tmp/My Leads.csv")
        );
        assert!(typed_path_of("file://relative.csv", "CSV file", "x.csv").is_err());
    }

    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn output_files_are_checked_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("out.csv");
        check_output_file(&file, false, "out.csv").unwrap();
        std::fs::write(&file, "x").unwrap();
        let e = check_output_file(&file, false, "out.csv")
            .unwrap_err()
            .to_string();
        assert!(e.contains("already exists"), "{e}");
        check_output_file(&file, true, "out.csv").unwrap();
        let e = check_output_file(dir.path(), false, "out.csv")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("is a folder; add a file name such as out.csv"),
            "{e}"
        );
        let e = check_output_file(&dir.path().join("nope/x.csv"), false, "x.csv")
            .unwrap_err()
            .to_string();
        assert!(e.contains("does not exist"), "{e}");
        assert!(check_output_file(Path::new(""), false, "x.csv").is_err());
    }

    #[test]
    fn a_file_is_written_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("out.csv");
        let n = write_file(&file, false, "out.csv", |w| {
            w.write_all(b"a,b\n").map_err(io(&file))?;
            Ok(1)
        })
        .unwrap();
        assert_eq!(n, 1);
        assert_eq!(std::fs::read(&file).unwrap(), b"a,b\n");
        // Not replaced unless asked, and nothing else left in the folder.
        let e = write_bytes(&file, false, "out.csv", b"new").unwrap_err();
        assert_eq!(e.kind(), "conflict");
        assert_eq!(std::fs::read(&file).unwrap(), b"a,b\n");
        // A failure half-way leaves the old file and no temporary file.
        let e = write_file(&file, true, "out.csv", |w| {
            w.write_all(b"half").map_err(io(&file))?;
            Err::<(), _>(Error::invalid("test", "stopped half-way"))
        })
        .unwrap_err();
        assert!(e.to_string().contains("half-way"));
        assert_eq!(std::fs::read(&file).unwrap(), b"a,b\n");
        assert_eq!(entries(dir.path()), vec!["out.csv"]);
        write_bytes(&file, true, "out.csv", b"new").unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"new");
        assert_eq!(entries(dir.path()), vec!["out.csv"]);
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_replaced_and_links_are_followed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.map(|s| s.success()).unwrap_or(false) {
            let e = write_bytes(&fifo, true, "out.csv", b"x").unwrap_err();
            assert!(e.to_string().contains("not a regular file"), "{e}");
            let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
            assert!(std::os::unix::fs::FileTypeExt::is_fifo(&kind));
        }
        let e = write_bytes(Path::new("/dev/null"), true, "out.csv", b"x").unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");

        let real = dir.path().join("real.csv");
        std::fs::write(&real, "old").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
        // Nobody else may read it while it is written, either.
        let seen = write_file(&real, true, "out.csv", |_| {
            let mut seen = 0;
            for e in std::fs::read_dir(dir.path()).unwrap() {
                let e = e.unwrap();
                if e.file_name().to_string_lossy().ends_with(".tmp") {
                    let mode = e.metadata().unwrap().permissions().mode();
                    assert_eq!(mode & 0o777, 0o600, "{:?}", e.file_name());
                    seen += 1;
                }
            }
            Ok(seen)
        })
        .unwrap();
        assert_eq!(seen, 1);
        std::fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_bytes(&link, true, "out.csv", b"new").unwrap();
        assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
        let mode = std::fs::metadata(&real).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);

        // A link to a file not there yet: the file is written where it points.
        let later = dir.path().join("later.csv");
        let dangling = dir.path().join("dangling.csv");
        std::os::unix::fs::symlink("later.csv", &dangling).unwrap();
        let e = write_file(&dangling, false, "out.csv", |_| Ok(())).unwrap_err();
        assert_eq!(e.kind(), "conflict");
        write_bytes(&dangling, true, "out.csv", b"at last").unwrap();
        assert_eq!(std::fs::read(&later).unwrap(), b"at last");
    }

    #[test]
    fn a_failed_write_names_the_file_and_a_full_disk_is_said_in_words() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("calls.csv");
        std::fs::write(&file, "good").unwrap();
        let full = write_file(&file, true, "calls.csv", |_| {
            Err::<(), _>(Error::Io {
                path: "output".into(),
                source: std::io::Error::from_raw_os_error(if cfg!(windows) { 112 } else { 28 }),
            })
        })
        .unwrap_err();
        assert_eq!(full.kind(), "disk_full");
        let m = full.to_string();
        assert!(m.starts_with(&file.display().to_string()), "{m}");
        assert!(
            m.contains("free some space or choose another folder"),
            "{m}"
        );
        let other = write_file(&file, true, "calls.csv", |_| {
            Err::<(), _>(Error::Io {
                path: "output".into(),
                source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
            })
        })
        .unwrap_err();
        assert!(
            other.to_string().starts_with(&file.display().to_string()),
            "{other}"
        );
        assert_eq!(std::fs::read(&file).unwrap(), b"good");
        assert_eq!(entries(dir.path()), vec!["calls.csv"]);
    }

    #[test]
    fn a_long_name_and_a_file_that_appears_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let long = dir.path().join(format!("{}.csv", "é".repeat(120)));
        write_bytes(&long, false, "out.csv", b"x").unwrap();
        assert_eq!(std::fs::read(&long).unwrap(), b"x");
        // A file created under the name while the export was written is not
        // replaced without asking.
        let raced = dir.path().join("raced.csv");
        let e = write_atomic(&raced, false, |_| {
            std::fs::write(&raced, "theirs").unwrap();
            Ok(())
        })
        .unwrap_err();
        assert_eq!(e.kind(), "conflict");
        assert_eq!(std::fs::read(&raced).unwrap(), b"theirs");
        let mut left = entries(dir.path());
        left.sort();
        assert_eq!(left.len(), 2, "{left:?}");
    }

    #[test]
    fn typed_paths_expand_home_and_must_be_absolute() {
        let e = typed_path("  ", "x.csv").unwrap_err();
        assert!(e.to_string().contains("~/Documents/x.csv"));
        let e = typed_path("relative.csv", "x.csv").unwrap_err();
        assert!(e.to_string().contains("not a full path"));
        assert!(typed_path("/tmp/x.csv", "x.csv").unwrap().is_absolute());
        if let Some(home) = home_dir() {
            assert_eq!(
                typed_path(" ~/x.csv ", "x.csv").unwrap(),
                home.join("x.csv")
            );
            assert_eq!(expand_home("~"), home);
        }
        assert_eq!(expand_home("a/~/b"), PathBuf::from("a/~/b"));
        // A huge value is quoted cut, not whole.
        let e = typed_path(&"x".repeat(100_000), "x.csv")
            .unwrap_err()
            .to_string();
        assert!(e.len() < 300 && e.contains("…"), "{} characters", e.len());
    }

    #[test]
    fn stale_temporary_files_of_killed_writes_are_swept_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for n in [
            ".meeting.ics.0a1b2c3d.tmp",
            ".x.ics.ffffffff.tmp",
            "meeting.ics",
            ".meeting.ics.0A1B2C3D.tmp",
            ".meeting.ics.tmp",
            "notes.tmp",
        ] {
            std::fs::write(d.join(n), "x").unwrap();
        }
        assert_eq!(
            sweep_stale_temp_files(d, std::time::Duration::from_secs(3600)),
            0,
            "too new"
        );
        assert_eq!(sweep_stale_temp_files(d, std::time::Duration::ZERO), 2);
        let mut left: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                ".meeting.ics.0A1B2C3D.tmp",
                ".meeting.ics.tmp",
                "meeting.ics",
                "notes.tmp"
            ]
        );
        assert_eq!(
            sweep_stale_temp_files(&d.join("missing"), std::time::Duration::ZERO),
            0
        );
    }
}

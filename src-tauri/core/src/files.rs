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
    let t = text.trim();
    if t.is_empty() {
        return Err(Error::invalid(
            "file",
            format!("enter the path of the file, such as ~/Documents/{example}"),
        ));
    }
    let path = expand_home(t);
    if !path.is_absolute() {
        return Err(Error::invalid(
            "file",
            format!(
                "{t:?} is not a full path; start it with / or ~/ (for example ~/Documents/{example})"
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
/// an I/O error.
pub fn write_atomic<T>(
    path: &Path,
    replace: bool,
    write: impl FnOnce(&mut dyn Write) -> Result<T>,
) -> Result<T> {
    match std::fs::metadata(path) {
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
        _ => {}
    }
    // A link to a file: the file it points to is the one the user means.
    let target = match path.symlink_metadata() {
        Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(path).map_err(io(path))?,
        _ => path.to_path_buf(),
    };
    let (tmp, file) = temp_beside(&target).map_err(io(path))?;
    let written = (|| {
        let mut w = std::io::BufWriter::new(file);
        let out = write(&mut w)?;
        let file = w.into_inner().map_err(|e| io(path)(e.into_error()))?;
        if let Ok(old) = std::fs::metadata(&target) {
            // A replaced file keeps who may read it.
            let _ = file.set_permissions(old.permissions());
        }
        file.sync_all().map_err(io(path))?;
        drop(file);
        if !replace && target.symlink_metadata().is_ok() {
            return Err(exists(path));
        }
        std::fs::rename(&tmp, &target).map_err(io(path))?;
        Ok(out)
    })();
    match written {
        Ok(out) => {
            sync_folder(&target);
            Ok(out)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
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

/// A new file beside `target` (`.NAME.XXXXXXXX.tmp`, hidden, never an
/// existing one), for writing before the rename.
fn temp_beside(target: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".to_string());
    let dir = target.parent().filter(|d| !d.as_os_str().is_empty());
    let mut last = None;
    for _ in 0..8 {
        let unique = uuid::Uuid::new_v4().simple().to_string();
        let tmp_name = format!(".{name}.{}.tmp", &unique[..8]);
        let tmp = match dir {
            Some(d) => d.join(tmp_name),
            None => PathBuf::from(tmp_name),
        };
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no temporary name is free")))
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
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_bytes(&link, true, "out.csv", b"new").unwrap();
        assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
        let mode = std::fs::metadata(&real).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
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
    }
}

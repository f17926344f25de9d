//! Files this project writes hold incidents, hand-off notes and the hub's
//! database, so only their owner may read them: files are created 0600 and
//! directories 0700, set when they are created rather than left to the umask.
//! A file that is replaced is replaced whole (a private temporary file,
//! synced, renamed over it), so a crash leaves the old content or the new.
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

/// Files: read and written by their owner only.
pub const FILE_MODE: u32 = 0o600;
/// Directories: entered and listed by their owner only.
pub const DIR_MODE: u32 = 0o700;

/// Creates `dir` and the parents it lacks, each owner-only. Directories that
/// are already there keep their mode: they may be shared on purpose.
pub fn create_dir_all(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, DIR_MODE);
    builder.create(dir)
}

/// Open options that create a missing file owner-only.
pub fn options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
    options
}

/// Opens `path` to append to it, creating it (and its directory) owner-only.
pub fn append(path: &Path) -> std::io::Result<File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_dir_all(dir)?;
    }
    options().create(true).append(true).open(path)
}

/// Makes an open file of ours owner-only: one written before files were
/// created private keeps its old mode until told.
pub fn make_private(file: &File) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file.metadata()?.permissions().mode() & 0o777;
        if mode != FILE_MODE {
            file.set_permissions(std::fs::Permissions::from_mode(FILE_MODE))?;
        }
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// Replaces `path` with what `write` writes, in one step: a crash leaves
/// the old content or the new. The new file is owner-only whatever the old
/// one was.
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<&File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = parent(path);
    create_dir_all(dir)?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    // Unique, and created 0600 by tempfile; removed if anything fails.
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    // Buffered: serialisers write a token at a time.
    let mut out = BufWriter::with_capacity(256 * 1024, tmp.as_file());
    write(&mut out)?;
    out.flush()?;
    drop(out);
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
}

/// The directory `path` is in (`.` for a bare file name).
pub fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Makes a new or renamed entry of `dir` survive a crash. Best effort: not
/// every system can sync a directory.
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// `NAME.bad-20261123T080000Z` beside `path`: where what could not be read
/// back from it is set aside, so it is out of the way and still there.
pub fn set_aside_path(path: &Path, now: DateTime<Utc>) -> PathBuf {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    path.with_file_name(format!("{name}.bad-{}", now.format("%Y%m%dT%H%M%SZ")))
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn what_is_created_is_owner_only_and_a_replaced_file_becomes_so() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a").join("b");
        let file = nested.join("f.txt");
        append(&file).unwrap().write_all(b"x\n").unwrap();
        assert_eq!(mode(&dir.path().join("a")), DIR_MODE);
        assert_eq!(mode(&nested), DIR_MODE);
        assert_eq!(mode(&file), FILE_MODE);

        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_atomic(&file, |w| w.write_all(b"new\n")).unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"new\n");
        assert_eq!(mode(&file), FILE_MODE);
        let left: Vec<_> = std::fs::read_dir(&nested).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind");

        let opened = File::open(&file).unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        make_private(&opened).unwrap();
        assert_eq!(mode(&file), FILE_MODE);
    }

    #[test]
    fn a_failed_write_leaves_the_old_content() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        std::fs::write(&file, b"old").unwrap();
        let err = write_atomic(&file, |_| Err(std::io::Error::other("disk full")));
        assert!(err.is_err());
        assert_eq!(std::fs::read(&file).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}

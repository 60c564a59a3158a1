//! How the sandbox writes its state file: whole or not at all, readable by its owner only (it
//! holds the sandbox's token). The CLI has its own writer for its files; the sandbox keeps this
//! one so that it depends on nothing of the CLI.

use std::io::Write;
use std::path::Path;

/// Writes `data` to `path` through a temporary file beside it, fsync and rename, so a reader
/// (or a sandbox started after a crash) never sees half a state. The file is created with mode
/// 0600 and missing folders with 0700 on Unix.
pub(crate) fn write_atomic(path: &Path, data: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut folders = std::fs::DirBuilder::new();
    folders.recursive(true);
    let mut file = std::fs::OpenOptions::new();
    file.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
        folders.mode(0o700);
        file.mode(0o600);
    }
    folders.create(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("state");
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = file.open(&tmp).and_then(|mut f| {
        f.write_all(data)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    });
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

//! Small file-system helpers shared by config, journals and the sandbox's state file.

use std::io::Write;
use std::path::Path;

/// Writes `data` to `path` atomically: a temporary file beside it, fsync, rename.
/// With `private`, the file is created with mode 0600 (it may hold a token).
pub fn write_atomic(path: &Path, data: &[u8], private: bool) -> std::io::Result<()> {
    write_atomic_with(path, private, |w| w.write_all(data))
}

/// [`write_atomic`] of what `write` writes, through a buffer: a large file (a plan of a
/// million ids) is never held whole in memory to be written.
pub fn write_atomic_with(
    path: &Path,
    private: bool,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if private {
        create_private_dir(dir)?;
    } else {
        std::fs::create_dir_all(dir)?;
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let result = (|| {
        let mut w = std::io::BufWriter::new(opts.open(&tmp)?);
        write(&mut w)?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Creates `dir` and missing parents readable by the owner only (0700 on Unix): they hold
/// tokens, journals and sandbox state.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// Reads and writes at an offset of a file, never through its position: a temporary file can
/// be read from its start while it is still written at its end. (On Windows the position
/// moves anyway; nothing here reads it.)
pub mod at {
    use std::fs::File;
    use std::io::{self, Read, Write};

    /// Reads what is there at `off`, up to `buf`'s length; 0 at the end.
    pub fn read(f: &File, buf: &mut [u8], off: u64) -> io::Result<usize> {
        #[cfg(unix)]
        return std::os::unix::fs::FileExt::read_at(f, buf, off);
        #[cfg(windows)]
        return std::os::windows::fs::FileExt::seek_read(f, buf, off);
    }

    fn write(f: &File, buf: &[u8], off: u64) -> io::Result<usize> {
        #[cfg(unix)]
        return std::os::unix::fs::FileExt::write_at(f, buf, off);
        #[cfg(windows)]
        return std::os::windows::fs::FileExt::seek_write(f, buf, off);
    }

    pub fn read_exact(f: &File, mut buf: &mut [u8], mut off: u64) -> io::Result<()> {
        while !buf.is_empty() {
            match read(f, buf, off)? {
                0 => return Err(io::ErrorKind::UnexpectedEof.into()),
                n => {
                    buf = &mut buf[n..];
                    off += n as u64;
                }
            }
        }
        Ok(())
    }

    pub fn write_all(f: &File, mut buf: &[u8], mut off: u64) -> io::Result<()> {
        while !buf.is_empty() {
            match write(f, buf, off)? {
                0 => return Err(io::ErrorKind::WriteZero.into()),
                n => {
                    buf = &buf[n..];
                    off += n as u64;
                }
            }
        }
        Ok(())
    }

    /// A file read from `off` on.
    pub struct Reader<'a> {
        pub f: &'a File,
        pub off: u64,
    }

    impl Read for Reader<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = read(self.f, buf, self.off)?;
            self.off += n as u64;
            Ok(n)
        }
    }

    /// A file written from `off` on.
    pub struct Writer {
        pub f: File,
        pub off: u64,
    }

    impl Write for Writer {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let n = write(&self.f, buf, self.off)?;
            self.off += n as u64;
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
}

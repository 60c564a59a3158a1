//! Whole entries as NDJSON files: what `dlq export` and `delete --backup` write and what
//! `dlq sandbox --fixture` loads. One entry a line, every field the server sent (unknown ones
//! too), bodies as the server gave them (`bodyBase64` where binary).
//!
//! Files are created with mode 0600 (entries carry request headers and bodies) and are synced
//! before they are reported written: a backup that is not on disk is no backup.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::api::{Entry, Headers};

/// Header names whose values are credentials; `--redact-bodies` blanks them with the bodies.
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
    "upstash-signature",
];

pub struct EntryFile {
    path: PathBuf,
    /// Set when writing under a temporary name that `commit` renames to `path`.
    tmp: Option<PathBuf>,
    w: BufWriter<File>,
    count: u64,
}

impl EntryFile {
    /// A file that must not exist yet: a backup never overwrites an earlier one.
    pub fn create_new(path: &Path) -> io::Result<EntryFile> {
        let f = open(path, true)?;
        Ok(EntryFile {
            path: path.to_path_buf(),
            tmp: None,
            w: BufWriter::new(f),
            count: 0,
        })
    }

    /// A file written under a temporary name beside `path` and renamed over it by `commit`, so
    /// an export that fails halfway never looks complete.
    ///
    /// Only a regular file is ever replaced: a symlink, a FIFO, a device (`/dev/full`) or a
    /// directory at `path` is refused, since renaming over it would silently put a file where
    /// something else was.
    pub fn create_replacing(path: &Path) -> io::Result<EntryFile> {
        match std::fs::symlink_metadata(path) {
            Ok(m) if !m.file_type().is_file() => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "it exists and is not a regular file (a link, a device, a pipe or a \
                     directory); choose a file name, or leave out --output-file to write to \
                     standard output",
                ))
            }
            _ => {}
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
        let tmp = path.with_file_name(format!(".{name}.{}.partial", std::process::id()));
        let f = open(&tmp, false)?;
        Ok(EntryFile {
            path: path.to_path_buf(),
            tmp: Some(tmp),
            w: BufWriter::new(f),
            count: 0,
        })
    }

    pub fn write(&mut self, entries: &[Entry], redact_bodies: bool) -> io::Result<()> {
        for e in entries {
            write_entry(&mut self.w, e, redact_bodies)?;
            self.count += 1;
        }
        Ok(())
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes and syncs the data (and, after a rename, the directory); returns the count.
    /// On failure the file is removed: a file that may be incomplete must not look complete.
    pub fn commit(self) -> io::Result<u64> {
        let EntryFile {
            path,
            tmp,
            w,
            count,
        } = self;
        let written = tmp.clone().unwrap_or_else(|| path.clone());
        let result = (|| {
            let f = w.into_inner().map_err(|e| e.into_error())?;
            f.sync_all()?;
            drop(f);
            if let Some(tmp) = &tmp {
                std::fs::rename(tmp, &path)?;
            }
            Ok(count)
        })();
        match result {
            Ok(n) => {
                sync_dir(&path);
                Ok(n)
            }
            Err(e) => {
                let _ = std::fs::remove_file(written);
                Err(e)
            }
        }
    }

    /// Removes what was written: used when nothing came of it (a declined prompt, an error).
    pub fn abandon(self) {
        let written = self.tmp.as_ref().unwrap_or(&self.path).clone();
        drop(self.w);
        let _ = std::fs::remove_file(written);
    }
}

fn open(path: &Path, new: bool) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.write(true);
    if new {
        opts.create_new(true);
    } else {
        opts.create(true).truncate(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}

/// Makes a new directory entry durable; best effort, as not every platform can.
fn sync_dir(path: &Path) {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Writes one entry as a JSON line, its bodies and credentials blanked if asked.
pub fn write_entry(w: &mut impl Write, e: &Entry, redact_bodies: bool) -> io::Result<()> {
    if redact_bodies {
        crate::json::to_writer(&mut *w, &redacted(e))?;
    } else {
        crate::json::to_writer(&mut *w, e)?;
    }
    w.write_all(b"\n")
}

/// The entry without its bodies (request, response, callback response) and with credential
/// headers blanked; sizes are kept, since "how big was it" is often the question.
pub fn redacted(e: &Entry) -> Entry {
    let mut e = e.clone();
    let placeholder = |text: &Option<String>, b64: &Option<String>| -> Option<String> {
        let len = match (text, b64) {
            (Some(t), _) => t.len(),
            (None, Some(b)) => b.len() / 4 * 3,
            (None, None) => return None,
        };
        Some(format!("[redacted: {len} bytes]"))
    };
    e.body = placeholder(&e.body, &e.body_base64);
    e.body_base64 = None;
    e.response_body = placeholder(&e.response_body, &e.response_body_base64);
    e.response_body_base64 = None;
    if let Some(info) = &mut e.failure_callback_info {
        info.response_body = placeholder(&info.response_body, &None);
        redact_headers(&mut info.response_headers);
    }
    redact_headers(&mut e.header);
    redact_headers(&mut e.response_header);
    for key in ["callbackHeader", "failureCallbackHeader"] {
        if let Some(v) = e.extra.get_mut(key) {
            if let Ok(mut h) = serde_json::from_value::<Headers>(v.clone()) {
                redact_headers_in(&mut h);
                *v = serde_json::json!(h);
            }
        }
    }
    e
}

fn redact_headers(h: &mut Option<Headers>) {
    if let Some(h) = h {
        redact_headers_in(h);
    }
}

fn redact_headers_in(h: &mut Headers) {
    for (name, values) in h.iter_mut() {
        let lower = name.to_ascii_lowercase();
        let bare = lower.strip_prefix("upstash-forward-").unwrap_or(&lower);
        if SECRET_HEADERS.contains(&bare) {
            values.iter_mut().for_each(|v| *v = "[redacted]".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_blanks_bodies_and_credentials_and_keeps_the_rest() {
        let mut header = Headers::new();
        header.insert("Authorization".into(), vec!["Bearer s3cret".into()]);
        header.insert("Upstash-Forward-Cookie".into(), vec!["sid=1".into()]);
        header.insert("Content-Type".into(), vec!["application/json".into()]);
        let e = Entry {
            dlq_id: "1-0".into(),
            body: Some("{\"card\":\"4242\"}".into()),
            response_body_base64: Some("AAECAw==".into()),
            header: Some(header),
            url: Some("https://x".into()),
            ..Entry::default()
        };
        let r = redacted(&e);
        let text = serde_json::to_string(&r).unwrap();
        assert!(!text.contains("4242") && !text.contains("s3cret") && !text.contains("sid=1"));
        assert_eq!(r.body.as_deref(), Some("[redacted: 15 bytes]"));
        assert_eq!(r.response_body.as_deref(), Some("[redacted: 6 bytes]"));
        assert_eq!(r.response_body_base64, None);
        assert_eq!(r.header.unwrap()["Content-Type"], ["application/json"]);
        assert_eq!(r.url, e.url);
    }

    #[test]
    fn a_backup_never_overwrites_and_an_abandoned_export_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.ndjson");
        std::fs::write(&p, "old\n").unwrap();
        assert!(EntryFile::create_new(&p).is_err());
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "old\n");
        let mut f = EntryFile::create_replacing(&p).unwrap();
        f.write(&[Entry::default()], false).unwrap();
        f.abandon();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "old\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let mut f = EntryFile::create_replacing(&p).unwrap();
        f.write(&[Entry::default(), Entry::default()], false)
            .unwrap();
        assert_eq!(f.commit().unwrap(), 2);
        assert_eq!(std::fs::read_to_string(&p).unwrap().lines().count(), 2);
    }
}

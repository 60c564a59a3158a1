//! A republish job's messages on disk (`messages.ndjson`, one [`Line`] per planned entry), so
//! that neither the plan nor the run holds them all: the plan writes each message as it is
//! built ([`Freezing`]), and the run reads back only the chunks it is sending ([`Frozen`]).
//!
//! Exactly once rests on the file: it is whole and synced in the job's directory before
//! anything is sent, and `--continue` sends from the same file, never from a new plan.

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::api::Outgoing;

/// The job's file of new messages.
const MESSAGES: &str = "messages.ndjson";

/// What was planned for one entry: its new message, or why it has none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Built {
    Message(Box<Outgoing>),
    /// Refused in the plan (no rewrite rule matched, a body that is not JSON, an expression
    /// that failed): never sent, left in the DLQ.
    Refused(String),
}

/// One line of the job's `messages.ndjson`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Line {
    pub dlq_id: String,
    #[serde(flatten)]
    pub built: Built,
}

/// Each entry's new message, by DLQ id: a chunk's share of the job's messages.
pub type Messages = HashMap<String, Built>;

/// The messages of a plan being made: written as they are built to a file in the state
/// directory (mode 0600: they carry headers and bodies), moved into the job when it starts.
/// Dropped before that, the file goes.
pub struct Freezing {
    /// `None` once committed.
    tmp: Option<PathBuf>,
    w: BufWriter<File>,
}

impl Freezing {
    /// A new staging file under `state_dir` (on the same file system as the jobs, so the
    /// job takes it with a rename), locked while it is written. Staging files whose writer
    /// died (killed while planning, so no drop removed them) are swept first: they hold
    /// bodies and headers nobody will send.
    pub fn create(state_dir: &Path) -> io::Result<Freezing> {
        crate::fsutil::create_private_dir(state_dir)?;
        sweep(state_dir);
        let tmp = state_dir.join(format!(
            "{STAGING_PREFIX}{}-{:08x}{STAGING_SUFFIX}",
            std::process::id(),
            rand::random::<u32>()
        ));
        let f = private_new(&tmp)?;
        // The lock lives as long as the writer's file: a sweep beside it leaves it be.
        if let Err(TryLockError::Error(e)) = f.try_lock() {
            return Err(e);
        }
        Ok(Freezing {
            tmp: Some(tmp),
            w: BufWriter::new(f),
        })
    }

    pub fn add(&mut self, line: &Line) -> io::Result<()> {
        serde_json::to_writer(&mut self.w, line)?;
        self.w.write_all(b"\n")
    }

    /// Synced, and moved into `job_dir` without the lines of `leave` (entries another job
    /// claimed meanwhile). From here on the file is the job's.
    pub fn commit(mut self, job_dir: &Path, leave: &HashSet<String>) -> io::Result<()> {
        self.w.flush()?;
        let tmp = self.tmp.clone().expect("not committed yet");
        let path = job_dir.join(MESSAGES);
        if leave.is_empty() {
            self.w.get_ref().sync_all()?;
            std::fs::rename(&tmp, &path)?;
        } else {
            let kept = job_dir.join(format!(".{MESSAGES}.tmp"));
            let mut w = BufWriter::new(private_new(&kept)?);
            for line in BufReader::new(File::open(&tmp)?).lines() {
                let line = line?;
                if !leave.contains(&head(&line)?) {
                    w.write_all(line.as_bytes())?;
                    w.write_all(b"\n")?;
                }
            }
            w.flush()?;
            w.get_ref().sync_all()?;
            std::fs::rename(&kept, &path)?;
            std::fs::remove_file(&tmp)?;
        }
        self.tmp = None;
        // The rename itself is on disk before anything is sent.
        #[cfg(unix)]
        File::open(job_dir)?.sync_all()?;
        Ok(())
    }
}

impl Drop for Freezing {
    fn drop(&mut self) {
        if let Some(tmp) = self.tmp.take() {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

const STAGING_PREFIX: &str = ".messages-";
const STAGING_SUFFIX: &str = ".ndjson.tmp";

/// Removes the staging files of `state_dir` no live plan holds (their lock is free). Best
/// effort: a file that cannot be read or removed is left for the next sweep.
fn sweep(state_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(state_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(STAGING_PREFIX) && name.ends_with(STAGING_SUFFIX)) {
            continue;
        }
        let Ok(f) = OpenOptions::new().write(true).open(entry.path()) else {
            continue;
        };
        if f.try_lock().is_ok() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn private_new(path: &Path) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}

/// The DLQ id a line is for, read without its message.
fn head(line: &str) -> io::Result<String> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Head {
        dlq_id: String,
    }
    Ok(serde_json::from_str::<Head>(line)?.dlq_id)
}

/// Writes `lines` as a job's messages (tests, and jobs made outside a plan).
pub fn write_lines(job_dir: &Path, lines: &[Line]) -> io::Result<()> {
    let mut f = Freezing::create(job_dir)?;
    lines.iter().try_for_each(|l| f.add(l))?;
    f.commit(job_dir, &HashSet::new())
}

/// Every line of a job's messages, one at a time.
pub fn lines(job_dir: &Path) -> io::Result<impl Iterator<Item = io::Result<Line>>> {
    let f = File::open(job_dir.join(MESSAGES))?;
    Ok(BufReader::new(f)
        .lines()
        .filter(|l| l.as_ref().map_or(true, |l| !l.trim().is_empty()))
        .map(|l| Ok(serde_json::from_str(&l?)?)))
}

/// A job's frozen messages, read a chunk at a time.
///
/// A run asks for the messages of its chunks in about the order the plan wrote them, so the
/// file is read on from where the last chunk's were found; a chunk out of that order (a
/// canary's, the rest after it) costs at most one pass round the file. Only the lines asked
/// for are kept.
pub struct Frozen {
    cursor: Mutex<Cursor>,
}

struct Cursor {
    r: BufReader<File>,
    /// The offset of the next line `r` reads.
    at: u64,
}

impl Frozen {
    pub fn open(job_dir: &Path) -> io::Result<Frozen> {
        let f = File::open(job_dir.join(MESSAGES))?;
        Ok(Frozen {
            cursor: Mutex::new(Cursor {
                r: BufReader::new(f),
                at: 0,
            }),
        })
    }

    /// The messages of `ids`; an id with no line is left out.
    pub fn take(&self, ids: &[String]) -> io::Result<Messages> {
        let mut want: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let mut out = Messages::with_capacity(want.len());
        let mut c = self.cursor.lock().unwrap();
        let start = c.at;
        let mut wrapped = false;
        let mut line = String::new();
        // Round the file once at most: from where the last chunk ended back to there.
        let round = |c: &Cursor, wrapped: bool| wrapped && c.at >= start;
        while !want.is_empty() && !round(&c, wrapped) {
            line.clear();
            let n = c.r.read_line(&mut line)?;
            if n == 0 {
                if wrapped || start == 0 {
                    break;
                }
                c.r.seek(SeekFrom::Start(0))?;
                c.at = 0;
                wrapped = true;
                continue;
            }
            c.at += n as u64;
            if line.trim().is_empty() || !want.remove(head(&line)?.as_str()) {
                continue;
            }
            let l: Line = serde_json::from_str(&line)?;
            out.insert(l.dlq_id, l.built);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Destination;

    fn line(id: &str) -> Line {
        Line {
            dlq_id: id.into(),
            built: Built::Message(Box::new(Outgoing {
                destination: Destination {
                    to: format!("https://new.example/{id}"),
                    group: false,
                    queue: None,
                },
                headers: vec![],
                body: Some("{}".into()),
                body_base64: None,
                deduplication_id: format!("dlq-republish-{id}"),
                config: Default::default(),
            })),
        }
    }

    fn ids(r: std::ops::Range<usize>) -> Vec<String> {
        r.map(|i| format!("1-{i}")).collect()
    }

    #[test]
    fn chunks_are_read_in_order_and_out_of_it_and_only_what_was_asked() {
        let dir = tempfile::tempdir().unwrap();
        let all: Vec<Line> = ids(0..10).iter().map(|i| line(i)).collect();
        write_lines(dir.path(), &all).unwrap();
        let frozen = Frozen::open(dir.path()).unwrap();
        let first = frozen.take(&ids(0..3)).unwrap();
        assert_eq!(first.len(), 3);
        assert_eq!(first["1-1"], all[1].built);
        // Read only as far as the chunk's last line, not the whole file.
        let text = std::fs::read_to_string(dir.path().join(MESSAGES)).unwrap();
        let three: usize = text.split_inclusive('\n').take(3).map(str::len).sum();
        let at = frozen.cursor.lock().unwrap().at;
        assert_eq!(at, three as u64);
        // The next chunk is read on from where the first ended.
        let next = frozen.take(&ids(3..6)).unwrap();
        assert_eq!(next.keys().count(), 3);
        assert!(frozen.cursor.lock().unwrap().at > at);
        // An earlier chunk again (a canary's rest), and one that is not there at all.
        let again = frozen
            .take(&["1-0".into(), "1-9".into(), "2-0".into()])
            .unwrap();
        let mut got: Vec<&String> = again.keys().collect();
        got.sort();
        assert_eq!(got, ["1-0", "1-9"]);
        assert_eq!(again["1-9"], all[9].built);
    }

    #[test]
    fn a_commit_leaves_out_what_another_job_claimed_and_the_staging_file_goes() {
        let state = tempfile::tempdir().unwrap();
        let job = tempfile::tempdir().unwrap();
        let mut f = Freezing::create(state.path()).unwrap();
        for i in ids(0..4) {
            f.add(&line(&i)).unwrap();
        }
        f.commit(job.path(), &HashSet::from(["1-2".to_string()]))
            .unwrap();
        let kept: Vec<String> = lines(job.path())
            .unwrap()
            .map(|l| l.unwrap().dlq_id)
            .collect();
        assert_eq!(kept, ["1-0", "1-1", "1-3"]);
        assert_eq!(std::fs::read_dir(state.path()).unwrap().count(), 0);
        // A plan that does not start leaves nothing either.
        let mut f = Freezing::create(state.path()).unwrap();
        f.add(&line("1-0")).unwrap();
        drop(f);
        assert_eq!(std::fs::read_dir(state.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_plan_sweeps_the_staging_files_of_dead_plans_and_leaves_a_live_ones() {
        let state = tempfile::tempdir().unwrap();
        let mut live = Freezing::create(state.path()).unwrap();
        live.add(&line("1-0")).unwrap();
        // What a plan killed mid-way leaves: a staging file nobody holds.
        let dead = state
            .path()
            .join(format!("{STAGING_PREFIX}1-0000beef{STAGING_SUFFIX}"));
        std::fs::write(&dead, "{}\n").unwrap();
        let other = state.path().join("plan.json");
        std::fs::write(&other, "{}").unwrap();
        let second = Freezing::create(state.path()).unwrap();
        assert!(!dead.exists(), "a dead plan's messages stay behind");
        assert!(
            live.tmp.as_ref().unwrap().exists(),
            "a live plan's file was swept"
        );
        assert!(second.tmp.as_ref().unwrap().exists());
        assert!(other.exists(), "only staging files are swept");
    }
}

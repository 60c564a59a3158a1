//! A list of entry ids that keeps few in memory: past [`SPILL_AT`] ids, every id of the list
//! lives in a temporary file, read back as a stream. A plan of a million entries, the journal's
//! record of it and the run over it then hold a handful of ids at a time, not a million.
//!
//! Each id is written length-first, so an id from the server is one id whatever bytes it holds
//! (a newline included). The file has no name (unlinked as it is made, where the system
//! allows): it goes with the process however the process ends, a kill included.
//!
//! Reading back a file this process just wrote fails only when the disk does: [`IdList::iter`]
//! panics then. Every id was journaled before the run began, so a job stopped that way is
//! continued like a crashed one. The engine reads through [`IdList::chunks`], whose errors stop
//! the run instead.

use std::fmt;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::sync::{Arc, Mutex};

use crate::fsutil::at;

/// Ids held in memory before the list moves to a file: small enough to be nothing, large
/// enough that the plans of everyday runs (and pipelined pages) never touch the disk.
pub const SPILL_AT: usize = 1_000;

/// An ordered list of ids, in memory while short, on disk once long. A clone shares the file
/// until either of them takes a new id: only a list that owns its file alone writes to it.
#[derive(Clone)]
pub struct IdList {
    held: Vec<String>,
    spill: Option<Arc<Spill>>,
    len: usize,
    spill_at: usize,
}

/// The file a long list lives in, and its writer at the end (flushed before any read).
struct Spill {
    file: File,
    w: Mutex<BufWriter<at::Writer>>,
}

impl Spill {
    /// A new file holding `ids`.
    fn new(ids: impl Iterator<Item = String>) -> io::Result<Spill> {
        let file = tempfile::tempfile()?;
        let f = file.try_clone()?;
        let mut w = BufWriter::new(at::Writer { f, off: 0 });
        for id in ids {
            write_id(&mut w, &id)?;
        }
        Ok(Spill {
            file,
            w: Mutex::new(w),
        })
    }
}

impl Default for IdList {
    fn default() -> Self {
        IdList::spilling_at(SPILL_AT)
    }
}

impl IdList {
    /// An empty list that moves to a file past `n` ids (tests use small `n`).
    pub fn spilling_at(n: usize) -> IdList {
        IdList {
            held: Vec::new(),
            spill: None,
            len: 0,
            spill_at: n,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether the ids are in a file.
    pub fn spilled(&self) -> bool {
        self.spill.is_some()
    }

    /// Adds `id` at the end. Fails only when the disk does; a list whose file could not be made
    /// still holds every id, in memory.
    pub fn push(&mut self, id: String) -> io::Result<()> {
        if self
            .spill
            .as_ref()
            .is_some_and(|s| Arc::strong_count(s) > 1)
        {
            // Shared with a clone: this list's ids go to a file of its own first.
            let own = Spill::new(self.iter())?;
            self.spill = Some(Arc::new(own));
        }
        if let Some(s) = &self.spill {
            write_id(&mut *s.w.lock().unwrap(), &id)?;
            self.len += 1;
            return Ok(());
        }
        self.held.push(id);
        self.len += 1;
        if self.held.len() > self.spill_at {
            let spill = Spill::new(self.held.iter().cloned())?;
            self.spill = Some(Arc::new(spill));
            self.held = Vec::new();
        }
        Ok(())
    }

    /// Every id, in order. Panics if a list on disk cannot be read back (see the module doc).
    pub fn iter(&self) -> Box<dyn Iterator<Item = String> + Send + '_> {
        match self.reader() {
            None => Box::new(self.held.iter().cloned()),
            Some(r) => {
                let mut r = r.unwrap_or_else(|e| self.unreadable(e));
                let ids = std::iter::from_fn(move || {
                    read_id(&mut r).unwrap_or_else(|e| self.unreadable(e))
                });
                // Never past this list's own count, whatever the file holds.
                Box::new(ids.take(self.len))
            }
        }
    }

    /// The ids in chunks of at most `size`, read as they are asked for.
    pub fn chunks(&self, size: usize) -> Chunks<'_> {
        Chunks {
            list: self,
            reader: None,
            next: 0,
            left: self.len,
            size: size.max(1),
        }
    }

    /// Whether `id` is in the list (a scan: for short lists, or rare questions).
    pub fn contains(&self, id: &str) -> bool {
        self.iter().any(|i| i == id)
    }

    /// Keeps only the ids `keep` keeps, in order.
    pub fn retain(&mut self, keep: impl FnMut(&String) -> bool) -> io::Result<()> {
        *self = self.filtered(keep)?;
        Ok(())
    }

    /// A new list of the ids `keep` keeps, in order.
    pub fn filtered(&self, mut keep: impl FnMut(&String) -> bool) -> io::Result<IdList> {
        let mut kept = IdList::spilling_at(self.spill_at.min(SPILL_AT));
        for id in self.iter().filter(|id| keep(id)) {
            kept.push(id)?;
        }
        Ok(kept)
    }

    /// The ids as a vector: for lists known to be short (a page, a chunk).
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().collect()
    }

    /// A reader from the first id, or `None` while the list is in memory.
    fn reader(&self) -> Option<io::Result<BufReader<at::Reader<'_>>>> {
        let s = self.spill.as_ref()?;
        let flushed = s.w.lock().unwrap().flush();
        Some(flushed.map(|()| BufReader::new(at::Reader { f: &s.file, off: 0 })))
    }

    fn unreadable(&self, e: io::Error) -> ! {
        panic!("cannot read back a list of ids from its temporary file: {e}")
    }
}

/// Chunks of a list, read as they are taken; [`Chunks::left`] counts the ids not taken yet.
pub struct Chunks<'a> {
    list: &'a IdList,
    reader: Option<BufReader<at::Reader<'a>>>,
    /// The next held id (a list in memory).
    next: usize,
    left: usize,
    size: usize,
}

impl Chunks<'_> {
    pub fn left(&self) -> usize {
        self.left
    }

    /// The next chunk, `None` once every id was taken. A chunk that cannot be read is still
    /// left.
    pub fn take(&mut self) -> Option<io::Result<Vec<String>>> {
        if self.left == 0 {
            return None;
        }
        let n = self.size.min(self.left);
        let chunk = match self.list.spill {
            None => {
                self.next += n;
                Ok(self.list.held[self.next - n..self.next].to_vec())
            }
            Some(_) => self.read(n),
        };
        if chunk.is_ok() {
            self.left -= n;
        }
        Some(chunk)
    }

    /// Drops what is left: nothing more will be taken.
    pub fn stop(&mut self) -> usize {
        std::mem::take(&mut self.left)
    }

    fn read(&mut self, n: usize) -> io::Result<Vec<String>> {
        let r = match &mut self.reader {
            Some(r) => r,
            None => {
                let opened = self.list.reader().expect("a spilled list")?;
                self.reader.insert(opened)
            }
        };
        let mut chunk = Vec::with_capacity(n);
        for _ in 0..n {
            match read_id(r)? {
                Some(id) => chunk.push(id),
                None => return Err(io::Error::other("the list of ids ended early")),
            }
        }
        Ok(chunk)
    }
}

fn write_id(w: &mut impl Write, id: &str) -> io::Result<()> {
    let len = u32::try_from(id.len()).map_err(|_| io::Error::other("an id over 4 GiB"))?;
    w.write_all(&len.to_le_bytes())?;
    w.write_all(id.as_bytes())
}

/// The next id, `None` at the end of the file.
fn read_id(r: &mut impl Read) -> io::Result<Option<String>> {
    let mut len = [0u8; 4];
    match r.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let mut bytes = vec![0u8; u32::from_le_bytes(len) as usize];
    r.read_exact(&mut bytes)?;
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// A list made of a vector stays in memory, however long: its ids were held already (ids
/// given on the command line, a listed page).
impl From<Vec<String>> for IdList {
    fn from(held: Vec<String>) -> IdList {
        IdList {
            len: held.len(),
            held,
            spill: None,
            spill_at: usize::MAX,
        }
    }
}

impl PartialEq for IdList {
    fn eq(&self, other: &IdList) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl Eq for IdList {}

impl<S: AsRef<str>> PartialEq<[S]> for IdList {
    fn eq(&self, other: &[S]) -> bool {
        self.len == other.len() && self.iter().zip(other).all(|(a, b)| a == b.as_ref())
    }
}

impl<S: AsRef<str>, const N: usize> PartialEq<[S; N]> for IdList {
    fn eq(&self, other: &[S; N]) -> bool {
        *self == other[..]
    }
}

impl fmt::Debug for IdList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.spilled() {
            true => write!(f, "IdList({} ids on disk)", self.len),
            false => f.debug_list().entries(&self.held).finish(),
        }
    }
}

/// Written as a JSON array, one id at a time: a long list is never copied to be written.
impl serde::Serialize for IdList {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// Read from a JSON array one id at a time: a long list goes to its file as it is read. With
/// no room for the file, the list stays in memory instead: a journal must still be read whole
/// (another job's claim is decided on it).
impl<'de> serde::Deserialize<'de> for IdList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<IdList, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = IdList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of ids")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<IdList, A::Error> {
                let mut list = IdList::default();
                while let Some(id) = seq.next_element::<String>()? {
                    match list.push(id) {
                        Ok(()) => {}
                        // The id was kept: only the file could not be made.
                        Err(_) if !list.spilled() => list.spill_at = usize::MAX,
                        Err(e) => return Err(serde::de::Error::custom(e)),
                    }
                }
                Ok(list)
            }
        }
        d.deserialize_seq(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("id-{i}")).collect()
    }

    fn list(all: &[String], spill_at: usize) -> IdList {
        let mut l = IdList::spilling_at(spill_at);
        for id in all {
            l.push(id.clone()).unwrap();
        }
        l
    }

    #[test]
    fn a_long_list_moves_to_its_file_and_reads_back_whole_and_in_order() {
        let all = ids(25);
        let short = list(&all[..3], 3);
        assert!(!short.spilled());
        let long = list(&all, 3);
        assert!(long.spilled());
        assert_eq!(long.len(), 25);
        assert_eq!(long.to_vec(), all);
        // A second reader starts at the first id again.
        assert_eq!(long.iter().take(2).collect::<Vec<_>>(), all[..2]);
        assert_eq!(long, list(&all, 1000));
    }

    #[test]
    fn an_id_holding_a_newline_or_any_byte_stays_one_id() {
        let odd = vec![
            "a\nb".to_string(),
            String::new(),
            "c\u{0}d\r\n".into(),
            "é".into(),
        ];
        let l = list(&odd, 1);
        assert!(l.spilled());
        assert_eq!(l.to_vec(), odd);
    }

    #[test]
    fn chunks_cut_the_list_in_order_and_count_what_is_left() {
        let all = ids(10);
        for spill_at in [2, 100] {
            let l = list(&all, spill_at);
            let mut chunks = l.chunks(4);
            let mut got = Vec::new();
            while let Some(c) = chunks.take() {
                let c = c.unwrap();
                assert!(c.len() <= 4);
                got.extend(c);
                assert_eq!(chunks.left(), 10 - got.len());
            }
            assert_eq!(got, all);
            let mut stopped = l.chunks(4);
            stopped.take();
            assert_eq!(stopped.stop(), 6);
            assert!(stopped.take().is_none());
        }
    }

    #[test]
    fn retain_keeps_the_order_and_ids_pushed_after_a_read_are_read_too() {
        let all = ids(9);
        let mut l = list(&all, 2);
        l.retain(|id| id != "id-4").unwrap();
        assert_eq!(l.len(), 8);
        assert!(!l.contains("id-4") && l.contains("id-8"));
        l.push("late".into()).unwrap();
        assert_eq!(l.iter().last().as_deref(), Some("late"));
        assert_eq!(l.len(), 9);
    }

    #[test]
    fn a_clone_reads_what_it_was_given_whatever_either_list_takes_after() {
        let all = ids(6);
        let mut a = list(&all, 2);
        let mut b = a.clone();
        a.push("a".into()).unwrap();
        b.push("b".into()).unwrap();
        let c = b.clone();
        b.push("b2".into()).unwrap();
        assert_eq!(a.iter().skip(6).collect::<Vec<_>>(), ["a"]);
        assert_eq!(b.iter().skip(6).collect::<Vec<_>>(), ["b", "b2"]);
        assert_eq!(c.iter().skip(6).collect::<Vec<_>>(), ["b"]);
        assert_eq!(c.to_vec()[..6], all[..]);
    }

    #[test]
    fn json_reads_and_writes_the_plain_array_of_earlier_journals() {
        let all = ids(7);
        let l = list(&all, 2);
        let text = serde_json::to_string(&l).unwrap();
        assert_eq!(text, serde_json::to_string(&all).unwrap());
        let back: IdList = serde_json::from_str(&text).unwrap();
        assert_eq!(back, l);
        assert_eq!(back.to_vec(), all);
    }
}

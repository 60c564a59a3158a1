//! Sets of ids that hold no second copy of every id: [`Hashes`], a set of ids known by a hash
//! of each, and on it [`Seen`], the repeat filter of a listing (a server that pages
//! inconsistently could repeat an entry; it must be planned once).
//!
//! The hashes stay in memory up to [`IN_MEMORY`]; past that they move to an open-addressed
//! table in a temporary file, read and written in place, so a set of a million ids holds no
//! more than one of ten thousand in memory.

use std::collections::HashSet;
use std::fs::File;
use std::hash::{BuildHasher, RandomState};
use std::io;

use crate::fsutil::at;

/// Hashes kept in memory before the table moves to a file (512 KiB of them).
pub const IN_MEMORY: usize = 1 << 16;

/// A set of ids known by their hashes only. Two ids share a hash about once in 2^64 pairs:
/// [`Hashes::contains`] is right but for that, and where it must be right always the caller
/// compares the ids themselves ([`Seen`]).
pub struct Hashes {
    keys: RandomState,
    table: Table,
    in_memory: usize,
}

enum Table {
    Memory(HashSet<u64>),
    Disk(DiskTable),
}

impl Default for Hashes {
    fn default() -> Self {
        Hashes::keeping_in_memory(IN_MEMORY)
    }
}

impl Hashes {
    /// A set that moves to a file past `n` hashes (tests use small `n`).
    pub fn keeping_in_memory(n: usize) -> Hashes {
        Hashes {
            keys: RandomState::new(),
            table: Table::Memory(HashSet::new()),
            in_memory: n,
        }
    }

    /// Adds `id`: false when its hash was there already.
    pub fn insert(&mut self, id: &str) -> io::Result<bool> {
        self.insert_hash(self.keys.hash_one(id))
    }

    /// Whether `id`'s hash is in the set.
    pub fn contains(&self, id: &str) -> io::Result<bool> {
        let hash = self.keys.hash_one(id);
        match &self.table {
            Table::Memory(m) => Ok(m.contains(&hash)),
            Table::Disk(t) => t.contains(hash),
        }
    }

    fn insert_hash(&mut self, hash: u64) -> io::Result<bool> {
        match &mut self.table {
            Table::Disk(t) => t.insert(hash),
            Table::Memory(m) if m.len() < self.in_memory => Ok(m.insert(hash)),
            Table::Memory(m) => {
                let mut disk = DiskTable::new(4 * self.in_memory.max(1))?;
                for h in m.iter() {
                    disk.insert(*h)?;
                }
                let new = disk.insert(hash)?;
                self.table = Table::Disk(disk);
                Ok(new)
            }
        }
    }

    #[cfg(test)]
    fn on_disk(&self) -> bool {
        matches!(self.table, Table::Disk(_))
    }
}

/// The repeat filter of a listing: only when an id's hash was met before are the listed ids
/// themselves compared, so no entry is ever taken for another.
#[derive(Default)]
pub struct Seen {
    hashes: Hashes,
}

impl Seen {
    /// A filter that moves to a file past `n` hashes (tests use small `n`).
    pub fn keeping_in_memory(n: usize) -> Seen {
        Seen {
            hashes: Hashes::keeping_in_memory(n),
        }
    }

    /// Whether `id` is listed for the first time; `listed` gives every id listed before it.
    pub fn first<I: Iterator<Item = String>>(
        &mut self,
        id: &str,
        listed: impl FnOnce() -> I,
    ) -> io::Result<bool> {
        Ok(self.hashes.insert(id)? || !listed().any(|l| l == id))
    }
}

/// Hashes in a file of 8-byte slots, 0 for an empty one, found by linear probing; twice as
/// many slots as hashes at least, so a probe is short.
struct DiskTable {
    file: File,
    slots: u64,
    len: u64,
}

const SLOT: u64 = 8;

impl DiskTable {
    fn new(slots: usize) -> io::Result<DiskTable> {
        let slots = (slots as u64).next_power_of_two();
        let file = tempfile::tempfile()?;
        file.set_len(slots * SLOT)?;
        Ok(DiskTable {
            file,
            slots,
            len: 0,
        })
    }

    fn contains(&self, hash: u64) -> io::Result<bool> {
        let hash = hash.max(1);
        let mut i = hash & (self.slots - 1);
        loop {
            match self.slot(i)? {
                0 => return Ok(false),
                h if h == hash => return Ok(true),
                _ => i = (i + 1) & (self.slots - 1),
            }
        }
    }

    fn slot(&self, i: u64) -> io::Result<u64> {
        let mut slot = [0u8; SLOT as usize];
        at::read_exact(&self.file, &mut slot, i * SLOT)?;
        Ok(u64::from_le_bytes(slot))
    }

    fn insert(&mut self, hash: u64) -> io::Result<bool> {
        if 2 * (self.len + 1) > self.slots {
            self.grow()?;
        }
        // 0 marks an empty slot: a hash of 0 is taken as 1 (a shared hash costs a comparison
        // of ids, never a wrong answer).
        let hash = hash.max(1);
        let mut i = hash & (self.slots - 1);
        loop {
            match self.slot(i)? {
                0 => {
                    at::write_all(&self.file, &hash.to_le_bytes(), i * SLOT)?;
                    self.len += 1;
                    return Ok(true);
                }
                h if h == hash => return Ok(false),
                _ => i = (i + 1) & (self.slots - 1),
            }
        }
    }

    /// Twice the slots: every hash read from the old file in blocks, put in the new one.
    fn grow(&mut self) -> io::Result<()> {
        let mut bigger = DiskTable::new(2 * self.slots as usize)?;
        let mut block = vec![0u8; 64 * 1024];
        let mut off = 0;
        while off < self.slots * SLOT {
            let n = block.len().min((self.slots * SLOT - off) as usize);
            at::read_exact(&self.file, &mut block[..n], off)?;
            for slot in block[..n].chunks_exact(SLOT as usize) {
                let h = u64::from_le_bytes(slot.try_into().expect("8 bytes"));
                if h != 0 {
                    bigger.insert(h)?;
                }
            }
            off += n as u64;
        }
        *self = bigger;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `ids` through `seen` as a listing does: what it calls first is listed.
    fn firsts(seen: &mut Seen, ids: &[String]) -> Vec<bool> {
        let mut listed: Vec<String> = Vec::new();
        let mut out = Vec::new();
        for id in ids {
            let first = seen.first(id, || listed.iter().cloned()).unwrap();
            if first {
                listed.push(id.clone());
            }
            out.push(first);
        }
        out
    }

    #[test]
    fn a_repeat_is_known_by_its_id_and_only_a_repeat() {
        let ids = ["1-0", "1-1", "1-0", "1-2", "1-1"].map(String::from);
        let got = firsts(&mut Seen::default(), &ids);
        assert_eq!(got, [true, true, false, true, false]);
        // Two ids whose hashes met: the ids decide.
        let mut seen = Seen::default();
        let listed = ["1-2".to_string()];
        for id in ["2-0", "1-2"] {
            seen.hashes.insert(id).unwrap();
        }
        assert!(seen.first("2-0", || listed.iter().cloned()).unwrap());
        assert!(!seen.first("1-2", || listed.iter().cloned()).unwrap());
    }

    #[test]
    fn repeats_are_found_after_the_hashes_move_to_disk_and_as_the_table_grows() {
        let distinct: Vec<String> = (0..500).map(|i| format!("id-{i}")).collect();
        // Every id, then every third again, then a few more new ones.
        let mut ids = distinct[..400].to_vec();
        ids.extend(distinct.iter().step_by(3).take(100).cloned());
        ids.extend(distinct[400..].iter().cloned());
        let mut seen = Seen::keeping_in_memory(10);
        let got = firsts(&mut seen, &ids);
        assert!(seen.hashes.on_disk());
        let mut want = vec![true; 400];
        want.extend([false; 100]);
        want.extend([true; 100]);
        assert_eq!(got, want);
    }

    #[test]
    fn a_set_of_hashes_answers_alike_in_memory_and_on_disk() {
        let ids: Vec<String> = (0..300).map(|i| format!("msg_{i}")).collect();
        let mut h = Hashes::keeping_in_memory(20);
        for id in ids.iter().step_by(2) {
            assert!(h.insert(id).unwrap());
        }
        assert!(h.on_disk());
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(h.contains(id).unwrap(), i % 2 == 0, "{id}");
        }
        assert!(!h.insert(&ids[0]).unwrap());
    }

    #[test]
    fn a_hash_of_zero_is_kept_like_any_other() {
        let mut t = DiskTable::new(4).unwrap();
        assert!(t.insert(0).unwrap());
        assert!(!t.insert(0).unwrap());
        assert!(t.insert(4).unwrap());
        assert!(t.insert(8).unwrap());
        assert_eq!(t.len, 3);
        assert_eq!(t.slots, 8, "grown past half full");
        assert!(!t.insert(8).unwrap() && !t.insert(4).unwrap());
        assert!(t.contains(0).unwrap() && t.contains(8).unwrap() && !t.contains(12).unwrap());
    }
}

//! The repeat filter of a listing: whether an id was listed before, without a second copy of
//! every id. A server that pages inconsistently could repeat an entry; it must be planned once.
//!
//! Only a hash of each id is kept, and only when a hash was met before are the listed ids
//! themselves compared, so no entry is ever taken for another. The hashes stay in memory up to
//! [`IN_MEMORY`]; past that they move to an open-addressed table in a temporary file, read and
//! written in place, so a listing of a million entries holds no more than one of ten thousand.

use std::collections::HashSet;
use std::fs::File;
use std::hash::{BuildHasher, RandomState};
use std::io;

use crate::fsutil::at;

/// Hashes kept in memory before the table moves to a file (512 KiB of them).
pub const IN_MEMORY: usize = 1 << 16;

pub struct Seen {
    keys: RandomState,
    table: Table,
    in_memory: usize,
}

enum Table {
    Memory(HashSet<u64>),
    Disk(DiskTable),
}

impl Default for Seen {
    fn default() -> Self {
        Seen::keeping_in_memory(IN_MEMORY)
    }
}

impl Seen {
    /// A filter that moves to a file past `n` hashes (tests use small `n`).
    pub fn keeping_in_memory(n: usize) -> Seen {
        Seen {
            keys: RandomState::new(),
            table: Table::Memory(HashSet::new()),
            in_memory: n,
        }
    }

    /// Whether `id` is listed for the first time; `listed` gives every id listed before it.
    pub fn first<I: Iterator<Item = String>>(
        &mut self,
        id: &str,
        listed: impl FnOnce() -> I,
    ) -> io::Result<bool> {
        let hash = self.keys.hash_one(id);
        Ok(self.insert(hash)? || !listed().any(|l| l == id))
    }

    /// Adds `hash`: false when it was there already.
    fn insert(&mut self, hash: u64) -> io::Result<bool> {
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

    fn insert(&mut self, hash: u64) -> io::Result<bool> {
        if 2 * (self.len + 1) > self.slots {
            self.grow()?;
        }
        // 0 marks an empty slot: a hash of 0 is taken as 1 (a shared hash costs a comparison
        // of ids, never a wrong answer).
        let hash = hash.max(1);
        let mut i = hash & (self.slots - 1);
        loop {
            let mut slot = [0u8; SLOT as usize];
            at::read_exact(&self.file, &mut slot, i * SLOT)?;
            match u64::from_le_bytes(slot) {
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
            let h = seen.keys.hash_one(id);
            seen.insert(h).unwrap();
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
        assert!(seen.on_disk());
        let mut want = vec![true; 400];
        want.extend([false; 100]);
        want.extend([true; 100]);
        assert_eq!(got, want);
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
    }
}

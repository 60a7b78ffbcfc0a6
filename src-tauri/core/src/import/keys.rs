//! The keys a row is matched on (CRM id, e-mail, name and company), hashed
//! the way SQLite compares them (the CRM id exactly, the others with NOCASE:
//! ASCII letters folded), and [`KeyIndex`], the import's index of the saved
//! prospects by those hashes. A leaf: the conversion of a row computes its
//! keys, the writer looks them up.

/// A key of `kind` (a letter) over `parts`, each folded to lower case
/// (ASCII letters, as NOCASE folds them) when `fold`. FNV-1a over the bytes,
/// a 0 after each part, then mixed (MurmurHash3's finalizer) so that every
/// bit depends on every byte: [`KeyIndex`] places keys by their top bits.
/// Not a secure hash: a key that collides costs a read, never a wrong match.
fn hash(kind: u8, parts: &[&str], fold: bool) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01B3;
    let mut h = 0xCBF2_9CE4_8422_2325 ^ u64::from(kind);
    for p in parts {
        for &b in p.as_bytes() {
            let b = if fold { b.to_ascii_lowercase() } else { b };
            h = (h ^ u64::from(b)).wrapping_mul(PRIME);
        }
        h = h.wrapping_mul(PRIME);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ (h >> 33)
}

/// A key of `kind` (a letter) over `parts`, each folded to lower case.
pub(crate) fn key_hash(kind: u8, parts: &[&str]) -> u64 {
    hash(kind, parts, true)
}

/// The hashes of the keys of a row or of a saved prospect: its CRM id, its
/// e-mail, and its last name, first name and company when all three are
/// there.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MatchKeys {
    pub crm: Option<u64>,
    pub email: Option<u64>,
    pub name: Option<u64>,
}

impl MatchKeys {
    pub(crate) fn of(
        crm: Option<&str>,
        email: Option<&str>,
        first: &str,
        last: &str,
        company: &str,
    ) -> MatchKeys {
        MatchKeys {
            // Compared exactly (BINARY).
            crm: crm.map(|c| hash(b'c', &[c], false)),
            email: email.map(|e| key_hash(b'e', &[e])),
            name: (!first.is_empty() && !last.is_empty() && !company.is_empty())
                .then(|| key_hash(b'n', &[last, first, company])),
        }
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = u64> {
        [self.crm, self.email, self.name].into_iter().flatten()
    }
}

/// The prospects of the database by the hashes of their keys: for a key,
/// the rowids of every prospect that had it when it was added (the database
/// then says whether it still has it, and whether the hash did not mislead).
/// A lookup that finds nothing here needs no query: no saved prospect has
/// the key. Replaces three index lookups per row, and lets a big import
/// build the e-mail and name indexes once at its end (`import::run`).
///
/// Open addressing with linear probing over one `u64` per entry: the top 32
/// bits of the key's hash (the first bits also give the entry's home slot,
/// so the table can grow without the full hashes) and the rowid + 1 (0 is
/// an empty slot). Rowids must be below [`KeyIndex::MAX_ROWID`]. About 10
/// to 20 bytes a key.
pub struct KeyIndex {
    slots: Vec<u64>,
    /// log2 of the number of slots.
    bits: u32,
    len: usize,
}

impl KeyIndex {
    /// The largest rowid the index can hold.
    pub const MAX_ROWID: i64 = u32::MAX as i64 - 1;
    /// Grow beyond this share of slots used.
    const LOAD: f64 = 0.75;

    /// An index sized for about `keys` keys.
    pub fn with_capacity(keys: usize) -> KeyIndex {
        let want = ((keys.max(1024) as f64) / Self::LOAD).ceil() as u64;
        let bits = want.next_power_of_two().trailing_zeros().min(32);
        KeyIndex {
            slots: vec![0; 1 << bits],
            bits,
            len: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn tag(key: u64) -> u64 {
        key >> 32
    }

    fn home(&self, tag: u64) -> usize {
        (tag >> (32 - self.bits)) as usize
    }

    /// Remember that the prospect at `rowid` has `key`.
    pub fn insert(&mut self, key: u64, rowid: i64) {
        debug_assert!((0..=Self::MAX_ROWID).contains(&rowid));
        if self.len as f64 >= self.slots.len() as f64 * Self::LOAD && self.bits < 32 {
            self.grow();
        }
        if self.place((Self::tag(key) << 32) | (rowid as u64 + 1)) {
            self.len += 1;
        }
    }

    /// False when the entry was there already.
    fn place(&mut self, entry: u64) -> bool {
        let mask = self.slots.len() - 1;
        let mut i = self.home(entry >> 32);
        while self.slots[i] != 0 {
            if self.slots[i] == entry {
                return false;
            }
            i = (i + 1) & mask;
        }
        self.slots[i] = entry;
        true
    }

    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        self.bits += 1;
        self.slots = vec![0; 1 << self.bits];
        for entry in old.into_iter().filter(|e| *e != 0) {
            self.place(entry);
        }
    }

    /// The rowids that may have `key`, in increasing order, into `out`
    /// (cleared first).
    pub fn candidates(&self, key: u64, out: &mut Vec<i64>) {
        out.clear();
        let tag = Self::tag(key);
        let mask = self.slots.len() - 1;
        let mut i = self.home(tag);
        while self.slots[i] != 0 {
            let entry = self.slots[i];
            if entry >> 32 == tag {
                out.push((entry & 0xFFFF_FFFF) as i64 - 1);
            }
            i = (i + 1) & mask;
        }
        out.sort_unstable();
        out.dedup();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_finds_every_rowid_of_a_key_in_order() {
        let mut ix = KeyIndex::with_capacity(10);
        let key = |i: u64| key_hash(b'e', &[&format!("p{i}@x.example")]);
        // Grows from 2,048 slots past 100,000 keys.
        for i in 0..100_000u64 {
            ix.insert(key(i), i as i64 * 3);
        }
        ix.insert(key(7), 5);
        ix.insert(key(7), 2);
        ix.insert(key(7), 2);
        let mut out = Vec::new();
        ix.candidates(key(7), &mut out);
        assert_eq!(out, vec![2, 5, 21]);
        let mut misled = 0;
        for i in 0..100_000u64 {
            ix.candidates(key(i), &mut out);
            assert!(out.contains(&(i as i64 * 3)));
            ix.candidates(key(i + 1_000_000), &mut out);
            misled += out.len();
        }
        // A key never added finds (almost) nothing to check.
        assert!(misled < 10, "{misled}");
        ix.candidates(key_hash(b'e', &["P5@X.EXAMPLE"]), &mut out);
        assert_eq!(out, vec![15], "NOCASE keys hash alike");
        assert_eq!(ix.len(), 100_002);
        ix.insert(key(1), KeyIndex::MAX_ROWID);
        ix.candidates(key(1), &mut out);
        assert_eq!(out, vec![3, KeyIndex::MAX_ROWID]);
    }
}

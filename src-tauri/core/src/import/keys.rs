//! The keys a row is matched on (CRM id, e-mail, name and company), hashed
//! the way SQLite's NOCASE compares them (ASCII letters folded), for the
//! import's filter of keys already saved. A leaf: the conversion of a row
//! computes its keys, the writer checks them.

use std::hash::{DefaultHasher, Hash, Hasher};

/// A key of `kind` (a letter) over `parts`, each folded to lower case.
pub(crate) fn key_hash(kind: u8, parts: &[&str]) -> u64 {
    let mut h = DefaultHasher::new();
    kind.hash(&mut h);
    for p in parts {
        for b in p.bytes() {
            h.write_u8(b.to_ascii_lowercase());
        }
        h.write_u8(0);
    }
    h.finish()
}

/// The keys of a row or of a saved prospect: its CRM id, its e-mail, and
/// its last name, first name and company when all three are there.
pub(crate) fn candidate_keys(
    crm: Option<&str>,
    email: Option<&str>,
    first: &str,
    last: &str,
    company: &str,
) -> impl Iterator<Item = u64> {
    let crm = crm.map(|c| {
        let mut h = DefaultHasher::new();
        b'c'.hash(&mut h);
        c.hash(&mut h);
        h.finish()
    });
    let email = email.map(|e| key_hash(b'e', &[e]));
    let name = (!first.is_empty() && !last.is_empty() && !company.is_empty())
        .then(|| key_hash(b'n', &[last, first, company]));
    [crm, email, name].into_iter().flatten()
}

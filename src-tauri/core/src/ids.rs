//! Row ids: UUIDs, as the store keeps them. A leaf: it imports nothing from
//! the crate, so every module can make ids without depending on the store.

/// A new row id: a UUID v7 (time-ordered, so new rows land at the end of
/// their indexes), as text.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

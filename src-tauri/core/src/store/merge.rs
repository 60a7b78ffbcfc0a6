//! Merging a row that comes from elsewhere (a rep's bundle, a shared
//! playbook file) into this database: the same row found by its id, else
//! the row this database holds under the same natural key, else the row
//! inserted.
//!
//! Each kind of row brings its own lookups and its own insert (its key, its
//! columns, its SQL); this module owns the order they are tried in and names
//! the answer, so that every import tells "already here", "matched to yours"
//! and "added" apart the same way. It touches no database itself.

/// Where a merged row is in this database, and how it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merged<Id> {
    /// The same row, under the id it came with.
    ById(Id),
    /// Another row with the same natural key, under its own id here.
    ByKey(Id),
    /// Nothing matched: the row was inserted, under this id.
    Inserted(Id),
}

impl<Id> Merged<Id> {
    /// The row's id in this database.
    pub fn id(&self) -> &Id {
        match self {
            Merged::ById(id) | Merged::ByKey(id) | Merged::Inserted(id) => id,
        }
    }

    pub fn into_id(self) -> Id {
        match self {
            Merged::ById(id) | Merged::ByKey(id) | Merged::Inserted(id) => id,
        }
    }
}

/// The row already here: by its id, else by its natural key (`by_key` is
/// not asked when the id matches); `None` when neither finds it.
pub fn find<Id, E>(
    by_id: impl FnOnce() -> Result<Option<Id>, E>,
    by_key: impl FnOnce() -> Result<Option<Id>, E>,
) -> Result<Option<Merged<Id>>, E> {
    if let Some(id) = by_id()? {
        return Ok(Some(Merged::ById(id)));
    }
    Ok(by_key()?.map(Merged::ByKey))
}

/// The row [`find`] found, else the one `insert` adds (it returns the new
/// row's id). For an import that finds every row before it writes any.
pub fn or_insert<Id, E>(
    found: Option<Merged<Id>>,
    insert: impl FnOnce() -> Result<Id, E>,
) -> Result<Merged<Id>, E> {
    match found {
        Some(m) => Ok(m),
        None => insert().map(Merged::Inserted),
    }
}

/// Match by id, else by natural key, else insert: [`find`], then [`or_insert`].
pub fn merge<Id, E>(
    by_id: impl FnOnce() -> Result<Option<Id>, E>,
    by_key: impl FnOnce() -> Result<Option<Id>, E>,
    insert: impl FnOnce() -> Result<Id, E>,
) -> Result<Merged<Id>, E> {
    or_insert(find(by_id, by_key)?, insert)
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::collections::HashMap;

    use super::*;

    /// A table of (id, name) rows, with the lookups an import would make.
    struct Table(RefCell<HashMap<u32, String>>);

    impl Table {
        fn by_id(&self, id: u32) -> Result<Option<u32>, String> {
            Ok(self.0.borrow().contains_key(&id).then_some(id))
        }
        fn by_name(&self, name: &str) -> Result<Option<u32>, String> {
            Ok(self
                .0
                .borrow()
                .iter()
                .find(|(_, n)| n.as_str() == name)
                .map(|(id, _)| *id))
        }
        fn insert(&self, id: u32, name: &str) -> Result<u32, String> {
            self.0.borrow_mut().insert(id, name.to_string());
            Ok(id)
        }
        fn merge(&self, id: u32, name: &str) -> Result<Merged<u32>, String> {
            merge(
                || self.by_id(id),
                || self.by_name(name),
                || self.insert(id, name),
            )
        }
    }

    #[test]
    fn by_id_else_by_key_else_inserted() {
        let t = Table(RefCell::new(HashMap::from([(1, "Texas".to_string())])));
        assert_eq!(t.merge(1, "Renamed").unwrap(), Merged::ById(1));
        assert_eq!(t.merge(2, "Texas").unwrap(), Merged::ByKey(1));
        assert_eq!(t.merge(3, "Finance").unwrap(), Merged::Inserted(3));
        assert_eq!(t.0.borrow().len(), 2, "only the unmatched row was inserted");
        // Merging again finds it by id: importing twice adds nothing.
        assert_eq!(t.merge(3, "Finance").unwrap(), Merged::ById(3));
        assert_eq!(*Merged::ByKey(7).id(), 7);
        assert_eq!(Merged::Inserted(8).into_id(), 8);
    }

    #[test]
    fn a_step_runs_only_when_the_one_before_found_nothing() {
        let asked = RefCell::new(Vec::new());
        let step = |name: &'static str, answer: Option<u32>| {
            let asked = &asked;
            move || -> Result<Option<u32>, String> {
                asked.borrow_mut().push(name);
                Ok(answer)
            }
        };
        let insert = || -> Result<u32, String> {
            asked.borrow_mut().push("insert");
            Ok(9)
        };
        merge(step("id", Some(1)), step("key", Some(2)), insert).unwrap();
        assert_eq!(asked.take(), ["id"]);
        merge(step("id", None), step("key", Some(2)), insert).unwrap();
        assert_eq!(asked.take(), ["id", "key"]);
        merge(step("id", None), step("key", None), insert).unwrap();
        assert_eq!(asked.take(), ["id", "key", "insert"]);
        // Found first, inserted later (nothing is asked twice).
        let found = find(step("id", None), step("key", None)).unwrap();
        assert_eq!(found, None);
        assert_eq!(or_insert(found, insert).unwrap(), Merged::Inserted(9));
        assert_eq!(asked.take(), ["id", "key", "insert"]);
    }

    #[test]
    fn an_error_stops_the_merge() {
        let failed = merge(
            || Err::<Option<u32>, _>("locked".to_string()),
            || panic!("not asked after an error"),
            || panic!("not inserted after an error"),
        );
        assert_eq!(failed, Err("locked".to_string()));
        let failed = merge(
            || Ok(None),
            || Ok(None),
            || Err::<u32, _>("full".to_string()),
        );
        assert_eq!(failed, Err("full".to_string()));
    }
}

//! Mutations of a JSON document at random places: hostile strings, numbers
//! out of range, wrong types, keys deleted, elements duplicated, ids copied
//! onto other rows, deep nesting; and damage to the text or bytes after.

use proptest::prelude::*;
use serde_json::{json, Map, Value};

use crate::common;

/// A change at the node chosen by a number (taken modulo the count of
/// candidate nodes, in document order).
#[derive(Debug, Clone)]
pub enum Mutation {
    /// A string value replaced by hostile text.
    Text(u32, String),
    /// The value of a free-text key (a name, a note, a section) replaced by
    /// hostile text: what a file may hold and still be accepted.
    Prose(u32, String),
    /// Any value replaced (wrong type, number out of range).
    Value(u32, Odd),
    /// A key of an object, or an element of an array, removed.
    Delete(u32),
    /// An array element appended again (a duplicated row, id and all).
    Duplicate(u32),
    /// The value of one `id`/`*_id` key copied onto another.
    CopyId(u32, u32),
    /// A value wrapped in this many arrays or objects.
    Nest(u32, usize),
    /// A key of hostile name added to an object.
    Extra(u32, String),
}

/// A replacement value of another kind.
#[derive(Debug, Clone)]
pub enum Odd {
    Null,
    Bool(bool),
    Int(i64),
    Huge,
    Negative,
    Fraction,
    Float(f64),
    Array(Vec<String>),
    Object,
    Text(String),
}

impl Odd {
    fn value(&self) -> Value {
        match self {
            Odd::Null => Value::Null,
            Odd::Bool(b) => json!(b),
            Odd::Int(i) => json!(i),
            Odd::Huge => json!(u64::MAX),
            Odd::Negative => json!(-1),
            Odd::Fraction => json!(0.5),
            Odd::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Odd::Array(v) => json!(v),
            Odd::Object => json!({"id": "x", "": null}),
            Odd::Text(s) => json!(s),
        }
    }
}

fn odd() -> impl Strategy<Value = Odd> {
    prop_oneof![
        Just(Odd::Null),
        any::<bool>().prop_map(Odd::Bool),
        prop_oneof![
            Just(i64::MAX),
            Just(i64::MIN),
            Just(i64::from(u32::MAX) + 1),
            Just(i64::from(i32::MAX) + 1),
            Just(-86_400_000),
            any::<i64>()
        ]
        .prop_map(Odd::Int),
        Just(Odd::Huge),
        Just(Odd::Negative),
        Just(Odd::Fraction),
        prop_oneof![
            Just(1e300),
            Just(-1e300),
            Just(f64::MIN_POSITIVE),
            any::<f64>()
        ]
        .prop_map(Odd::Float),
        proptest::collection::vec(common::hostile(2, 10), 0..4).prop_map(Odd::Array),
        Just(Odd::Object),
        proptest::sample::select(vec![
            "",
            "1970-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "2026-02-30T10:00:00Z",
            "2026-11-20T10:00:00+14:00",
            "-0001-01-01T00:00:00Z",
            "yesterday",
            "America/Chicago",
            "Mars/Olympus",
            "meeting",
            "no_answer",
            "completed",
            "vertical",
            "nonsense",
            "a@b.c",
            "00000000-0000-0000-0000-000000000000",
        ])
        .prop_map(|s| Odd::Text(s.to_string())),
    ]
}

/// A list of mutations; `long` is the longest run of hostile text.
pub fn mutations(count: usize, long: usize) -> impl Strategy<Value = Vec<Mutation>> {
    let one = prop_oneof![
        8 => (any::<u32>(), common::hostile(5, 40)).prop_map(|(i, s)| Mutation::Prose(i, s)),
        1 => (any::<u32>(), common::hostile(2, long)).prop_map(|(i, s)| Mutation::Prose(i, s)),
        3 => (any::<u32>(), common::hostile(5, 40)).prop_map(|(i, s)| Mutation::Text(i, s)),
        1 => (any::<u32>(), common::hostile(2, long)).prop_map(|(i, s)| Mutation::Text(i, s)),
        3 => (any::<u32>(), odd()).prop_map(|(i, v)| Mutation::Value(i, v)),
        2 => any::<u32>().prop_map(Mutation::Delete),
        1 => any::<u32>().prop_map(Mutation::Duplicate),
        2 => (any::<u32>(), any::<u32>()).prop_map(|(a, b)| Mutation::CopyId(a, b)),
        1 => (any::<u32>(), prop_oneof![1usize..4, 120usize..140, 200usize..400])
            .prop_map(|(i, d)| Mutation::Nest(i, d)),
        1 => (any::<u32>(), common::hostile(3, 20)).prop_map(|(i, k)| Mutation::Extra(i, k)),
    ];
    proptest::collection::vec(one, 0..=count)
}

/// A step of a path in the document.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// Paths of the nodes that satisfy `keep`, in document order.
fn paths(v: &Value, keep: &dyn Fn(Option<&Step>, &Value) -> bool) -> Vec<Vec<Step>> {
    fn walk(
        v: &Value,
        here: &mut Vec<Step>,
        keep: &dyn Fn(Option<&Step>, &Value) -> bool,
        out: &mut Vec<Vec<Step>>,
    ) {
        if keep(here.last(), v) {
            out.push(here.clone());
        }
        match v {
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    here.push(Step::Index(i));
                    walk(x, here, keep, out);
                    here.pop();
                }
            }
            Value::Object(o) => {
                for (k, x) in o {
                    here.push(Step::Key(k.clone()));
                    walk(x, here, keep, out);
                    here.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(v, &mut Vec::new(), keep, &mut out);
    out
}

fn at<'a>(v: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    let mut cur = v;
    for s in path {
        cur = match (s, cur) {
            (Step::Key(k), Value::Object(o)) => o.get_mut(k)?,
            (Step::Index(i), Value::Array(a)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn pick(list: &[Vec<Step>], i: u32) -> Option<Vec<Step>> {
    (!list.is_empty()).then(|| list[i as usize % list.len()].clone())
}

/// Keys whose values are free text in a playbook or a bundle.
const PROSE: &[&str] = &[
    "name",
    "theme",
    "label",
    "response",
    "description",
    "first_name",
    "last_name",
    "title",
    "company",
    "city",
    "region",
    "country",
    "industry",
    "employees",
    "crm_id",
    "notes",
    "gap_current_state",
    "gap_objectives",
    "gap_impact",
    "opener",
    "engage_statement",
    "impact_question",
    "appointment_request",
    "voicemail_script",
    "referral",
    "agenda_line",
    "change_note",
    "format",
    "app_version",
];

fn is_prose_key(step: Option<&Step>) -> bool {
    matches!(step, Some(Step::Key(k)) if PROSE.contains(&k.as_str()))
}

fn is_id_key(step: Option<&Step>) -> bool {
    matches!(step, Some(Step::Key(k)) if k == "id" || k.ends_with("_id"))
}

/// Apply the mutations to the document in order.
pub fn apply(doc: &mut Value, mutations: &[Mutation]) {
    for m in mutations {
        match m {
            Mutation::Text(i, s) => {
                let list = paths(doc, &|_, v| v.is_string());
                if let Some(p) = pick(&list, *i) {
                    if let Some(v) = at(doc, &p) {
                        *v = Value::String(s.clone());
                    }
                }
            }
            Mutation::Prose(i, s) => {
                let list = paths(doc, &|k, v| is_prose_key(k) && v.is_string());
                if let Some(p) = pick(&list, *i) {
                    if let Some(v) = at(doc, &p) {
                        *v = Value::String(s.clone());
                    }
                }
            }
            Mutation::Value(i, odd) => {
                let list = paths(doc, &|s, _| s.is_some());
                if let Some(p) = pick(&list, *i) {
                    if let Some(v) = at(doc, &p) {
                        *v = odd.value();
                    }
                }
            }
            Mutation::Delete(i) => {
                let list = paths(doc, &|s, _| s.is_some());
                if let Some(mut p) = pick(&list, *i) {
                    let last = p.pop();
                    match (at(doc, &p), last) {
                        (Some(Value::Object(o)), Some(Step::Key(k))) => {
                            o.remove(&k);
                        }
                        (Some(Value::Array(a)), Some(Step::Index(i))) if i < a.len() => {
                            a.remove(i);
                        }
                        _ => {}
                    }
                }
            }
            Mutation::Duplicate(i) => {
                let list = paths(doc, &|_, v| v.as_array().is_some_and(|a| !a.is_empty()));
                if let Some(p) = pick(&list, *i) {
                    if let Some(Value::Array(a)) = at(doc, &p) {
                        let first = a[*i as usize % a.len()].clone();
                        a.push(first);
                    }
                }
            }
            Mutation::CopyId(a, b) => {
                let list = paths(doc, &|s, v| is_id_key(s) && v.is_string());
                if let (Some(from), Some(to)) = (pick(&list, *a), pick(&list, *b)) {
                    if let Some(v) = at(doc, &from).cloned() {
                        if let Some(t) = at(doc, &to) {
                            *t = v;
                        }
                    }
                }
            }
            Mutation::Nest(i, depth) => {
                let list = paths(doc, &|s, _| s.is_some());
                if let Some(p) = pick(&list, *i) {
                    if let Some(v) = at(doc, &p) {
                        let mut inner = v.take();
                        for d in 0..*depth {
                            inner = if d % 2 == 0 {
                                Value::Array(vec![inner])
                            } else {
                                let mut o = Map::new();
                                o.insert("a".into(), inner);
                                Value::Object(o)
                            };
                        }
                        *v = inner;
                    }
                }
            }
            Mutation::Extra(i, key) => {
                let list = paths(doc, &|_, v| v.is_object());
                if let Some(p) = pick(&list, *i) {
                    if let Some(Value::Object(o)) = at(doc, &p) {
                        o.insert(key.clone(), json!("x"));
                    }
                }
            }
        }
    }
}

/// Damage to the serialized document.
#[derive(Debug, Clone)]
pub enum Damage {
    /// Cut at a point (a fraction of the length).
    Truncate(f64),
    /// Text inserted at a point.
    Insert(f64, String),
    /// Deep nesting written by hand (past what serde_json builds).
    Prefix(usize),
}

pub fn damage() -> impl Strategy<Value = Vec<Damage>> {
    let one = prop_oneof![
        2 => (0.0..1.0f64).prop_map(Damage::Truncate),
        2 => (0.0..1.0f64, common::hostile(3, 10)).prop_map(|(f, s)| Damage::Insert(f, s)),
        1 => prop_oneof![1usize..130, 1000usize..5000].prop_map(Damage::Prefix),
    ];
    prop_oneof![3 => Just(Vec::new()), 1 => proptest::collection::vec(one, 1..3)]
}

/// The damage applied to `text` (cut at character boundaries: the text
/// stays a `str`).
pub fn damage_text(text: &mut String, damage: &[Damage]) {
    for d in damage {
        let at = |f: f64, s: &str| {
            let mut i = ((f * s.len() as f64) as usize).min(s.len());
            while !s.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        match d {
            Damage::Truncate(f) => {
                let i = at(*f, text);
                text.truncate(i);
            }
            Damage::Insert(f, s) => {
                let i = at(*f, text);
                text.insert_str(i, s);
            }
            Damage::Prefix(n) => {
                let deep = format!("{}{}", "[".repeat(*n), "]".repeat(*n));
                *text = match text.strip_prefix('{') {
                    Some(rest) => format!("{{\"deep\":{deep},{rest}"),
                    None => format!("{deep}{text}"),
                };
            }
        }
    }
}

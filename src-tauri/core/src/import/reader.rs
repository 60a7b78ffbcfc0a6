//! Reading CSV exports as people have them: the encoding (UTF-8 with or
//! without BOM, UTF-16 as Excel's "Unicode text" writes it, Windows-1252), the
//! delimiter (comma, semicolon, tab), quoted fields with line breaks, and the
//! physical line where each record starts.
//!
//! Reading streams: [`SourceFile::records`] holds one record at a time, so
//! memory stays flat however long the file is.

use std::cell::Cell;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use specta::Type;

use super::error::ImportError;

/// How much of the file is looked at to detect the encoding and delimiter.
const SAMPLE_BYTES: usize = 64 * 1024;
/// A record longer than this is taken for a missing closing quote.
pub const MAX_RECORD_BYTES: usize = 4 * 1024 * 1024;
/// The most fields a record may have: ten times the widest CRM export seen,
/// and few enough that a header of empty columns cannot fill the memory.
pub const MAX_FIELDS: usize = 10_000;
/// Records of the sample used to choose the delimiter.
const SAMPLE_RECORDS: usize = 50;

/// The text encoding of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum TextEncoding {
    // Spelled out: serde and the TypeScript generator split digits differently.
    #[serde(rename = "utf8")]
    Utf8,
    #[serde(rename = "utf8_bom")]
    Utf8Bom,
    #[serde(rename = "utf16_le")]
    Utf16Le,
    #[serde(rename = "utf16_be")]
    Utf16Be,
    #[serde(rename = "windows1252")]
    Windows1252,
}

impl TextEncoding {
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 with BOM",
            TextEncoding::Utf16Le => "UTF-16 LE",
            TextEncoding::Utf16Be => "UTF-16 BE",
            TextEncoding::Windows1252 => "Windows-1252",
        }
    }

    fn encoding_rs(self) -> &'static encoding_rs::Encoding {
        match self {
            TextEncoding::Utf8 | TextEncoding::Utf8Bom => encoding_rs::UTF_8,
            TextEncoding::Utf16Le => encoding_rs::UTF_16LE,
            TextEncoding::Utf16Be => encoding_rs::UTF_16BE,
            TextEncoding::Windows1252 => encoding_rs::WINDOWS_1252,
        }
    }
}

/// The field delimiter of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Delimiter {
    Comma,
    Semicolon,
    Tab,
}

impl Delimiter {
    pub const ALL: [Delimiter; 3] = [Delimiter::Comma, Delimiter::Semicolon, Delimiter::Tab];

    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
            Delimiter::Tab => b'\t',
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Delimiter::Comma => "comma",
            Delimiter::Semicolon => "semicolon",
            Delimiter::Tab => "tab",
        }
    }

    fn from_byte(b: u8) -> Option<Delimiter> {
        Delimiter::ALL.into_iter().find(|d| d.byte() == b)
    }
}

/// A CSV file whose encoding, delimiter and header are known. Made by
/// [`read_file`]; [`SourceFile::records`] streams its rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SourceFile {
    pub path: PathBuf,
    pub encoding: TextEncoding,
    pub delimiter: Delimiter,
    /// Column names as the header line gives them (trimmed; empty names
    /// become "Column N").
    pub headers: Vec<String>,
    /// The physical line of the header (1, or 2 after an Excel `sep=` line).
    pub header_line: u32,
    /// The file's size in bytes (for progress).
    pub size_bytes: f64,
    /// What the reader changed in the header, for the user to see: a name
    /// that repeats an earlier column's gets a number ("Phone (2)").
    pub notes: Vec<String>,
    /// Lines to skip before the header (an Excel `sep=` line).
    #[serde(skip)]
    #[specta(skip)]
    skip_lines: u32,
}

/// One record: its fields and the physical line (1-based) where it starts.
#[derive(Debug, Default, Clone)]
pub struct Record {
    pub line: u64,
    text: String,
    ends: Vec<usize>,
    raw: Vec<u8>,
    raw_ends: Vec<usize>,
    /// Bytes that are not UTF-8 were replaced by U+FFFD.
    pub invalid_utf8: bool,
    /// The record holds NUL bytes (removed from the values by
    /// [`crate::text::normalize`]).
    pub nul_bytes: bool,
}

impl Record {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Field `i`, as in the file (not trimmed); "" past the end.
    pub fn get(&self, i: usize) -> &str {
        if i >= self.ends.len() {
            return "";
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(move |i| self.get(i))
    }

    /// True when every field is empty or blank (an empty line, `,,,`).
    pub fn is_blank(&self) -> bool {
        self.iter().all(|f| f.trim().is_empty())
    }

    /// Turn the raw bytes (UTF-8 by now) into text; invalid bytes become U+FFFD.
    fn finish(&mut self) {
        self.text.clear();
        self.ends.clear();
        self.nul_bytes = self.raw.contains(&0);
        self.invalid_utf8 = false;
        match std::str::from_utf8(&self.raw) {
            Ok(s) => {
                self.text.push_str(s);
                self.ends.extend_from_slice(&self.raw_ends);
            }
            Err(_) => {
                self.invalid_utf8 = true;
                let mut start = 0;
                for &end in &self.raw_ends {
                    self.text
                        .push_str(&String::from_utf8_lossy(&self.raw[start..end]));
                    self.ends.push(self.text.len());
                    start = end;
                }
            }
        }
    }

    #[cfg(test)]
    pub fn from_fields(line: u64, fields: &[&str]) -> Record {
        let mut r = Record {
            line,
            ..Record::default()
        };
        for f in fields {
            r.raw.extend_from_slice(f.as_bytes());
            r.raw_ends.push(r.raw.len());
        }
        r.finish();
        r
    }
}

/// Why a record could not be parsed.
#[derive(Debug)]
pub enum ParseError {
    TruncatedQuote { line: u64 },
    TooLong { line: u64 },
    TooManyFields { line: u64 },
    Io(std::io::Error),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    StartField,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// A streaming CSV parser over UTF-8 bytes (RFC 4180, forgiving: a quote in
/// the middle of an unquoted field is kept as text, text after a closing quote
/// is kept too). Line breaks are LF, CRLF or CR; each counts as one line.
pub struct CsvParser<R> {
    rdr: R,
    delim: u8,
    /// The physical line the next byte is on (1-based).
    line: u64,
    prev_cr: bool,
}

impl<R: BufRead> CsvParser<R> {
    pub fn new(rdr: R, delim: u8) -> Self {
        CsvParser {
            rdr,
            delim,
            line: 1,
            prev_cr: false,
        }
    }

    /// Read the next non-empty line's record into `rec`. Returns false at the
    /// end of the input. Empty lines are skipped.
    ///
    /// Long (about 130 lines) for a reason: it is one state machine over the
    /// buffered bytes, the import's innermost loop; kept in one function so
    /// the states stay in registers (the import has a speed target).
    pub fn read_record(&mut self, rec: &mut Record) -> Result<bool, ParseError> {
        rec.raw.clear();
        rec.raw_ends.clear();
        let mut state = State::StartField;
        let mut started = false;
        let mut quote_line = 0;
        loop {
            let buf = match self.rdr.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(ParseError::Io(e)),
            };
            if buf.is_empty() {
                // End of input.
                if state == State::Quoted {
                    return Err(ParseError::TruncatedQuote { line: quote_line });
                }
                if !started {
                    return Ok(false);
                }
                rec.raw_ends.push(rec.raw.len());
                rec.finish();
                return Ok(true);
            }
            let mut i = 0;
            let n = buf.len();
            let mut done = false;
            while i < n {
                let b = buf[i];
                i += 1;
                // A LF right after a CR is the same line break.
                if b == b'\n' && self.prev_cr {
                    self.prev_cr = false;
                    if state == State::Quoted {
                        rec.raw.push(b);
                    }
                    continue;
                }
                self.prev_cr = b == b'\r';
                let newline = b == b'\n' || b == b'\r';
                if !started {
                    if newline {
                        // An empty line: skip it.
                        self.line += 1;
                        continue;
                    }
                    started = true;
                    rec.line = self.line;
                }
                match state {
                    State::StartField => {
                        if b == b'"' {
                            state = State::Quoted;
                            quote_line = self.line;
                        } else if b == self.delim {
                            rec.raw_ends.push(rec.raw.len());
                            if rec.raw_ends.len() >= MAX_FIELDS {
                                return Err(ParseError::TooManyFields { line: rec.line });
                            }
                        } else if newline {
                            self.line += 1;
                            done = true;
                            break;
                        } else {
                            rec.raw.push(b);
                            state = State::Unquoted;
                        }
                    }
                    State::Unquoted => {
                        if b == self.delim {
                            rec.raw_ends.push(rec.raw.len());
                            if rec.raw_ends.len() >= MAX_FIELDS {
                                return Err(ParseError::TooManyFields { line: rec.line });
                            }
                            state = State::StartField;
                        } else if newline {
                            self.line += 1;
                            done = true;
                            break;
                        } else {
                            rec.raw.push(b);
                        }
                    }
                    State::Quoted => {
                        if b == b'"' {
                            state = State::QuoteInQuoted;
                        } else {
                            if newline {
                                self.line += 1;
                            }
                            rec.raw.push(b);
                        }
                    }
                    State::QuoteInQuoted => {
                        if b == b'"' {
                            rec.raw.push(b'"');
                            state = State::Quoted;
                        } else if b == self.delim {
                            rec.raw_ends.push(rec.raw.len());
                            if rec.raw_ends.len() >= MAX_FIELDS {
                                return Err(ParseError::TooManyFields { line: rec.line });
                            }
                            state = State::StartField;
                        } else if newline {
                            self.line += 1;
                            done = true;
                            break;
                        } else {
                            rec.raw.push(b);
                            state = State::Unquoted;
                        }
                    }
                }
                if rec.raw.len() > MAX_RECORD_BYTES {
                    let line = if state == State::Quoted {
                        quote_line
                    } else {
                        rec.line
                    };
                    return Err(ParseError::TooLong { line });
                }
            }
            self.rdr.consume(i);
            if done {
                rec.raw_ends.push(rec.raw.len());
                rec.finish();
                return Ok(true);
            }
        }
    }
}

/// Counts the bytes read from the file, for progress.
struct Counting<R> {
    inner: R,
    count: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// The rows of a [`SourceFile`], one at a time.
pub struct Records {
    parser: CsvParser<Box<dyn BufRead>>,
    bytes: Rc<Cell<u64>>,
    path: PathBuf,
}

impl Records {
    /// Read the next row (after the header) into `rec`; false at the end.
    /// Empty lines are skipped; blank records (`,,,`) are returned.
    pub fn next_into(&mut self, rec: &mut Record) -> Result<bool, ImportError> {
        self.parser
            .read_record(rec)
            .map_err(|e| parse_error(&self.path, e))
    }

    /// Bytes of the file read so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes.get()
    }
}

fn parse_error(path: &Path, e: ParseError) -> ImportError {
    match e {
        ParseError::TruncatedQuote { line } => ImportError::TruncatedQuote {
            path: path.to_owned(),
            line,
        },
        ParseError::TooLong { line } => ImportError::RecordTooLong {
            path: path.to_owned(),
            line,
            limit_mib: (MAX_RECORD_BYTES / (1024 * 1024)) as u64,
        },
        ParseError::TooManyFields { line } => ImportError::TooManyFields {
            path: path.to_owned(),
            line,
            limit: MAX_FIELDS as u64,
        },
        ParseError::Io(source) => ImportError::Io {
            path: path.to_owned(),
            source,
        },
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> ImportError + '_ {
    move |source| ImportError::Io {
        path: path.to_owned(),
        source,
    }
}

impl SourceFile {
    /// Stream the file's rows from the first row after the header.
    pub fn records(&self) -> Result<Records, ImportError> {
        let mut records = self.records_from_start()?;
        let mut rec = Record::default();
        // The `sep=` line, then the header.
        for _ in 0..self.skip_lines + 1 {
            records.next_into(&mut rec)?;
        }
        Ok(records)
    }

    /// A reader positioned at the very start (before any `sep=` line).
    fn records_from_start(&self) -> Result<Records, ImportError> {
        let file = File::open(&self.path).map_err(io_err(&self.path))?;
        let bytes = Rc::new(Cell::new(0));
        let counting = Counting {
            inner: file,
            count: bytes.clone(),
        };
        const CAPACITY: usize = 256 * 1024;
        let reader: Box<dyn BufRead> = match self.encoding {
            TextEncoding::Utf8 | TextEncoding::Utf8Bom => {
                let mut r = BufReader::with_capacity(CAPACITY, counting);
                if self.encoding == TextEncoding::Utf8Bom {
                    skip_utf8_bom(&mut r).map_err(io_err(&self.path))?;
                }
                Box::new(r)
            }
            enc => Box::new(BufReader::with_capacity(
                CAPACITY,
                encoding_rs_io::DecodeReaderBytesBuilder::new()
                    .encoding(Some(enc.encoding_rs()))
                    .bom_override(true)
                    .build(counting),
            )),
        };
        Ok(Records {
            parser: CsvParser::new(reader, self.delimiter.byte()),
            bytes,
            path: self.path.clone(),
        })
    }

    /// A short description: "UTF-8, comma-separated, 16 columns".
    pub fn describe(&self) -> String {
        format!(
            "{}, {}-separated, {} columns",
            self.encoding.label(),
            self.delimiter.label(),
            self.headers.len()
        )
    }
}

fn skip_utf8_bom<R: BufRead>(r: &mut R) -> std::io::Result<()> {
    let buf = r.fill_buf()?;
    if buf.starts_with(b"\xEF\xBB\xBF") {
        r.consume(3);
    }
    Ok(())
}

/// Detect the encoding of a file from its first bytes. `complete` is true
/// when `sample` is the whole file.
pub fn detect_encoding(sample: &[u8], complete: bool) -> Result<TextEncoding, String> {
    if sample.starts_with(b"\xEF\xBB\xBF") {
        return Ok(TextEncoding::Utf8Bom);
    }
    if sample.starts_with(b"\xFF\xFE") {
        return Ok(TextEncoding::Utf16Le);
    }
    if sample.starts_with(b"\xFE\xFF") {
        return Ok(TextEncoding::Utf16Be);
    }
    if sample.starts_with(b"PK\x03\x04") {
        return Err(
            "it is a zip archive, such as an Excel workbook (.xlsx); save it as CSV".into(),
        );
    }
    if sample.starts_with(b"\xD0\xCF\x11\xE0") {
        return Err("it is an Excel 97-2003 workbook (.xls); save it as CSV".into());
    }
    if sample.starts_with(b"%PDF") {
        return Err("it is a PDF document".into());
    }
    // UTF-16 without a BOM: every other byte of ASCII text is zero.
    let pairs = sample.len() / 2;
    if pairs >= 8 {
        let even_zero = sample.iter().step_by(2).filter(|&&b| b == 0).count();
        let odd_zero = sample
            .iter()
            .skip(1)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count();
        if odd_zero * 10 > pairs * 6 && even_zero * 10 < pairs {
            return Ok(TextEncoding::Utf16Le);
        }
        if even_zero * 10 > pairs * 6 && odd_zero * 10 < pairs {
            return Ok(TextEncoding::Utf16Be);
        }
    }
    let controls = sample
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)) || b == 0x7F)
        .count();
    if sample.contains(&0) || controls * 100 > sample.len() {
        return Err("it holds binary data".into());
    }
    match std::str::from_utf8(sample) {
        Ok(_) => Ok(TextEncoding::Utf8),
        // A character cut by the end of the sample.
        Err(e) if e.error_len().is_none() && !complete => Ok(TextEncoding::Utf8),
        Err(_) => Ok(TextEncoding::Windows1252),
    }
}

/// Decode the sample to UTF-8 bytes (a character cut at its end becomes U+FFFD).
fn decode_sample(sample: &[u8], enc: TextEncoding) -> Vec<u8> {
    let body = match enc {
        TextEncoding::Utf8Bom => &sample[3..],
        TextEncoding::Utf16Le | TextEncoding::Utf16Be => {
            let s = if sample.starts_with(b"\xFF\xFE") || sample.starts_with(b"\xFE\xFF") {
                &sample[2..]
            } else {
                sample
            };
            &s[..s.len() - s.len() % 2]
        }
        _ => sample,
    };
    let (text, _) = enc.encoding_rs().decode_without_bom_handling(body);
    text.into_owned().into_bytes()
}

/// The record count and field counts of the sample parsed with `delim`.
fn sample_records(text: &[u8], delim: u8, complete: bool) -> Vec<usize> {
    let mut parser = CsvParser::new(text, delim);
    let mut rec = Record::default();
    let mut counts = Vec::new();
    while counts.len() < SAMPLE_RECORDS + 1 {
        match parser.read_record(&mut rec) {
            Ok(true) => {
                if !rec.is_blank() || counts.is_empty() {
                    counts.push(rec.len());
                }
            }
            _ => break,
        }
    }
    // The last record of a cut sample may be cut too.
    if !complete && counts.len() > 2 && counts.len() <= SAMPLE_RECORDS {
        counts.pop();
    }
    counts
}

/// Choose the delimiter that gives the header the most columns and the rows
/// the same number of fields as the header.
fn detect_delimiter(text: &[u8], complete: bool) -> Delimiter {
    let mut best = (Delimiter::Comma, -1.0f64, 0usize);
    for d in Delimiter::ALL {
        let counts = sample_records(text, d.byte(), complete);
        let Some(&header) = counts.first() else {
            continue;
        };
        if header < 2 {
            continue;
        }
        let rows = &counts[1..];
        let consistency = if rows.is_empty() {
            1.0
        } else {
            rows.iter().filter(|&&c| c == header).count() as f64 / rows.len() as f64
        };
        if consistency > best.1 || (consistency == best.1 && header > best.2) {
            best = (d, consistency, header);
        }
    }
    best.0
}

/// An Excel `sep=;` first line.
fn sep_line(text: &[u8]) -> Option<(Delimiter, usize)> {
    let end = text
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .unwrap_or(text.len());
    let line = std::str::from_utf8(&text[..end]).ok()?.trim();
    let rest = line
        .strip_prefix("sep=")
        .or_else(|| line.strip_prefix("SEP="))?;
    let d = Delimiter::from_byte(*rest.as_bytes().first()?)?;
    (rest.len() == 1).then_some((d, end))
}

/// Does this header cell look like data rather than a column name?
fn looks_like_data(cell: &str) -> bool {
    let c = cell.trim();
    if c.contains('@') && c.contains('.') {
        return true;
    }
    let digits = c.chars().filter(|ch| ch.is_ascii_digit()).count();
    digits >= 5 && digits * 2 >= c.chars().count()
}

/// Header names as the user will see them: normalized as all text that
/// comes in, "Column N" for an empty one, and a name that repeats an
/// earlier one (ignoring case) numbered ("Phone (2)"), with a note saying
/// so (the first [`MAX_NOTES`], then how many more). Two columns of one name
/// are two columns: both are read.
fn unique_headers(cells: Vec<String>) -> (Vec<String>, Vec<String>) {
    use crate::text::{clip, Rule};
    const HEADER: Rule = Rule::line("column name", 200);
    let mut seen: std::collections::HashMap<String, usize> = Default::default();
    // The number a repeated name tries next: every lower one is taken, so
    // 10,000 columns of one name cost 10,000 steps, not 50 million.
    let mut next: std::collections::HashMap<String, usize> = Default::default();
    let mut notes = Vec::new();
    let mut renamed = 0;
    let mut headers = Vec::with_capacity(cells.len());
    for (i, c) in cells.into_iter().enumerate() {
        let c = clip(HEADER, &c).0.into_owned();
        let name = if c.is_empty() {
            format!("Column {}", i + 1)
        } else {
            c
        };
        let base = name.to_lowercase();
        let mut n = next.get(&base).copied().unwrap_or(1);
        let mut unique = if n == 1 {
            name.clone()
        } else {
            format!("{name} ({n})")
        };
        while seen.contains_key(&unique.to_lowercase()) {
            n += 1;
            unique = format!("{name} ({n})");
        }
        next.insert(base, n);
        if n > 1 {
            renamed += 1;
            if renamed <= MAX_NOTES {
                let first = seen.get(&name.to_lowercase()).copied().unwrap_or(0);
                notes.push(format!(
                    "columns {} and {} are both named {}; the second is called {} here",
                    first + 1,
                    i + 1,
                    crate::error::quoted(&name),
                    crate::error::quoted(&unique)
                ));
            }
        }
        seen.insert(unique.to_lowercase(), i);
        headers.push(unique);
    }
    if renamed > MAX_NOTES {
        notes.push(format!(
            "{} more columns repeat an earlier column's name and are numbered the same way",
            renamed - MAX_NOTES
        ));
    }
    (headers, notes)
}

/// Notes about renamed columns listed one by one.
const MAX_NOTES: usize = 20;

/// Open a CSV export: detect its encoding and delimiter, read its header and
/// make sure it has at least one row. Nothing is written anywhere.
pub fn read_file(path: impl AsRef<Path>) -> Result<SourceFile, ImportError> {
    let path = path.as_ref().to_owned();
    let meta = std::fs::metadata(&path).map_err(io_err(&path))?;
    if meta.is_dir() {
        return Err(ImportError::IsDirectory { path });
    }
    let mut file = File::open(&path).map_err(io_err(&path))?;
    let mut sample = Vec::with_capacity(SAMPLE_BYTES);
    (&mut file)
        .take(SAMPLE_BYTES as u64)
        .read_to_end(&mut sample)
        .map_err(io_err(&path))?;
    let complete = (sample.len() as u64) >= meta.len();
    if sample.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ImportError::NoHeader {
            path,
            detail: "the file is empty".into(),
        });
    }
    let encoding = detect_encoding(&sample, complete).map_err(|detail| ImportError::NotText {
        path: path.clone(),
        detail,
    })?;
    let text = decode_sample(&sample, encoding);
    let (delimiter, skip_lines) = match sep_line(&text) {
        Some((d, _)) => (d, 1),
        None => (detect_delimiter(&text, complete), 0),
    };
    let mut source = SourceFile {
        path: path.clone(),
        encoding,
        delimiter,
        headers: Vec::new(),
        header_line: 1,
        size_bytes: meta.len() as f64,
        notes: Vec::new(),
        skip_lines,
    };

    // Read the header and the first row through the streaming reader, so
    // that what is checked here is what the import will read.
    let mut records = source.records_from_start()?;
    let mut rec = Record::default();
    for _ in 0..skip_lines {
        records.next_into(&mut rec)?;
    }
    if !records.next_into(&mut rec)? {
        return Err(ImportError::NoHeader {
            path,
            detail: "the file is empty".into(),
        });
    }
    source.header_line = rec.line as u32;
    let cells: Vec<String> = rec
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    if cells.iter().all(|c| c.is_empty()) {
        return Err(ImportError::NoHeader {
            path,
            detail: format!("line {} has no column names", rec.line),
        });
    }
    if cells[0].starts_with(['{', '[', '<']) {
        return Err(ImportError::NotCsv {
            path,
            detail: "it looks like JSON, XML or HTML".into(),
        });
    }
    if cells.len() == 1 {
        let only = &cells[0];
        if only.chars().count() > 100 {
            return Err(ImportError::NotCsv {
                path,
                detail: format!(
                    "line {} is one long text with no comma, semicolon or tab between columns",
                    rec.line
                ),
            });
        }
    }
    let non_empty: Vec<&String> = cells.iter().filter(|c| !c.is_empty()).collect();
    let data_like = non_empty.iter().filter(|c| looks_like_data(c)).count();
    if data_like > 0 && data_like * 3 >= non_empty.len() {
        let known = super::mapping::suggest_mapping(&cells).entries.len();
        if known == 0 {
            return Err(ImportError::NoHeader {
                path,
                detail: format!(
                    "line {} holds data (e-mail addresses or numbers), not column names",
                    rec.line
                ),
            });
        }
    }
    (source.headers, source.notes) = unique_headers(cells);
    // At least one row that is not blank.
    loop {
        if !records.next_into(&mut rec)? {
            return Err(ImportError::NoRows { path });
        }
        if !rec.is_blank() {
            break;
        }
    }
    Ok(source)
}

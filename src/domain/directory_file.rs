//! Directory files: the TOML form (`data/directory.toml`, one `[[group]]` table per entry) and
//! the CSV form (one row per entry, a header row naming the fields, lists separated by `;`).
//!
//! Reading validates the whole file and returns either every entry or every problem, each with
//! its line and field, so an import can be all-or-nothing.

use std::collections::HashMap;
use std::fmt;

use super::directory::{Draft, Entry, Field, Raw};

/// The two file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Toml,
    Csv,
}

impl FileFormat {
    /// Guesses the format from a file name's extension.
    pub fn from_path(path: &str) -> Option<Self> {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".toml") {
            Some(FileFormat::Toml)
        } else if lower.ends_with(".csv") {
            Some(FileFormat::Csv)
        } else {
            None
        }
    }
}

/// One problem in a directory file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    /// 1-based line in the file, where known.
    pub line: Option<usize>,
    /// The entry's key, where it has one.
    pub key: Option<String>,
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}")?,
            None => write!(f, "file")?,
        }
        if let Some(key) = &self.key {
            write!(f, " (entry {key})")?;
        }
        if let Some(field) = &self.field {
            write!(f, ", field {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Reads and validates a whole directory file.
pub fn read(text: &str, format: FileFormat) -> Result<Vec<Entry>, Vec<FileProblem>> {
    // Structural problems (unknown fields, a ragged row) do not stop the check of the other
    // rows: every problem in the file is reported at once.
    let (drafts, mut problems) = match format {
        FileFormat::Toml => toml_drafts(text)?,
        FileFormat::Csv => csv_drafts(text)?,
    };
    let empty = drafts.is_empty();
    let entries = match validate_all(drafts) {
        Ok(entries) => entries,
        Err(more) => {
            problems.extend(more);
            Vec::new()
        }
    };
    problems.sort_by_key(|p| p.line.unwrap_or(0));
    if empty && problems.is_empty() {
        problems.push(FileProblem {
            line: None,
            key: None,
            field: None,
            message: match format {
                FileFormat::Toml => "the file has no entries; each starts with [[group]]".into(),
                FileFormat::Csv => "the file has no entries; rows follow the header row".into(),
            },
        });
    }
    if problems.is_empty() {
        Ok(entries)
    } else {
        Err(problems)
    }
}

/// Drafts read from a file, and the structural problems met on the way. A fatal problem (the
/// file is not TOML or CSV at all) is an `Err`.
type Drafts = Result<(Vec<Located>, Vec<FileProblem>), Vec<FileProblem>>;

/// A draft with the lines where it and its fields start.
struct Located {
    line: Option<usize>,
    field_lines: HashMap<Field, usize>,
    draft: Draft,
}

fn validate_all(drafts: Vec<Located>) -> Result<Vec<Entry>, Vec<FileProblem>> {
    let mut problems = Vec::new();
    let mut entries = Vec::new();
    let mut seen: HashMap<String, Option<usize>> = HashMap::new();
    for located in drafts {
        let key = match located.draft.get(&Field::Key) {
            Some(Raw::Text(k)) if !k.trim().is_empty() => Some(k.trim().to_owned()),
            _ => None,
        };
        match Entry::from_draft(&located.draft) {
            Ok(entry) => {
                if let Some(first) = seen.insert(entry.key.clone(), located.line) {
                    let first = first.map_or_else(String::new, |l| format!(" (first on line {l})"));
                    problems.push(FileProblem {
                        line: located.line,
                        key: key.clone(),
                        field: Some("key".into()),
                        message: format!("the key {} is used twice{first}", entry.key),
                    });
                }
                entries.push(entry);
            }
            Err(errors) => problems.extend(errors.into_iter().map(|e| FileProblem {
                line: located.field_lines.get(&e.field).copied().or(located.line),
                key: key.clone(),
                field: Some(e.field.name().to_owned()),
                message: e.message,
            })),
        }
    }
    if problems.is_empty() {
        Ok(entries)
    } else {
        Err(problems)
    }
}

fn toml_drafts(text: &str) -> Drafts {
    let table: toml::Table = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start));
        vec![FileProblem {
            line,
            key: None,
            field: None,
            message: format!("not valid TOML: {}", e.message()),
        }]
    })?;
    let lines: Vec<&str> = text.lines().collect();
    let mut problems = Vec::new();
    for key in table.keys() {
        if key != "group" {
            problems.push(FileProblem {
                line: find_line(&lines, 1, lines.len() + 1, key),
                key: None,
                field: Some(key.clone()),
                message: "unknown top-level key; a directory file holds only [[group]] tables"
                    .into(),
            });
        }
    }
    let groups = match table.get("group") {
        Some(toml::Value::Array(groups)) => groups.as_slice(),
        Some(_) => {
            problems.push(FileProblem {
                line: find_line(&lines, 1, lines.len() + 1, "group"),
                key: None,
                field: None,
                message: "`group` must be an array of tables, written [[group]]".into(),
            });
            &[]
        }
        None => &[],
    };
    // `[[group]]` headers, in order: the n-th header starts the n-th entry.
    let headers: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("[[group]]"))
        .map(|(i, _)| i + 1)
        .collect();
    let mut out = Vec::new();
    for (index, group) in groups.iter().enumerate() {
        let start = headers.get(index).copied();
        let end = headers.get(index + 1).copied().unwrap_or(lines.len() + 1);
        let Some(fields) = group.as_table() else {
            problems.push(FileProblem {
                line: start,
                key: None,
                field: None,
                message: "each group must be a table".into(),
            });
            continue;
        };
        let mut located = Located {
            line: start,
            field_lines: HashMap::new(),
            draft: Draft::new(),
        };
        let key = fields
            .get("key")
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        for (name, value) in fields {
            let line = start.and_then(|s| find_line(&lines, s, end, name));
            let Some(field) = Field::from_name(name).filter(|f| f.name() == name) else {
                problems.push(FileProblem {
                    line: line.or(start),
                    key: key.clone(),
                    field: Some(name.clone()),
                    message: format!("unknown field; accepted: {}", field_names()),
                });
                continue;
            };
            let raw = match value {
                toml::Value::String(s) => Raw::Text(s.clone()),
                toml::Value::Boolean(b) => Raw::Bool(*b),
                toml::Value::Datetime(d) => Raw::Text(d.to_string()),
                toml::Value::Integer(i) => Raw::Text(i.to_string()),
                toml::Value::Array(items) => {
                    let texts: Option<Vec<String>> = items
                        .iter()
                        .map(|i| i.as_str().map(str::to_owned))
                        .collect();
                    if let Some(texts) = texts {
                        Raw::List(texts)
                    } else {
                        problems.push(FileProblem {
                            line: line.or(start),
                            key: key.clone(),
                            field: Some(name.clone()),
                            message: "a list must hold only text, like [\"a\", \"b\"]".into(),
                        });
                        continue;
                    }
                }
                _ => {
                    problems.push(FileProblem {
                        line: line.or(start),
                        key: key.clone(),
                        field: Some(name.clone()),
                        message: "expected text, a list of text, or true/false".into(),
                    });
                    continue;
                }
            };
            if let Some(line) = line {
                located.field_lines.insert(field, line);
            }
            located.draft.insert(field, raw);
        }
        out.push(located);
    }
    Ok((out, problems))
}

fn csv_drafts(text: &str) -> Drafts {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| vec![csv_problem(e)])?.clone();
    let mut columns = Vec::new();
    let mut problems = Vec::new();
    for header in headers.iter() {
        match Field::from_name(header).filter(|f| f.name() == header.trim()) {
            Some(field) if columns.contains(&Some(field)) => {
                columns.push(None);
                problems.push(FileProblem {
                    line: Some(1),
                    key: None,
                    field: Some(header.to_owned()),
                    message: "this column appears twice".into(),
                });
            }
            Some(field) => columns.push(Some(field)),
            None => {
                columns.push(None);
                problems.push(FileProblem {
                    line: Some(1),
                    key: None,
                    field: Some(header.to_owned()),
                    message: format!("unknown column; accepted: {}", field_names()),
                });
            }
        }
    }
    let mut out = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(csv_problem(e));
                continue;
            }
        };
        let line = record.position().map(|p| p.line() as usize);
        let mut draft = Draft::new();
        for (field, value) in columns.iter().zip(record.iter()) {
            if let Some(field) = field
                && !value.trim().is_empty()
            {
                draft.insert(*field, Raw::Text(value.to_owned()));
            }
        }
        out.push(Located {
            line,
            field_lines: HashMap::new(),
            draft,
        });
    }
    Ok((out, problems))
}

fn csv_problem(e: csv::Error) -> FileProblem {
    let line = e.position().map(|p| p.line() as usize);
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("this row has {len} fields; the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8 text".to_owned(),
        _ => format!("not valid CSV: {e}"),
    };
    FileProblem {
        line,
        key: None,
        field: None,
        message,
    }
}

fn field_names() -> String {
    Field::ALL
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(", ")
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The first line in `from..until` (1-based) that assigns `name`.
fn find_line(lines: &[&str], from: usize, until: usize, name: &str) -> Option<usize> {
    let range = from.saturating_sub(1).min(lines.len())..until.saturating_sub(1).min(lines.len());
    lines[range].iter().enumerate().find_map(|(i, l)| {
        let rest = l.trim_start().strip_prefix(name)?;
        rest.trim_start()
            .starts_with('=')
            .then_some(from.max(1) + i)
    })
}

/// Writes entries as a TOML directory file that [`read`] accepts back.
pub fn write_toml(entries: &[Entry]) -> String {
    let mut out = String::from(
        "# labcircle directory export. Import with: labcircle directory import FILE\n",
    );
    for entry in entries {
        out.push_str("\n[[group]]\n");
        let draft = entry.to_draft();
        for field in Field::ALL {
            let Some(value) = draft.get(&field) else {
                continue;
            };
            let value = match value {
                Raw::Text(t) => toml::Value::String(t.clone()),
                Raw::Bool(b) => toml::Value::Boolean(*b),
                Raw::List(items) => {
                    toml::Value::Array(items.iter().cloned().map(toml::Value::String).collect())
                }
            };
            out.push_str(&format!("{} = {}\n", field.name(), value));
        }
    }
    out
}

/// Writes entries as CSV, one column per field, lists joined with `;`.
pub fn write_csv(entries: &[Entry]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
    writer
        .write_record(&header)
        .expect("writing to memory cannot fail");
    for entry in entries {
        let draft = entry.to_draft();
        let row: Vec<String> = Field::ALL
            .iter()
            .map(|f| match draft.get(f) {
                None => String::new(),
                Some(Raw::Text(t)) => t.clone(),
                Some(Raw::Bool(b)) => b.to_string(),
                Some(Raw::List(items)) => items.join(";"),
            })
            .collect();
        writer
            .write_record(&row)
            .expect("writing to memory cannot fail");
    }
    let bytes = writer.into_inner().expect("writing to memory cannot fail");
    String::from_utf8(bytes).expect("csv writer writes the UTF-8 it was given")
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[[group]]
key = "oh-histo"
name = "Histology Society of Ohio"
kind = "association"
specialties = ["histotechnology"]
states = ["OH"]
format = "in_person"
cost = "membership"
facilitation = "professional_led"
url = "https://ohiohistology.org"
description = "State society for histotechs."
verified = true
last_verified = 2026-11-01

[[group]]
key = "988"
name = "988 Suicide & Crisis Lifeline"
kind = "crisis_line"
specialties = ["all"]
format = "online"
cost = "free"
facilitation = "professional_led"
description = "Call or text 988."
"#;

    #[test]
    fn a_good_file_reads_and_round_trips_through_both_formats() {
        let entries = read(GOOD, FileFormat::Toml).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(
            read(&write_toml(&entries), FileFormat::Toml).unwrap(),
            entries
        );
        assert_eq!(
            read(&write_csv(&entries), FileFormat::Csv).unwrap(),
            entries
        );
    }

    #[test]
    fn problems_carry_line_and_field() {
        let bad = GOOD
            .replace("url = \"https://ohiohistology.org\"", "url = \"ftp://x\"")
            .replace("cost = \"free\"", "cost = \"cheap\"");
        let problems = read(&bad, FileFormat::Toml).unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].line, Some(11));
        assert_eq!(problems[0].field.as_deref(), Some("url"));
        assert_eq!(problems[1].line, Some(22));
        assert_eq!(problems[1].key.as_deref(), Some("988"));
    }

    #[test]
    fn unknown_fields_and_duplicate_keys_are_problems() {
        let bad = format!("{GOOD}\n[[group]]\nkey = \"988\"\ncolour = \"red\"\n");
        let problems = read(&bad, FileFormat::Toml).unwrap_err();
        assert!(
            problems
                .iter()
                .any(|p| p.field.as_deref() == Some("colour")),
            "{problems:?}"
        );
    }

    #[test]
    fn csv_rows_report_their_line() {
        let csv = "key,name,kind,specialties,format,cost,facilitation,description\n\
                   a-1,A,association,mls,online,free,none,Fine\n\
                   b-2,B,association,mls;wizardry,online,free,none,Bad specialty\n";
        let problems = read(csv, FileFormat::Csv).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, Some(3));
        assert_eq!(problems[0].field.as_deref(), Some("specialties"));
    }
}

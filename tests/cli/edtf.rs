//! EDTF as the specification writes it: every example form of levels 0, 1
//! and 2 in `tests/fixtures/edtf/forms.tsv`, with the bounds annals gives
//! it, beside what the python `edtf` package gives (recorded by `record.py`
//! there). Where the two differ, the table says why; the README's table of
//! date forms is this table.

use annals::model::date::{civil_from_days, rfc3339};
use annals::model::{Date, Instant};

use crate::support::{golden, root};

/// A bound as the day it falls on, or the instant where the date has a
/// time (`python` writes days as `-1985-01-01`, `170000002-01-01`).
fn day(t: Instant, timed: bool) -> String {
    match t {
        Instant::MIN | Instant::MAX => "open".into(),
        t if timed => rfc3339(t).unwrap_or_default(),
        t => {
            let (y, m, d) = civil_from_days(t.div_euclid(86_400));
            let sign = if y < 0 { "-" } else { "" };
            format!("{sign}{:04}-{m:02}-{d:02}", y.abs())
        }
    }
}

struct Form {
    level: String,
    written: String,
    meaning: String,
    first: String,
    last: String,
    python: (String, String),
    note: String,
}

fn forms() -> Vec<Form> {
    let path = root().join("tests/fixtures/edtf/forms.tsv");
    let text = std::fs::read_to_string(path).expect("forms.tsv");
    text.lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 8, "eight columns: {line}");
            let written = f[1].to_string();
            let date = Date::parse(&written, 0)
                .unwrap_or_else(|e| panic!("`{written}` is EDTF: {}", e.message));
            let timed = written.contains('T');
            let b = date.bounds();
            let last = if b.end == Instant::MAX {
                b.end
            } else {
                b.end - 1
            };
            Form {
                level: f[0].into(),
                meaning: f[2].into(),
                first: day(b.start, timed),
                last: day(last, timed),
                python: (f[5].into(), f[6].into()),
                note: f[7].into(),
                written,
            }
        })
        .collect()
}

#[test]
fn every_example_of_the_specification_parses_to_the_recorded_bounds() {
    let mut table = String::from(
        "level\twritten\tmeaning\tannals_first\tannals_last\tpython_first\tpython_last\tnote\n",
    );
    for f in forms() {
        table.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            f.level, f.written, f.meaning, f.first, f.last, f.python.0, f.python.1, f.note
        ));
    }
    golden(&root().join("tests/fixtures/edtf/forms.tsv"), &table);
}

#[test]
fn annals_agrees_with_python_edtf_or_says_why_not() {
    for f in forms() {
        let same =
            (f.first.as_str(), f.last.as_str()) == (f.python.0.as_str(), f.python.1.as_str());
        assert!(
            same || !f.note.is_empty(),
            "`{}`: annals {} to {}, python edtf {} to {}, and no note says why",
            f.written,
            f.first,
            f.last,
            f.python.0,
            f.python.1
        );
        assert!(
            !same || f.note.is_empty(),
            "`{}`: annals and python agree, but a note says they differ",
            f.written
        );
    }
}

/// The README's table of date forms, as [`forms`] makes it.
fn readme_table() -> String {
    let mut t = String::from(
        "| level | written | means | first | last | python `edtf` differs |\n|---|---|---|---|---|---|\n",
    );
    for f in forms() {
        let note = if f.note.is_empty() {
            String::new()
        } else {
            format!("{} to {}: {}", f.python.0, f.python.1, f.note)
        };
        t.push_str(&format!(
            "| {} | `{}` | {} | {} | {} | {} |\n",
            f.level, f.written, f.meaning, f.first, f.last, note
        ));
    }
    t
}

#[test]
fn the_readme_lists_every_form_with_its_bounds() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let table = readme_table();
    if std::env::var_os("ANNALS_BLESS").is_some() && !readme.contains(&table) {
        let start = readme
            .find("| level | written | means |")
            .expect("the README has the table of date forms");
        let end = readme[start..]
            .find("\n\n")
            .map_or(readme.len(), |n| start + n + 1);
        let updated = format!("{}{}{}", &readme[..start], table, &readme[end..]);
        std::fs::write(root().join("README.md"), updated).expect("write README.md");
        return;
    }
    assert!(
        readme.contains(&table),
        "the README's table of date forms differs from tests/fixtures/edtf/forms.tsv:\n{table}\n(run with ANNALS_BLESS=1 to update it)"
    );
}

//! Terminal tables that fit a width: the least important columns are left out (and named in a note) until the table fits, or each row becomes a record of its own.

use comfy_table::{CellAlignment, Table, presets::UTF8_BORDERS_ONLY};

/// A column of a terminal table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// The header.
    pub name: String,
    /// 0 for a column that is always shown; otherwise the higher, the sooner it is left out
    /// to make the table fit.
    pub drop_order: u8,
    /// Right-aligned (numbers) rather than left-aligned (names).
    pub right: bool,
}

impl Column {
    /// A left-aligned column that is always shown: the first, naming each row.
    pub fn key(name: &str) -> Column {
        Column {
            name: name.to_string(),
            drop_order: 0,
            right: false,
        }
    }

    /// A right-aligned column of numbers, left out at `drop_order` (0: never).
    pub fn number(name: &str, drop_order: u8) -> Column {
        Column {
            name: name.to_string(),
            drop_order,
            right: true,
        }
    }
}

/// The terminal's width in columns, as the CLI finds it: `COLUMNS` when set, else the width of
/// the terminal on stdout; `None` when output goes to a file or a pipe (no limit then).
pub fn terminal_width() -> Option<usize> {
    if let Some(w) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|w| *w > 0)
    {
        return Some(w);
    }
    console::Term::stdout()
        .size_checked()
        .map(|(_, cols)| usize::from(cols))
}

/// The widest line of a text, in characters.
pub fn width_of(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

fn draw(columns: &[&Column], rows: &[Vec<&str>]) -> String {
    let mut t = Table::new();
    t.load_preset(UTF8_BORDERS_ONLY);
    t.set_header(columns.iter().map(|c| c.name.as_str()));
    for r in rows {
        t.add_row(r.clone());
    }
    for (i, c) in columns.iter().enumerate() {
        if let Some(col) = t.column_mut(i) {
            col.set_cell_alignment(if c.right {
                CellAlignment::Right
            } else {
                CellAlignment::Left
            });
        }
    }
    t.to_string()
}

/// Draws `rows` (one cell per column, as text) under `columns` so that no line is wider than
/// `width` (no limit with `None`): with every column when it fits, else without the columns
/// with the highest `drop_order` (the last first among equals), one at a time, followed by a
/// line naming what was left out and `where_all` (where every column is, like
/// "functions.csv"). When even the columns that are always shown do not fit, each row is
/// printed as a record: its first cell, then one `column: value` line per other cell.
pub fn fit(
    columns: &[Column],
    rows: &[Vec<String>],
    width: Option<usize>,
    where_all: &str,
) -> String {
    let mut shown: Vec<usize> = (0..columns.len()).collect();
    let mut left_out: Vec<usize> = Vec::new();
    let text = loop {
        let cols: Vec<&Column> = shown.iter().map(|&i| &columns[i]).collect();
        let cells: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| {
                shown
                    .iter()
                    .map(|&i| r.get(i).map_or("", String::as_str))
                    .collect()
            })
            .collect();
        let text = draw(&cols, &cells);
        if width.is_none_or(|w| width_of(&text) <= w) {
            break text;
        }
        // The least important column still shown: highest drop order, the last among equals.
        let next = shown
            .iter()
            .enumerate()
            .filter(|(_, i)| columns[**i].drop_order > 0)
            .max_by_key(|(pos, i)| (columns[**i].drop_order, *pos))
            .map(|(pos, _)| pos);
        match next {
            Some(pos) => left_out.push(shown.remove(pos)),
            None => return records(columns, rows),
        }
    };
    if left_out.is_empty() {
        return text;
    }
    left_out.sort_unstable();
    let names: Vec<String> = left_out
        .iter()
        .map(|&i| columns[i].name.replace('\n', " "))
        .collect();
    let note = format!(
        "(left out to fit {} columns: {}; {where_all} has every column)",
        width.unwrap_or(0),
        names.join(", ")
    );
    format!("{text}\n{}", wrap(&note, width.unwrap_or(usize::MAX)))
}

/// Greedy word wrap: lines of at most `width` characters, broken at spaces (a longer word
/// stands on a line of its own).
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split(' ') {
        let n = word.chars().count();
        if line > 0 && line + 1 + n > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += n;
    }
    out
}

/// One record per row: the first cell on a line of its own, then `column: value` per cell.
fn records(columns: &[Column], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    for r in rows {
        out.push_str(r.first().map_or("", String::as_str));
        out.push('\n');
        for (c, v) in columns.iter().zip(r).skip(1) {
            out.push_str(&format!("  {}: {v}\n", c.name.replace('\n', " ")));
        }
    }
    out.pop();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns() -> Vec<Column> {
        vec![
            Column::key("function"),
            Column::number("invocations", 0),
            Column::number("max ms", 2),
            Column::number("cold", 0),
            Column::number("busy GB-s", 1),
        ]
    }

    fn rows() -> Vec<Vec<String>> {
        vec![
            ["checkout-api", "525340", "858.3", "18", "63097.4"]
                .map(String::from)
                .to_vec(),
        ]
    }

    #[test]
    fn a_table_that_fits_is_drawn_whole() {
        let t = fit(&columns(), &rows(), None, "functions.csv");
        assert!(t.contains("max ms") && t.contains("busy GB-s"), "{t}");
        assert!(!t.contains("left out"), "{t}");
        let w = width_of(&t);
        assert_eq!(fit(&columns(), &rows(), Some(w), "functions.csv"), t);
    }

    #[test]
    fn columns_are_left_out_by_drop_order_and_named() {
        let whole = width_of(&fit(&columns(), &rows(), None, "x"));
        // One character short: the highest drop order goes first.
        let t = fit(&columns(), &rows(), Some(whole - 1), "functions.csv");
        let header = t.lines().nth(1).expect("a header");
        assert!(
            !header.contains("max ms") && header.contains("busy GB-s"),
            "{t}"
        );
        assert!(
            t.replace('\n', " ")
                .contains("(left out to fit 57 columns: max ms; functions.csv has every column)"),
            "{t}"
        );
        assert!(width_of(&t) < whole, "{t}");
        // Narrower still: both droppable columns go, named in column order.
        let t = fit(&columns(), &rows(), Some(40), "functions.csv");
        assert!(t.replace('\n', " ").contains(": max ms, busy GB-s;"), "{t}");
        assert!(width_of(&t) <= 40, "{t}");
    }

    #[test]
    fn notes_wrap_at_spaces() {
        assert_eq!(wrap("a bb ccc dddd", 6), "a bb\nccc\ndddd");
        assert_eq!(wrap("abcdefgh ij", 4), "abcdefgh\nij");
        assert_eq!(wrap("a b", 3), "a b");
    }

    #[test]
    fn too_narrow_for_the_kept_columns_gives_one_record_per_row() {
        let t = fit(&columns(), &rows(), Some(12), "functions.csv");
        assert_eq!(
            t,
            "checkout-api\n  invocations: 525340\n  max ms: 858.3\n  cold: 18\n  busy GB-s: 63097.4"
        );
    }
}

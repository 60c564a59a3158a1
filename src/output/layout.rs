//! Fitting a table to the terminal: every row on one line, no line wider than the terminal.
//!
//! Cells are never wrapped. A column empty on every row is left out. When the rest does not
//! fit, columns give way in a fixed order, so that what a row is about survives longest:
//!
//! 1. URLs lose their scheme (`https://` on every row says nothing);
//! 2. secondary free text narrows, then secondary columns go, in rank order;
//! 3. keys and URLs are shortened, never so that two different values look the same;
//! 4. main columns go, in rank order, and keys shorten to the least that keeps them apart;
//! 5. at absurd widths, columns go from the right and the last one left is cut.
//!
//! Whatever width the steps free and the table does not need is given back: first to keys,
//! then to free text, then to URL schemes.

use super::fit;
use crate::text::{cut_end, width};

/// Space between two columns.
const GAP: usize = 2;
/// Keys are not shortened below this while a main column could go instead.
const KEY_MIN: usize = 20;
/// Free text is not cut below this while a column could go instead.
const TEXT_MIN: usize = 10;
/// Nor below this at all: `ab…` still hints at what was there.
const TEXT_HARD: usize = 4;
/// Keys are not shortened below this at all, even where `…)` and `…L` would differ.
const KEY_HARD: usize = 8;

/// How a column's cells become narrower.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Ids, counts, ages: shown whole, or the column goes.
    Whole,
    /// Free text (labels, errors): cut at the end.
    Text,
    /// URLs and grouping keys: shortened in the middle, never so two values look the same.
    Key,
}

/// How much a column matters, which decides when it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// What a row is about: kept to the end.
    Key,
    /// Worth keeping: goes only once keys are as narrow as they should be; lower ranks first.
    Main(u8),
    /// Secondary: narrowed and dropped before any key is shortened; lower ranks first.
    Extra(u8),
}

/// One column of a table; cells are terminal-safe already ([`crate::text::safe`]).
#[derive(Debug, Clone)]
pub struct Column {
    header: String,
    cells: Vec<String>,
    fit: Fit,
    role: Role,
    right: bool,
}

impl Column {
    /// A key column shown whole (an id); [`Column::fit`] and [`Column::role`] change that.
    pub fn new(header: &str, cells: Vec<String>) -> Column {
        Column {
            header: header.to_string(),
            cells,
            fit: Fit::Whole,
            role: Role::Key,
            right: false,
        }
    }

    pub fn fit(mut self, fit: Fit) -> Column {
        self.fit = fit;
        self
    }

    pub fn role(mut self, role: Role) -> Column {
        self.role = role;
        self
    }

    /// Aligns cells to the right, for numbers.
    pub fn right(mut self) -> Column {
        self.right = true;
        self
    }

    fn is_empty(&self) -> bool {
        self.cells.iter().all(|c| matches!(c.trim(), "" | "-"))
    }

    fn values(&self) -> Vec<&str> {
        self.cells.iter().map(String::as_str).collect()
    }

    fn measure(&self) -> Measure {
        let header = width(&self.header);
        let natural = self.cells.iter().map(|c| width(c)).fold(header, usize::max);
        match self.fit {
            Fit::Whole => Measure {
                natural,
                compact: natural,
                soft: natural,
                hard: natural,
            },
            Fit::Text => Measure {
                natural,
                compact: natural,
                soft: natural.min(header.max(TEXT_MIN)),
                hard: natural.min(TEXT_HARD),
            },
            Fit::Key => {
                let values = self.values();
                let compact = fit::compact(&values).max(header);
                let want = compact.min(header.max(KEY_MIN));
                let soft = match fit::distinct(&values, want) {
                    Some(_) => want,
                    // At `compact` every value is whole and apart, so no wider is needed.
                    None => fit::floor(&values, want + 1).min(compact),
                };
                // `hard` costs a search over widths; [`Layout::plan`] makes it only if needed.
                Measure {
                    natural,
                    compact,
                    soft,
                    hard: soft,
                }
            }
        }
    }

    /// The narrowest this column may be at a step of the order in the module comment.
    fn least(&self, m: &Measure, step: Step) -> usize {
        match (self.fit, step) {
            (Fit::Whole, _) => m.natural,
            (_, Step::Least) => m.hard,
            (_, Step::KeysNarrow) => m.soft,
            (Fit::Key, _) if step >= Step::NoSchemes => m.compact,
            (Fit::Text, _) if step >= Step::ExtrasNarrow && matches!(self.role, Role::Extra(_)) => {
                m.soft
            }
            _ => m.natural,
        }
    }

    /// The cells in `w` columns each.
    fn fitted(&self, w: usize) -> Vec<String> {
        match self.fit {
            // Whole cells are cut only when a later page outgrows the first page's layout, or
            // at widths too small for anything else.
            Fit::Whole | Fit::Text => self
                .cells
                .iter()
                .map(|c| cut_end(c, w).into_owned())
                .collect(),
            Fit::Key => {
                let values = self.values();
                fit::distinct(&values, w)
                    // Wider is not always better: a width that works lies lower.
                    .or_else(|| {
                        let floor = fit::floor(&values, 1);
                        (floor <= w)
                            .then(|| fit::distinct(&values, floor))
                            .flatten()
                    })
                    // Only a later page held to the first page's width, or a terminal too
                    // narrow for anything, ends up here.
                    .unwrap_or_else(|| values.iter().map(|v| fit::shorten(v, w)).collect())
            }
        }
    }
}

struct Measure {
    /// Every cell and the header whole.
    natural: usize,
    /// URLs whole but without their scheme.
    compact: usize,
    /// As narrow as the column should go while another could go instead.
    soft: usize,
    /// As narrow as it can go and still tell its values apart.
    hard: usize,
}

impl Measure {
    /// Works out how narrow a key column can go, from where [`Column::measure`] left it.
    fn narrowest(&mut self, col: &Column) {
        if col.fit == Fit::Key {
            let floor = fit::floor(&col.values(), self.natural.min(KEY_HARD));
            self.hard = floor.min(self.soft);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Natural,
    NoSchemes,
    ExtrasNarrow,
    KeysNarrow,
    Least,
}

/// Which columns are shown, and how wide each is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// (index into the columns, width), left to right.
    slots: Vec<(usize, usize)>,
}

impl Layout {
    /// The layout of `cols` in `width` terminal columns.
    pub fn plan(cols: &[Column], width: usize) -> Layout {
        let mut measures: Vec<Measure> = cols.iter().map(Column::measure).collect();
        let mut shown: Vec<bool> = cols.iter().map(|c| !c.is_empty()).collect();
        if !shown.contains(&true) {
            shown.fill(true);
        }
        let attempt = |m: &[Measure], shown: &[bool], step| fits(cols, m, shown, step, width);
        for step in [Step::Natural, Step::NoSchemes, Step::ExtrasNarrow] {
            if let Some(l) = attempt(&measures, &shown, step) {
                return l;
            }
        }
        for i in ranked(cols, |r| matches!(r, Role::Extra(_))) {
            shown[i] = false;
            if let Some(l) = attempt(&measures, &shown, Step::ExtrasNarrow) {
                return l;
            }
        }
        if let Some(l) = attempt(&measures, &shown, Step::KeysNarrow) {
            return l;
        }
        for i in ranked(cols, |r| matches!(r, Role::Main(_))) {
            shown[i] = false;
            if let Some(l) = attempt(&measures, &shown, Step::KeysNarrow) {
                return l;
            }
        }
        for (m, c) in measures.iter_mut().zip(cols) {
            m.narrowest(c);
        }
        loop {
            if let Some(l) = attempt(&measures, &shown, Step::Least) {
                return l;
            }
            // Tables put what tells rows apart on the left (an id, the grouping keys), so
            // that goes last.
            let alive: Vec<usize> = (0..cols.len()).filter(|i| shown[*i]).collect();
            match alive[..] {
                [only] => {
                    return Layout {
                        slots: vec![(only, width)],
                    }
                }
                [.., last] => shown[last] = false,
                [] => return Layout { slots: Vec::new() },
            }
        }
    }

    /// The headers of the shown columns, for tests and callers that check what went.
    pub fn headers<'a>(&self, cols: &'a [Column]) -> Vec<&'a str> {
        self.slots
            .iter()
            .map(|(i, _)| cols[*i].header.as_str())
            .collect()
    }

    /// The rows of `cols` as lines (the header first, if asked), without a final newline.
    /// `cols` may be a later page of the table this layout was planned for. The fitting above
    /// decides each column's width and what its cells hold; comfy-table draws them: no borders,
    /// [`GAP`] spaces between columns, numbers to the right, trailing blanks trimmed.
    pub fn render(&self, cols: &[Column], header: bool) -> String {
        if self.slots.is_empty() {
            return String::new();
        }
        let mut table = comfy_table::Table::new();
        table
            .load_preset(comfy_table::presets::NOTHING)
            .set_content_arrangement(comfy_table::ContentArrangement::Disabled)
            .force_no_tty();
        if header {
            table.set_header(
                self.slots
                    .iter()
                    .map(|(i, w)| cut_end(&cols[*i].header, *w).into_owned()),
            );
        }
        let fitted: Vec<Vec<String>> = self
            .slots
            .iter()
            .map(|(i, w)| cols[*i].fitted(*w))
            .collect();
        let rows = cols.first().map_or(0, |c| c.cells.len());
        for r in 0..rows {
            table.add_row(fitted.iter().map(|cells| cells[r].as_str()));
        }
        let last = self.slots.len() - 1;
        for (n, (i, w)) in self.slots.iter().enumerate() {
            let column = table.column_mut(n).expect("one column per slot");
            let gap = if n == last { 0 } else { GAP };
            // comfy-table's fixed width counts the padding.
            let width = u16::try_from(*w + gap).unwrap_or(u16::MAX);
            column.set_constraint(comfy_table::ColumnConstraint::Absolute(
                comfy_table::Width::Fixed(width),
            ));
            column.set_padding((0, gap as u16));
            if cols[*i].right {
                column.set_cell_alignment(comfy_table::CellAlignment::Right);
            }
        }
        let lines: Vec<String> = table.lines().map(|l| l.trim_end().to_string()).collect();
        lines.join("\n")
    }
}

/// Indices of the columns whose role matches, lowest rank first.
fn ranked(cols: &[Column], which: impl Fn(Role) -> bool) -> Vec<usize> {
    let mut v: Vec<(u8, usize)> = cols
        .iter()
        .enumerate()
        .filter(|(_, c)| which(c.role))
        .map(|(i, c)| match c.role {
            Role::Main(r) | Role::Extra(r) => (r, i),
            Role::Key => (u8::MAX, i),
        })
        .collect();
    v.sort();
    v.into_iter().map(|(_, i)| i).collect()
}

/// Widths for the shown columns at `step`, if they fit, with the room left given back.
fn fits(
    cols: &[Column],
    measures: &[Measure],
    shown: &[bool],
    step: Step,
    width: usize,
) -> Option<Layout> {
    let idx: Vec<usize> = (0..cols.len()).filter(|i| shown[*i]).collect();
    let mut widths: Vec<usize> = idx
        .iter()
        .map(|i| cols[*i].least(&measures[*i], step))
        .collect();
    let used = widths.iter().sum::<usize>() + GAP * idx.len().saturating_sub(1);
    let mut room = width.checked_sub(used)?;
    // Keys up to their scheme-less whole, free text up to whole, then URL schemes.
    let want = |phase: usize, c: &Column, m: &Measure| match (phase, c.fit) {
        (0, Fit::Key) => m.compact,
        (1, Fit::Text) | (2, Fit::Key) => m.natural,
        _ => 0,
    };
    for phase in 0..3 {
        // The smallest needs first: more columns end up whole.
        let mut needs: Vec<(usize, usize)> = idx
            .iter()
            .enumerate()
            .map(|(n, i)| {
                let need = want(phase, &cols[*i], &measures[*i]);
                (need.saturating_sub(widths[n]), n)
            })
            .filter(|(need, _)| *need > 0)
            .collect();
        needs.sort();
        for (need, n) in needs {
            let give = need.min(room);
            widths[n] += give;
            room -= give;
        }
    }
    Some(Layout {
        slots: idx.into_iter().zip(widths).collect(),
    })
}

#[cfg(test)]
mod tests;

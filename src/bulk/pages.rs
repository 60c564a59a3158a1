//! Following list cursors page by page, without ever looping.
//!
//! A missing, null or empty cursor ends paging (the client normalises them to `None`). A cursor
//! the server already returned once is an error: some servers (and Prism's mock) repeat one.
//! So is a long run of empty pages that each carry a fresh cursor: a server that never gets
//! anywhere must not keep `list --all` asking forever.

use std::collections::HashSet;

use super::action::BulkClient;
use crate::api::{ApiError, Entry, Filter, Source};

/// Consecutive empty pages that still carry a cursor before paging stops: a server that never
/// gets anywhere.
pub const MAX_EMPTY_PAGES: u32 = 20;

/// Why listing a selection stopped: the API, or the sink its pages are written to (a backup,
/// a journal). Both the planner (`plan`) and the parallel lister (`lanes`) return it.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("{0}")]
    Io(std::io::Error),
}

/// The loop checks of one cursor chain.
#[derive(Default)]
pub struct Guard {
    seen: HashSet<String>,
    empty: u32,
}

impl Guard {
    /// A chain that starts at `start` (which must not come back).
    pub fn starting_at(start: Option<&str>) -> Guard {
        Guard {
            seen: start.iter().map(|s| s.to_string()).collect(),
            empty: 0,
        }
    }

    /// Checks a page's cursor: the cursor to follow, `None` at the end, or an error when the
    /// chain loops or never gets anywhere.
    pub fn step(
        &mut self,
        empty_page: bool,
        cursor: Option<String>,
    ) -> Result<Option<String>, ApiError> {
        self.empty = if empty_page { self.empty + 1 } else { 0 };
        match cursor {
            Some(c) if !self.seen.insert(c.clone()) => Err(ApiError::CursorRepeat(c)),
            Some(_) if self.empty >= MAX_EMPTY_PAGES => Err(ApiError::Invalid(format!(
                "the server sent {} empty pages in a row, each with a new cursor; stopping \
                     instead of paging forever",
                self.empty
            ))),
            c => Ok(c),
        }
    }
}

pub struct Pages<'a> {
    api: &'a dyn BulkClient,
    source: Source,
    filter: &'a Filter,
    cursor: Option<String>,
    guard: Guard,
    done: bool,
}

impl<'a> Pages<'a> {
    pub fn new(
        api: &'a dyn BulkClient,
        source: Source,
        filter: &'a Filter,
        start: Option<String>,
    ) -> Self {
        Pages {
            api,
            source,
            filter,
            guard: Guard::starting_at(start.as_deref()),
            cursor: start,
            done: false,
        }
    }

    /// The next page of at most `count` entries, or `None` when there are no more.
    pub async fn next(&mut self, count: Option<u32>) -> Result<Option<Vec<Entry>>, ApiError> {
        if self.done {
            return Ok(None);
        }
        let page = self
            .api
            .list(self.source, self.filter, count, self.cursor.as_deref())
            .await?;
        self.cursor = self.guard.step(page.server_empty(), page.cursor.clone())?;
        self.done = self.cursor.is_none();
        Ok(Some(page.messages))
    }

    /// Where the next page starts; `None` once the end was reached.
    pub fn cursor(&self) -> Option<&str> {
        self.cursor.as_deref()
    }
}

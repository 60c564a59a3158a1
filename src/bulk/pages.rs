//! Following list cursors page by page, without ever looping.
//!
//! A missing, null or empty cursor ends paging (the client normalises them to `None`). A cursor
//! the server already returned once is an error: some servers (and Prism's mock) repeat one.
//! So is a long run of empty pages that each carry a fresh cursor: a server that never gets
//! anywhere must not keep `list --all` asking forever.

use std::collections::HashSet;

use crate::api::{ApiError, Client, Entry, Filter, Source};

pub struct Pages<'a> {
    api: &'a Client,
    source: Source,
    filter: &'a Filter,
    cursor: Option<String>,
    seen: HashSet<String>,
    done: bool,
    empty: u32,
}

impl<'a> Pages<'a> {
    pub fn new(api: &'a Client, source: Source, filter: &'a Filter, start: Option<String>) -> Self {
        let seen = start.iter().cloned().collect();
        Pages {
            api,
            source,
            filter,
            cursor: start,
            seen,
            done: false,
            empty: 0,
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
        self.empty = if page.messages.is_empty() {
            self.empty + 1
        } else {
            0
        };
        match page.cursor {
            Some(c) if !self.seen.insert(c.clone()) => return Err(ApiError::CursorRepeat(c)),
            Some(_) if self.empty >= super::server_side::MAX_EMPTY_PAGES => {
                return Err(ApiError::Invalid(format!(
                    "the server sent {} empty pages in a row, each with a new cursor; stopping \
                     instead of paging forever",
                    self.empty
                )))
            }
            Some(c) => self.cursor = Some(c),
            None => {
                self.cursor = None;
                self.done = true;
            }
        }
        Ok(Some(page.messages))
    }

    /// Where the next page starts; `None` once the end was reached.
    pub fn cursor(&self) -> Option<&str> {
        self.cursor.as_deref()
    }
}

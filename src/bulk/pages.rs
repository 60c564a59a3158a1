//! Following list cursors page by page, without ever looping.
//!
//! A missing, null or empty cursor ends paging (the client normalises them to `None`). A cursor
//! the server already returned once is an error: some servers (and Prism's mock) repeat one.

use std::collections::HashSet;

use crate::api::{ApiError, Client, Entry, Filter, Source};

pub struct Pages<'a> {
    api: &'a Client,
    source: Source,
    filter: &'a Filter,
    cursor: Option<String>,
    seen: HashSet<String>,
    done: bool,
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
        match page.cursor {
            Some(c) if !self.seen.insert(c.clone()) => return Err(ApiError::CursorRepeat(c)),
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

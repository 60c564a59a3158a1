//! A bulk delete answered with a short count. The service deletes the ids still present and
//! counts only those (the sandbox too); an older reading answered 404 and deleted nothing,
//! which `chunk` handles. A short count does not say which ids were already gone, so each id
//! is looked up: one still present is deleted on its own, one gone is reported as already
//! gone when the count shows that none of them was deleted by this request, and as deleted
//! when the count covers every id found gone. Otherwise which ones cannot be told: the counts
//! are kept exact (as many done as the server deleted, the rest already gone) and every such
//! outcome says that the split is the server's count, not a per-id finding.

use super::{Engine, Outcome, Status};
use crate::api::ApiError;
use crate::bulk::action::Verb;

impl Engine<'_> {
    /// Applies the action to `ids` with one request; a delete the server counts short is
    /// settled id by id.
    pub(super) async fn apply(&self, ids: &[String]) -> Result<Vec<Outcome>, ApiError> {
        if self.action.verb != Verb::Delete {
            return self.action.apply_chunk(self.api, ids).await;
        }
        let deleted = self.action.delete_chunk(self.api, ids).await?;
        if deleted as usize >= ids.len() {
            // More than sent is a reply that does not add up: the usual check says so.
            return self.action.check_count(ids, deleted);
        }
        Ok(self.short_delete(ids.to_vec(), deleted).await)
    }

    /// Outcomes for `ids` of a delete the server said removed only `deleted` of them.
    async fn short_delete(&self, ids: Vec<String>, deleted: u64) -> Vec<Outcome> {
        let sent = ids.len();
        let r = self.reconcile(ids).await;
        let (gone, present) = (r.applied, r.pending);
        // Only a callback has unconfirmed ids; for a delete they are simply unknown.
        let mut unsure = r.unsure;
        unsure.extend(r.unconfirmed.into_iter().map(|(id, _)| id));
        let mut out = Vec::with_capacity(sent);
        out.extend(attribute(&gone, deleted));
        out.extend(unsure.iter().map(|id| {
            Outcome::failed(
                id,
                Status::Unknown,
                format!(
                    "the server deleted {deleted} of {sent} ids sent; whether this was one of \
                     them could not be checked"
                ),
            )
        }));
        // Counted as deleted but still there: delete each on its own, for its own answer.
        out.extend(self.one_by_one(present).await);
        out
    }
}

/// Outcomes of `gone`, ids no longer in the DLQ after a request that deleted `deleted` ids.
fn attribute(gone: &[String], deleted: u64) -> Vec<Outcome> {
    let g = gone.len() as u64;
    if deleted == 0 {
        return gone
            .iter()
            .map(|id| {
                Outcome::failed(
                    id,
                    Status::NotFound,
                    "already gone: not in the DLQ when the delete came",
                )
            })
            .collect();
    }
    if deleted >= g {
        return gone.iter().map(|id| Outcome::done(id)).collect();
    }
    let why = |counted: &str| {
        format!(
            "deleted by this run or already gone: the server deleted {deleted} of these {g} ids \
             and does not say which; counted as {counted}"
        )
    };
    gone.iter()
        .enumerate()
        .map(|(i, id)| {
            if (i as u64) < deleted {
                Outcome {
                    error: Some(why("deleted")),
                    ..Outcome::done(id)
                }
            } else {
                Outcome::failed(id, Status::NotFound, why("already gone"))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_count_is_attributed_exactly_where_it_can_be_and_counted_exactly_where_not() {
        let ids: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let statuses =
            |n| -> Vec<Status> { attribute(&ids, n).iter().map(|o| o.outcome).collect() };
        assert_eq!(statuses(0), [Status::NotFound; 3]);
        assert_eq!(statuses(3), [Status::Done; 3]);
        assert_eq!(
            statuses(1),
            [Status::Done, Status::NotFound, Status::NotFound]
        );
        assert!(attribute(&ids, 3).iter().all(|o| o.error.is_none()));
        assert!(attribute(&ids, 2).iter().all(|o| o
            .error
            .as_deref()
            .unwrap()
            .contains("deleted 2 of these 3")));
    }
}

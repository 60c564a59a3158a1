//! What the user chose to act on, checked before any request: ids (arguments, `-` for stdin,
//! `--ids-from`), or filters with `--all`/`--limit`, never both, never neither.

use std::fs::File;
use std::io::BufReader;

use super::Request;
use crate::args::select::SelectArgs;
use crate::bulk::resolve;
use crate::bulk::select::{dedupe, read_ids};
use crate::cmdline::Aim;
use crate::error::{CliError, Result};

/// What the user chose, checked.
pub enum Chosen {
    Ids(Vec<String>),
    Matching { limit: Option<u64> },
}

/// Checks what the user selected: ids, or filters with `--all`/`--limit`, never both, never
/// neither; and ids that cannot be ids are refused before any request.
pub fn select(req: &Request, aim: &Aim) -> Result<Chosen> {
    let verb = req.action.verb;
    let s = req.select;
    let ids = explicit_ids(s)?;
    resolve::check(&ids, &req.sources).map_err(|m| {
        CliError::usage(m).hint(format!(
            "see `dlq {} --help` for what it takes",
            verb.name()
        ))
    })?;
    let selecting = s.all || s.limit.is_some();
    if !ids.is_empty() && (selecting || !req.filter.is_empty()) {
        return Err(CliError::usage(
            "give ids or a selection (filters with --all or --limit), not both",
        ));
    }
    let listed = s.ids.iter().any(|i| i == "-") || s.ids_from.is_some();
    if listed && ids.is_empty() && !selecting && req.filter.is_empty() {
        return Ok(Chosen::Ids(ids));
    }
    if ids.is_empty() && !selecting {
        return Err(if req.filter.is_empty() {
            CliError::usage("nothing selected").hint(format!(
                "give ids (or - to read them from stdin), or filters with --all: `dlq {} --label x --all`",
                verb.name()
            ))
        } else {
            CliError::usage("filters select nothing on their own")
                .hint("add --all to act on every match, or --limit N for the first N matches")
        });
    }
    req.parts.refuse_new()?;
    if req.bulk.server_side {
        req.parts.refuse_server_side()?;
        if !ids.is_empty() {
            return Err(CliError::usage("--server-side drives the API's own filter bulk call: it takes filters with --all or --limit, not ids"));
        }
        if req.bulk.max.is_some() {
            return Err(CliError::usage("--server-side has no plan to count against --max: drop --max, or drop --server-side"));
        }
        if req.bulk.report.is_some() || req.bulk.dry_run {
            return Err(CliError::usage("--server-side has no plan and no per-entry account: drop --report/--dry-run/--backup, or drop --server-side"));
        }
        if let Some(flags) = req.filter.client_only() {
            return Err(CliError::usage(format!(
                "{flags} is checked by dlq on each listed entry and has no server-side form: a --server-side run lets the server pick the entries, whatever they say"
            ))
            .hint(format!(
                "drop --server-side: {} lists the entries and acts only on those {flags} keeps",
                crate::text::safe(&without_server_side(aim))
            )));
        }
        // The server filters a server-side run on its own, so a value it would read otherwise
        // (split on a comma, trimmed, empty) would select other entries.
        if let Some((flag, v)) = req.filter.inexpressible(req.action.source).first() {
            return Err(CliError::usage(format!(
                "{flag} {:?} cannot be sent to the API as written: it splits values on commas and trims them, so a --server-side run would act on other entries",
                crate::text::safe(v)
            ))
            .hint("drop --server-side: dlq then lists the entries and acts only on those that match as written"));
        }
    }
    Ok(if ids.is_empty() {
        Chosen::Matching {
            limit: if s.all { None } else { s.limit },
        }
    } else {
        Chosen::Ids(ids)
    })
}

fn explicit_ids(select: &SelectArgs) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    for id in &select.ids {
        if id == "-" {
            read_ids(std::io::stdin().lock(), "standard input", &mut ids)
                .map_err(CliError::usage)?;
        } else {
            ids.push(id.clone());
        }
    }
    if let Some(path) = &select.ids_from {
        let f = File::open(path)
            .map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))?;
        read_ids(BufReader::new(f), &path.display().to_string(), &mut ids)
            .map_err(CliError::usage)?;
    }
    dedupe(&mut ids);
    Ok(ids)
}

/// This command line as typed, without `--server-side`, aimed at the session's target: the
/// aim supplies the target's flags, so none typed is repeated and a typed token never shows.
fn without_server_side(aim: &Aim) -> String {
    const TARGET: &[&str] = &["--token", "--base-url", "--env-file", "--profile"];
    let mut words = Vec::new();
    // Lossy: a word that is not UTF-8 must not panic a refusal (shown escaped all the same).
    let mut typed = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned());
    while let Some(a) = typed.next() {
        let name = a.split('=').next().unwrap_or_default();
        if TARGET.contains(&name) {
            if !a.contains('=') {
                typed.next();
            }
        } else if a != "--server-side" && a != "--sandbox" {
            words.push(a);
        }
    }
    aim.dlq(words).to_string()
}

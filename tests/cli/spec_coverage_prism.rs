//! Every operation of both official OpenAPI files is served by the sandbox: each path and
//! method the specs list, asked of a fresh sandbox, reaches a handler of its own, never the
//! router's "no such endpoint" fallback nor a 405. A spec that gains an operation fails here
//! until the sandbox serves it; what each answers is checked elsewhere, through Prism and the
//! official SDKs.

use crate::common::{raw, Sandbox};
use crate::prism::{have_spec, spec};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// The `(METHOD, path)` pairs of one spec file, read off its `paths:` block: a path at two
/// spaces of indent, its methods at four.
fn operations(file: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(spec(file)).unwrap();
    let mut ops = Vec::new();
    let mut path: Option<String> = None;
    let mut in_paths = false;
    for line in text.lines() {
        if !line.starts_with(' ') && !line.is_empty() {
            in_paths = line == "paths:";
            path = None;
            continue;
        }
        if !in_paths {
            continue;
        }
        if let Some(p) = line.strip_prefix("  /").and_then(|p| p.strip_suffix(':')) {
            path = Some(format!("/{p}"));
        } else if let (Some(p), Some(m)) = (
            &path,
            line.strip_prefix("    ").and_then(|m| m.strip_suffix(':')),
        ) {
            if METHODS.contains(&m) {
                ops.push((m.to_uppercase(), p.clone()));
            }
        }
    }
    ops
}

/// The path with each `{parameter}` given a value of its kind: a destination URL where the
/// spec takes one, a plain name elsewhere.
fn filled(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map(|c| open + c).unwrap();
        out.push_str(&rest[..open]);
        out.push_str(match &rest[open + 1..close] {
            "destination" | "workflowUrl" => "https://example.com/coverage",
            _ => "coverage-1",
        });
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn every_operation_of_both_official_specs_reaches_a_handler_of_the_sandbox() {
    if !have_spec() {
        return;
    }
    let sb = Sandbox::start(&["--seed", "0"]);
    let mut unserved = Vec::new();
    let mut asked = 0;
    for file in ["qstash-openapi.yaml", "workflow-openapi.yaml"] {
        let ops = operations(file);
        assert!(ops.len() > 20, "{file}: only {} operations read", ops.len());
        for (method, path) in ops {
            asked += 1;
            let (status, body) = raw(&sb.url, &sb.token, &method, &filled(&path), &[]);
            let fallback = body["error"].as_str() == Some("no such endpoint in the sandbox");
            if status == 405 || fallback {
                unserved.push(format!("{file}: {method} {path} -> {status} {body}"));
            }
        }
    }
    assert!(
        unserved.is_empty(),
        "{} of {asked} spec operations are not served:\n{}",
        unserved.len(),
        unserved.join("\n")
    );
}

#[test]
fn the_check_itself_sees_an_operation_the_sandbox_does_not_serve() {
    if !have_spec() {
        return;
    }
    // The same two signs as above, on requests no spec lists: a method the path lacks, and a
    // path no route has. Without them the check above would pass whatever the sandbox serves.
    let sb = Sandbox::start(&["--seed", "0"]);
    let (status, _) = raw(&sb.url, &sb.token, "PATCH", "/v2/keys", &[]);
    assert_eq!(status, 405);
    let (status, body) = raw(&sb.url, &sb.token, "GET", &filled("/v2/nowhere/{x}"), &[]);
    assert_eq!(
        (status, body["error"].as_str()),
        (404, Some("no such endpoint in the sandbox"))
    );
}

//! Reading explicit ids: arguments, `-` for standard input, or `--ids-from FILE`.
//!
//! Each line holds one id, or one JSON object with a `dlqId` (the NDJSON of `list -o ndjson`
//! and `export`), so listing and acting compose with a pipe. Blank lines and `#` comments are
//! skipped, and duplicates dropped: an id is never acted on twice in one run.

use std::collections::HashSet;
use std::io::BufRead;

/// Reads ids from lines of text; the error names the line that is neither an id nor an entry.
pub fn read_ids(
    reader: impl BufRead,
    source_name: &str,
    into: &mut Vec<String>,
) -> Result<(), String> {
    for (n, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| format!("cannot read {source_name}: {e}"))?;
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if t.starts_with('{') {
            let v: serde_json::Value = serde_json::from_str(t)
                .map_err(|e| format!("{source_name} line {}: not valid JSON ({e})", n + 1))?;
            match v.get("dlqId").and_then(|i| i.as_str()) {
                Some(id) if !id.is_empty() => into.push(id.to_string()),
                _ => {
                    return Err(format!(
                        "{source_name} line {}: a JSON entry without a dlqId",
                        n + 1
                    ))
                }
            }
        } else if t.split_whitespace().count() > 1 {
            return Err(format!(
                "{source_name} line {}: {:?} is not one id (expected one id a line, or NDJSON entries)",
                n + 1,
                crate::text::truncate(t, 60)
            ));
        } else {
            into.push(t.to_string());
        }
    }
    Ok(())
}

/// Drops repeated ids, keeping the first occurrence.
pub fn dedupe(ids: &mut Vec<String>) {
    let mut seen = HashSet::new();
    ids.retain(|id| seen.insert(id.clone()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_ids_and_ndjson_entries() {
        let text = "a\n\n# note\n{\"dlqId\":\"b\",\"url\":\"x\"}\n  c  \na\n";
        let mut ids = Vec::new();
        read_ids(text.as_bytes(), "stdin", &mut ids).unwrap();
        dedupe(&mut ids);
        assert_eq!(ids, ["a", "b", "c"]);
        let err = read_ids("a b\n".as_bytes(), "f", &mut Vec::new()).unwrap_err();
        assert!(err.contains("line 1"));
        assert!(read_ids("{\"x\":1}\n".as_bytes(), "f", &mut Vec::new())
            .unwrap_err()
            .contains("dlqId"));
    }
}

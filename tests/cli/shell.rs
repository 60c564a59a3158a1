//! Just enough of the shell to read the command lines of our documentation (help examples,
//! README code blocks): pipelines, `&&`/`;` sequences, `$(...)`, quotes, redirections and
//! comments, so each `dlq` command can be found with what feeds it and where its output goes.
//!
//! Not a shell: nothing is expanded or globbed; `$HOME` stays a word. A line the reader gets
//! wrong makes the examples test fail loudly, never pass quietly. Also the conventions of our
//! docs: where a line's remark starts, and which stage is a `dlq` command.

/// One command of a pipeline: its words, and the files its stdin and stdout are redirected to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stage {
    pub words: Vec<String>,
    pub stdin_from: Option<String>,
    /// The file and whether it is appended to (`>>`).
    pub stdout_to: Option<(String, bool)>,
}

/// Commands joined by `|`.
pub type Pipeline = Vec<Stage>;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Op(&'static str),
}

/// The pipelines of one line, in order: `&&`, `||`, `;`, `&` and `$(...)` separate them.
pub fn parse(line: &str) -> Vec<Pipeline> {
    let mut out: Vec<Pipeline> = Vec::new();
    let mut pipeline: Pipeline = Vec::new();
    let mut stage = Stage::default();
    let mut toks = lex(line).into_iter().peekable();
    let end_stage = |pipeline: &mut Pipeline, stage: &mut Stage| {
        let s = std::mem::take(stage);
        if !s.words.is_empty() || s.stdout_to.is_some() || s.stdin_from.is_some() {
            pipeline.push(s);
        }
    };
    while let Some(t) = toks.next() {
        match t {
            Tok::Word(w) => stage.words.push(w),
            Tok::Op("|") => end_stage(&mut pipeline, &mut stage),
            Tok::Op(op @ (">" | ">>" | "<" | "2>")) => {
                let Some(Tok::Word(target)) = toks.next() else {
                    continue;
                };
                match op {
                    ">" => stage.stdout_to = Some((target, false)),
                    ">>" => stage.stdout_to = Some((target, true)),
                    "<" => stage.stdin_from = Some(target),
                    _ => {} // stderr to a file: the test keeps it instead
                }
            }
            Tok::Op(_) => {
                end_stage(&mut pipeline, &mut stage);
                if !pipeline.is_empty() {
                    out.push(std::mem::take(&mut pipeline));
                }
            }
        }
    }
    end_stage(&mut pipeline, &mut stage);
    if !pipeline.is_empty() {
        out.push(pipeline);
    }
    out
}

fn lex(line: &str) -> Vec<Tok> {
    // `eval "$(cmd)"`: the quotes only keep the output whole; the command inside is what counts.
    let line = line.replace("\"$(", "$(").replace(")\"", ")");
    let chars: Vec<char> = line.chars().collect();
    let mut toks = Vec::new();
    let mut word: Option<String> = None;
    let mut i = 0;
    let end = |word: &mut Option<String>, toks: &mut Vec<Tok>| {
        if let Some(w) = word.take() {
            toks.push(Tok::Word(w));
        }
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            ' ' | '\t' => end(&mut word, &mut toks),
            // A comment, or a help example's trailing `(remark)`.
            '#' | '(' if word.is_none() => break,
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    w.push(chars[i]);
                    i += 1;
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' && matches!(chars.get(i + 1), Some('"' | '\\' | '$')) {
                        i += 1;
                    }
                    w.push(chars[i]);
                    i += 1;
                }
            }
            '\\' if next.is_some() => {
                word.get_or_insert_with(String::new).push(chars[i + 1]);
                i += 1;
            }
            '$' if next == Some('(') => {
                end(&mut word, &mut toks);
                toks.push(Tok::Op("$("));
                i += 1;
            }
            ')' | ';' => {
                end(&mut word, &mut toks);
                toks.push(Tok::Op(if c == ')' { ")" } else { ";" }));
            }
            '|' | '&' => {
                end(&mut word, &mut toks);
                let double = next == Some(c);
                toks.push(Tok::Op(match (c, double) {
                    ('|', false) => "|",
                    ('|', true) => "||",
                    ('&', false) => "&",
                    _ => "&&",
                }));
                i += usize::from(double);
            }
            '>' => {
                let op = if word.as_deref() == Some("2") {
                    word = None;
                    "2>"
                } else if next == Some('>') {
                    i += 1;
                    ">>"
                } else {
                    ">"
                };
                end(&mut word, &mut toks);
                toks.push(Tok::Op(op));
            }
            '<' => match placeholder_at(&chars[i..]) {
                // `<id>`, `<JOB>`: a placeholder, not a redirection.
                Some(n) => {
                    let w = word.get_or_insert_with(String::new);
                    w.extend(&chars[i..i + n]);
                    i += n - 1;
                }
                None => {
                    end(&mut word, &mut toks);
                    toks.push(Tok::Op("<"));
                }
            },
            _ => word.get_or_insert_with(String::new).push(c),
        }
        i += 1;
    }
    end(&mut word, &mut toks);
    toks
}

/// The length of `<name>` at the start of `chars`, if it is one.
fn placeholder_at(chars: &[char]) -> Option<usize> {
    let close = chars.iter().position(|c| *c == '>')?;
    let name = &chars[1..close];
    let ok = !name.is_empty() && name.iter().all(|c| c.is_ascii_alphanumeric() || *c == '_');
    ok.then_some(close + 1)
}

/// The command of a documentation line, without the remark after it: help examples set their
/// remark off by two or more spaces, the README by `#` (which the shell reader drops too). A
/// wide gap before a redirection or a pipe is still part of the command.
pub fn command_part(line: &str) -> &str {
    let b = line.as_bytes();
    let mut quote = None;
    for i in 0..b.len() {
        match (quote, b[i]) {
            (None, q @ (b'\'' | b'"')) => quote = Some(q),
            (Some(q), c) if c == q => quote = None,
            (None, b' ') if b.get(i + 1) == Some(&b' ') => {
                let rest = line[i..].trim_start();
                if !rest.starts_with(['>', '|', '&', '<']) {
                    return &line[..i];
                }
            }
            _ => {}
        }
    }
    line
}

/// The arguments of a `dlq` stage: `dlq ARGS` or `cargo run [flags] -- ARGS`.
pub fn dlq_args(stage: &Stage) -> Option<Vec<String>> {
    let w = &stage.words;
    match w.first().map(String::as_str) {
        Some("dlq") => Some(w[1..].to_vec()),
        Some("cargo") if w.get(1).map(String::as_str) == Some("run") => {
            let dashes = w.iter().position(|a| a == "--")?;
            Some(w[dashes + 1..].to_vec())
        }
        _ => None,
    }
}

/// The text `printf 'FORMAT'` prints, for the formats the docs use (`\n` only).
pub fn printf_text(stage: &Stage) -> Option<Vec<u8>> {
    match stage.words.as_slice() {
        [p, fmt] if p == "printf" => Some(fmt.replace("\\n", "\n").into_bytes()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &[&str]) -> Vec<String> {
        s.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn pipes_redirections_comments_and_placeholders() {
        let p = parse(r"printf 'id1\nid2\n' | dlq delete - --yes   # ids from stdin");
        assert_eq!(p.len(), 1);
        assert_eq!(p[0][0].words, words(&["printf", r"id1\nid2\n"]));
        assert_eq!(p[0][1].words, words(&["dlq", "delete", "-", "--yes"]));

        let p = parse(r#"dlq completions zsh  > "${fpath[1]}/_dlq""#);
        assert_eq!(p[0][0].words, words(&["dlq", "completions", "zsh"]));
        assert_eq!(p[0][0].stdout_to, Some(("${fpath[1]}/_dlq".into(), false)));

        let p = parse("dlq restart <id> --rate 10 >> log.txt 2> err.txt");
        assert_eq!(
            p[0][0].words,
            words(&["dlq", "restart", "<id>", "--rate", "10"])
        );
        assert_eq!(p[0][0].stdout_to, Some(("log.txt".into(), true)));

        let p = parse("dlq stats --fail-above 0 (CI: exit 6)");
        assert_eq!(p[0][0].words, words(&["dlq", "stats", "--fail-above", "0"]));
    }

    #[test]
    fn remarks_after_a_wide_gap_are_not_part_of_the_command() {
        let help = "dlq sandbox --port 0 --seed 50  a free port, the same 50 entries";
        assert_eq!(command_part(help), "dlq sandbox --port 0 --seed 50");
        let cut = "dlq list -o ids > ids.txt   (then: dlq retry --ids-from ids.txt)";
        assert_eq!(command_part(cut), "dlq list -o ids > ids.txt");
        // A wide gap before a redirection, or inside quotes, is the command's own.
        let wide = r#"dlq completions zsh  > "${fpath[1]}/_dlq""#;
        assert_eq!(command_part(wide), wide);
        let quoted = "printf 'a  b' | dlq delete -";
        assert_eq!(command_part(quoted), quoted);
    }

    #[test]
    fn sequences_and_command_substitution() {
        let p = parse("dlq export --all --output-file x.ndjson && dlq sandbox --fixture x.ndjson");
        assert_eq!(p.len(), 2);
        assert_eq!(p[1][0].words[1], "sandbox");

        let p = parse(r#"eval "$(dlq sandbox --port 0 | head -2 | sed 's/^/export /')""#);
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(p[0][0].words, words(&["eval"]));
        assert_eq!(p[1].len(), 3);
        assert_eq!(p[1][0].words, words(&["dlq", "sandbox", "--port", "0"]));
        assert_eq!(p[1][2].words, words(&["sed", "s/^/export /"]));
    }
}

//! jq programs, run by jaq (jaq-core, jaq-std, jaq-json), with jq's standard library (`del`,
//! `|=`, `map`, `select`, `with_entries`, `ascii_upcase`, `test`, …): republish's `--body-jq`
//! body edit, and the selections `--where` and `stats --by-jq` ([`crate::bulk::content`]).
//!
//! The expression is compiled once and run on every selected body; republish needs exactly one
//! new body per entry, so no output or several outputs are errors, like a runtime error.
//! The body goes to jaq as text and comes back as text ([`super::json`]): what the expression
//! leaves alone keeps its keys' order and its numbers as written, however large or precise.
//!
//! A program sees no environment: jq's `env` and `$ENV` would hand it the process's variables,
//! the QStash token among them, for the plan and the new bodies to show. They are left out of
//! every program compiled here, so an expression naming them is refused with the reason.

use jaq_core::load::{self, Arena, File, Loader};
use jaq_core::{compile, data, Compiler, Ctx, Vars};
use jaq_json::Val;

type Filter = jaq_core::Filter<data::JustLut<Val>>;

/// A compiled `--body-jq` expression.
///
/// Send + Sync: jaq's compiled filter is a table of terms and native function pointers, with
/// no values in it (values are made per run), so one compiled program is shared by all tasks.
pub struct Program {
    filter: Filter,
    /// The flag the program came from, for its errors.
    flag: &'static str,
}

impl std::fmt::Debug for Program {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Program")
    }
}

impl Program {
    /// Compiles `expr`; the error names what is wrong (position/description as jaq reports
    /// it), in one line fit for a CLI error.
    pub fn compile(expr: &str) -> Result<Program, String> {
        Program::compile_with(expr, "--body-jq", &[])
    }

    /// Compiles `expr` for `flag`, with the global variables `globals` (each `$name`), whose
    /// values [`Program::outputs`] takes in the same order.
    pub fn compile_with(
        expr: &str,
        flag: &'static str,
        globals: &[&'static str],
    ) -> Result<Program, String> {
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs())
            .filter(|(name, _, _)| !ENVIRONMENT.contains(name));
        let arena = Arena::default();
        let file = File {
            code: expr,
            path: (),
        };
        let modules = Loader::new(defs)
            .load(&arena, file)
            .map_err(|errs| load_error(expr, errs))?;
        let filter = Compiler::default()
            .with_funs(funs)
            .with_global_vars(globals.iter().copied())
            .compile(modules)
            .map_err(|errs| compile_error(expr, flag, errs))?;
        Ok(Program { filter, flag })
    }

    /// Whether the program selects `input` as jq's `select` would: an output that is neither
    /// `false` nor `null` selects it (the rest are not run); none does not. A runtime error
    /// before such an output is an error. `vars` are the globals' values.
    pub fn selects(&self, input: Val, vars: Vec<Val>) -> Result<bool, String> {
        let ctx = Ctx::<data::JustLut<Val>>::new(&self.filter.lut, Vars::new(vars));
        for out in self.filter.id.run((ctx, input)) {
            if jaq_core::ValT::as_bool(&out.map_err(|e| exception(e, self.flag))?) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The program's first output on `input` (`None`: it had none), compact JSON.
    pub fn first(&self, input: Val, vars: Vec<Val>) -> Result<Option<String>, String> {
        let ctx = Ctx::<data::JustLut<Val>>::new(&self.filter.lut, Vars::new(vars));
        match self.filter.id.run((ctx, input)).next() {
            None => Ok(None),
            Some(out) => super::json::compact(out.map_err(|e| exception(e, self.flag))?).map(Some),
        }
    }

    /// Runs the program on a JSON body: the new body, compact, with what the program left
    /// alone as it was written; or why there is none (as [`Program::run`]).
    pub fn edit(&self, body: &str) -> Result<String, String> {
        let input = super::json::parse(body)?;
        super::json::compact(self.run(input)?)
    }

    /// Runs the program on one JSON value. Exactly one output is required: zero outputs
    /// ("the expression produced no output (e.g. `select` dropped it)") or more than one
    /// ("the expression produced N outputs; republish needs exactly one") is an error, as is a
    /// runtime error (its message as jaq gives it, e.g. "cannot index 5 with \"a\"").
    pub fn run(&self, input: Val) -> Result<Val, String> {
        let ctx = Ctx::<data::JustLut<Val>>::new(&self.filter.lut, Vars::new([]));
        let mut outputs = self.filter.id.run((ctx, input));
        let first = match outputs.next() {
            None => {
                return Err("the expression produced no output (e.g. `select` dropped it)".into())
            }
            Some(out) => out.map_err(|e| exception(e, self.flag))?,
        };
        // Counting the rest runs the expression on (an error there counts too, as jq would
        // report it after the first output), but only so far: `repeat(.)` never ends.
        let mut n = 1;
        for out in outputs.take(MAX_COUNTED) {
            out.map_err(|e| exception(e, self.flag))?;
            n += 1;
        }
        if n > MAX_COUNTED {
            return Err(format!(
                "the expression produced more than {MAX_COUNTED} outputs; republish needs exactly one"
            ));
        }
        if n > 1 {
            return Err(format!(
                "the expression produced {n} outputs; republish needs exactly one"
            ));
        }
        Ok(first)
    }
}

/// What jq offers of the process's environment: no program compiled here has it.
const ENVIRONMENT: [&str; 1] = ["env"];

/// A runtime exception as one line: an error's message (a string error unquoted, as jq prints
/// `error("…")`) cut to [`MAX_MESSAGE`] characters; or `halt`, which must not end our process
/// as jaq's own `unwrap_valr` would.
fn exception(e: jaq_core::Exn<Val>, flag: &str) -> String {
    let message = match e.get_err() {
        Ok(err) => match err.into_val() {
            Val::TStr(s) => String::from_utf8_lossy(&s).into_owned(),
            other => other.to_string(),
        },
        Err(_) => format!("the expression called `halt`, which {flag} does not allow"),
    };
    cut(message)
}

/// How many outputs are counted for the error about more than one.
const MAX_COUNTED: usize = 1_000;

/// The longest runtime error message kept, in characters: jaq puts the offending value in it,
/// and that may be a whole body.
const MAX_MESSAGE: usize = 300;

fn cut(message: String) -> String {
    match message.char_indices().nth(MAX_MESSAGE) {
        Some((end, _)) => format!("{}…", &message[..end]),
        None => message,
    }
}

/// Where `part` (a slice of `code`, as jaq's errors carry them) starts, as "line L, column C"
/// (or just the column for a one-line expression), counted in characters from 1.
fn position(code: &str, part: &str) -> String {
    let start = code.as_ptr() as usize;
    let at = (part.as_ptr() as usize)
        .checked_sub(start)
        .filter(|off| *off <= code.len() && code.is_char_boundary(*off))
        .unwrap_or(code.len());
    let before = &code[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    if code.contains('\n') {
        format!("line {line}, column {column}")
    } else {
        format!("column {column}")
    }
}

/// What jaq found where it failed: the token, or the end of the expression.
fn found(part: &str) -> String {
    match part.chars().next() {
        None => "the end of the expression".into(),
        // A lex error carries the rest of the input: show the start of it, no more.
        Some(_) => {
            let head: String = part.chars().take(12).collect();
            let more = if part.chars().nth(12).is_some() {
                "…"
            } else {
                ""
            };
            format!("{head:?}{more}")
        }
    }
}

fn load_error(code: &str, errs: load::Errors<&str, ()>) -> String {
    let mut lines = Vec::new();
    for (_file, err) in errs {
        match err {
            load::Error::Io(io) => {
                lines.extend(io.into_iter().map(|(path, e)| format!("{path:?}: {e}")));
            }
            load::Error::Lex(lex) => lines.extend(lex.into_iter().map(|(expect, part)| {
                let what = expect.as_str();
                let got = if part.is_empty() {
                    String::new()
                } else {
                    format!(", found {}", found(part))
                };
                format!("expected {what}{got} at {}", position(code, part))
            })),
            load::Error::Parse(parse) => lines.extend(parse.into_iter().map(|(expect, part)| {
                let what = expect.as_str();
                let got = found(part);
                format!("expected {what}, found {got} at {}", position(code, part))
            })),
        }
    }
    one_line(lines)
}

fn compile_error(code: &str, flag: &str, errs: compile::Errors<&str, ()>) -> String {
    let mut lines = Vec::new();
    for (_file, list) in errs {
        for (name, undefined) in list {
            let what = undefined.as_str();
            let arity = match undefined {
                compile::Undefined::Filter(n) => format!("/{n}"),
                _ => String::new(),
            };
            let at = position(code, name);
            if ENVIRONMENT.contains(&name) || name == "$ENV" || name == "ENV" {
                lines.push(format!(
                    "`{name}` at {at} is not available: {flag} programs see no environment \
                     (it holds the QStash token)"
                ));
                continue;
            }
            lines.push(format!("undefined {what} `{name}{arity}` at {at}"));
        }
    }
    one_line(lines)
}

fn one_line(lines: Vec<String>) -> String {
    let text = lines.join("; ");
    if text.is_empty() {
        "invalid jq expression".into()
    } else {
        format!("invalid jq expression: {text}")
    }
}

#[cfg(test)]
mod tests {
    use super::{Program, MAX_COUNTED, MAX_MESSAGE};
    use serde_json::{json, Value};

    fn run(expr: &str, input: Value) -> Result<Value, String> {
        let out = Program::compile(expr)?.edit(&input.to_string())?;
        Ok(serde_json::from_str(&out).unwrap())
    }

    fn edit(expr: &str, body: &str) -> Result<String, String> {
        Program::compile(expr)?.edit(body)
    }

    #[test]
    fn program_is_shared_by_tasks() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<Program>();
    }

    #[test]
    fn sets_a_field_and_keeps_the_rest() {
        let out = run(
            ".url = \"https://new.example/x\"",
            json!({"url": "https://old", "n": 1}),
        );
        assert_eq!(
            out.unwrap(),
            json!({"url": "https://new.example/x", "n": 1})
        );
    }

    #[test]
    fn deletes_a_field() {
        let out = run(
            "del(.secret, .nested.b)",
            json!({"secret": "s", "a": 1, "nested": {"a": 1, "b": 2}}),
        );
        assert_eq!(out.unwrap(), json!({"a": 1, "nested": {"a": 1}}));
    }

    #[test]
    fn updates_in_place() {
        let out = run(
            ".name |= ascii_upcase | .tags |= map(. + \"!\")",
            json!({"name": "ab", "tags": ["x", "y"]}),
        );
        assert_eq!(out.unwrap(), json!({"name": "AB", "tags": ["x!", "y!"]}));
    }

    #[test]
    fn standard_library_functions() {
        let input = json!({"a": 1, "b": "2", "c": null});
        let out = run(
            "with_entries(select(.value != null)) | .a |= tostring | .b |= tonumber | .k = (keys | join(\",\")) | .m = (\"a-b\" | test(\"-\"))",
            input,
        );
        assert_eq!(
            out.unwrap(),
            json!({"a": "1", "b": 2, "k": "a,b", "m": true})
        );
        let out = run("[.[] | select(. > 1)] | length", json!([1, 2, 3])).unwrap();
        assert_eq!(out, json!(2));
    }

    #[test]
    fn invalid_expression_names_what_and_where() {
        let err = Program::compile(".a | (.b").unwrap_err();
        assert!(err.starts_with("invalid jq expression: "), "{err}");
        assert!(err.contains("expected"), "{err}");
        assert!(err.contains("column"), "{err}");
        assert!(!err.contains('\n'), "{err}");
        let err = Program::compile(".a | nosuchfn(1)").unwrap_err();
        assert_eq!(
            err,
            "invalid jq expression: undefined filter `nosuchfn/1` at column 6"
        );
        let err = Program::compile(".a |\n  } | .b").unwrap_err();
        assert_eq!(
            err,
            "invalid jq expression: expected token, found \"} | .b\" at line 2, column 3"
        );
        assert!(!err.contains('\n'), "{err}");
    }

    #[test]
    fn runtime_error_is_jaqs_message() {
        let err = run(".a.b", json!({"a": 5})).unwrap_err();
        // jaq names the value, where jq names its type ("cannot index number with ...").
        assert_eq!(err, "cannot index 5 with \"b\"");
        // A big value in the message is cut, so the error stays a line.
        let long = "x".repeat(1000);
        let err = run(".a.b", json!({"a": [long]})).unwrap_err();
        assert!(err.starts_with("cannot index [\"xxx"), "{err}");
        assert!(
            err.ends_with('…') && err.chars().count() <= MAX_MESSAGE + 1,
            "{err}"
        );
        let err = run("error(\"no such tenant\")", json!({})).unwrap_err();
        assert_eq!(err, "no such tenant");
    }

    #[test]
    fn halt_is_an_error_not_an_exit() {
        // halt_error first: were it to end the process, it would end it with 3, a failure
        // (a plain `halt` would end it with 0, which a test run could take for success).
        let err = run("\"bye\" | halt_error(3)", json!({})).unwrap_err();
        assert_eq!(
            err,
            "the expression called `halt`, which --body-jq does not allow"
        );
        let err = run("halt", json!({})).unwrap_err();
        assert!(err.contains("halt"), "{err}");
    }

    #[test]
    fn zero_outputs_is_an_error() {
        let err = run("select(.keep)", json!({"keep": false})).unwrap_err();
        assert_eq!(
            err,
            "the expression produced no output (e.g. `select` dropped it)"
        );
        let err = run("empty", json!(1)).unwrap_err();
        assert!(err.contains("no output"), "{err}");
    }

    #[test]
    fn two_outputs_is_an_error() {
        let err = run(".a, .b", json!({"a": 1, "b": 2})).unwrap_err();
        assert_eq!(
            err,
            "the expression produced 2 outputs; republish needs exactly one"
        );
        let err = run(".[]", json!([1, 2, 3])).unwrap_err();
        assert!(err.contains("produced 3 outputs"), "{err}");
        // An endless stream is counted only so far, so the run ends.
        let err = run("repeat(.)", json!(1)).unwrap_err();
        assert_eq!(
            err,
            format!("the expression produced more than {MAX_COUNTED} outputs; republish needs exactly one")
        );
    }

    #[test]
    fn numbers_and_key_order_are_kept_as_written() {
        let body =
            r#"{"z":1,"big":123456789012345678901234567890,"f":1.10,"ts":1752829295505,"a":2}"#;
        assert_eq!(edit(".", body).unwrap(), body);
        assert_eq!(
            edit(".ts += 1 | .n = 3", body).unwrap(),
            r#"{"z":1,"big":123456789012345678901234567890,"f":1.10,"ts":1752829295506,"a":2,"n":3}"#
        );
        // Integer arithmetic stays integral and exact, past u64 too.
        assert_eq!(
            edit(".max + 1", r#"{"max":18446744073709551615}"#).unwrap(),
            "18446744073709551616"
        );
        assert_eq!(
            edit(".big * 10", r#"{"big":123456789012345678901234567890}"#).unwrap(),
            "1234567890123456789012345678900"
        );
    }

    #[test]
    fn the_environment_is_not_there() {
        for expr in ["{leak: env.QSTASH_TOKEN}", "$ENV.QSTASH_TOKEN", "env"] {
            let err = Program::compile(expr).unwrap_err();
            assert!(
                err.contains("not available: --body-jq programs see no environment"),
                "{expr}: {err}"
            );
        }
        // A definition of the user's own by that name is theirs.
        assert_eq!(edit("def env: 1; env", "{}").unwrap(), "1");
    }

    #[test]
    fn unicode_strings() {
        let out = run(
            ".s |= . + \" ✓\" | .n = (.s | length)",
            json!({"s": "héllo 🌍 日本"}),
        )
        .unwrap();
        assert_eq!(out, json!({"s": "héllo 🌍 日本 ✓", "n": 12}));
        let out = run(".[\"clé\"]", json!({"clé": "valeur ü"})).unwrap();
        assert_eq!(out, json!("valeur ü"));
    }

    #[test]
    fn non_string_keys_are_refused() {
        let err = run("{(1): 2}", json!(null)).unwrap_err();
        assert!(err.contains("not a string"), "{err}");
    }
}

//! JSON bodies as text kept exact, for `--body-jq` and the plan's diff: read into jaq's values,
//! which keep an object's keys in the order written and a number as written (integers of any
//! size exactly, a decimal as its text), and written back compact or pretty. Going through
//! `serde_json` here would sort keys and turn `123456789012345678901234567890` into a float.

use jaq_json::write::{write, Pp};
use jaq_json::{Map, Num, Val};

/// `text` as a jaq value, when it is strict JSON (no comments, `NaN` or byte strings, which
/// jaq's reader also takes); the error says why not.
pub fn parse(text: &str) -> Result<Val, String> {
    serde_json::from_str::<serde::de::IgnoredAny>(text).map_err(|e| e.to_string())?;
    jaq_json::read::parse_single(text.as_bytes()).map_err(|e| e.to_string())
}

/// `v` as compact JSON text; an object key that is not a string is an error.
pub fn compact(v: Val) -> Result<String, String> {
    Ok(written(&json_only(v)?, &Pp::default()))
}

/// `text` pretty-printed (two spaces, `"key": value`), its keys and numbers as written; `None`
/// when it is not JSON.
pub fn pretty(text: &str) -> Option<String> {
    let pp = Pp {
        indent: Some("  ".to_string()),
        sep_space: true,
        ..Pp::default()
    };
    Some(written(&json_only(parse(text).ok()?).ok()?, &pp))
}

fn written(v: &Val, pp: &Pp) -> String {
    let mut out = Vec::new();
    write(&mut out, pp, 0, v).expect("writing to memory succeeds");
    String::from_utf8(out).expect("json_only leaves only UTF-8 text")
}

/// `v` with what JSON cannot hold made JSON as jq prints it: a byte string or text that is not
/// UTF-8 as text (invalid bytes replaced), NaN as null, an infinity as the largest finite
/// number. An object key that is not a string has no JSON form: an error.
fn json_only(v: Val) -> Result<Val, String> {
    Ok(match v {
        Val::TStr(s) | Val::BStr(s) => match std::str::from_utf8(&s) {
            Ok(_) => Val::TStr(s),
            Err(_) => Val::utf8_str(String::from_utf8_lossy(&s).into_owned().into_bytes()),
        },
        Val::Num(Num::Float(f)) if f.is_nan() => Val::Null,
        Val::Num(Num::Float(f)) if f.is_infinite() => Val::Num(Num::Float(f64::MAX.copysign(f))),
        Val::Arr(a) => a
            .iter()
            .cloned()
            .map(json_only)
            .collect::<Result<Val, _>>()?,
        Val::Obj(o) => {
            let mut map = Map::default();
            for (k, v) in o.iter() {
                if !matches!(k, Val::TStr(_) | Val::BStr(_)) {
                    return Err(format!(
                        "the result has an object key that is not a string ({k}); JSON needs \
                         string keys"
                    ));
                }
                map.insert(json_only(k.clone())?, json_only(v.clone())?);
            }
            Val::obj(map)
        }
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(text: &str) -> String {
        compact(parse(text).unwrap()).unwrap()
    }

    #[test]
    fn numbers_and_key_order_come_back_as_written() {
        let text = r#"{"z":1,"a":123456789012345678901234567890,"m":[1.10,1e400,-5,0.1]}"#;
        assert_eq!(round(text), text);
        assert_eq!(
            round(" {\"b\" : \"é\\n\" , \"a\":null} "),
            "{\"b\":\"é\\n\",\"a\":null}"
        );
    }

    #[test]
    fn only_strict_json_is_read() {
        for bad in ["NaN", "{\"a\":1} # c", "b\"x\"", "+1", "{} {}", ""] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn pretty_is_two_spaces_with_keys_as_written() {
        assert_eq!(
            pretty(r#"{"b":[1,{"d":null}],"a":"é","c":{},"n":100000000000000000000001}"#).unwrap(),
            "{\n  \"b\": [\n    1,\n    {\n      \"d\": null\n    }\n  ],\n  \"a\": \"é\",\n  \"c\": {},\n  \"n\": 100000000000000000000001\n}"
        );
        assert_eq!(pretty("n=1"), None);
    }

    #[test]
    fn what_json_cannot_hold_is_made_json_or_refused() {
        let nan = Val::Num(Num::Float(f64::NAN));
        assert_eq!(compact(nan).unwrap(), "null");
        let inf = Val::Num(Num::Float(f64::NEG_INFINITY));
        assert_eq!(compact(inf).unwrap(), "-1.7976931348623157e308");
        let mut m = Map::default();
        m.insert(Val::Num(Num::Int(1)), Val::Null);
        assert!(compact(Val::obj(m)).unwrap_err().contains("not a string"));
    }
}

//! Signing keys and signed deliveries: what a real endpoint receives from the sandbox carries an
//! `Upstash-Signature` that the official `Receiver`s (TypeScript and Python) accept with the
//! keys `GET /v2/keys` gives, and refuse for another body, another URL, or keys two rotations
//! old; keys survive a restart of the state and follow the token on a fresh one; a GET on the
//! rotate path (listed by OAW by mistake) rotates nothing.

use std::time::Duration;

use serde_json::{json, Value};

use crate::common::{raw_body, wait_for, Sandbox};
use crate::hostile::{Hostile, Reply, Request};
use crate::sdk::{have_sdk, node};
use crate::sdk_python::{have_py_sdk, run};

fn keys(sb: &Sandbox, method: &str, path: &str) -> Value {
    let (s, v) = sb.http(method, path);
    assert_eq!(s, 200, "{v}");
    assert!(v["current"].as_str().unwrap().starts_with("sig_"), "{v}");
    v
}

/// Publishes `body` to `url` and returns the request the endpoint got (the `n`th).
fn delivered(
    sb: &Sandbox,
    hook: &Hostile,
    url: &str,
    body: &str,
    n: usize,
    headers: &[(&str, &str)],
) -> Request {
    let path = format!("/v2/publish/{url}");
    let mut h = vec![("Upstash-Retries", "0")];
    h.extend_from_slice(headers);
    let (s, v) = raw_body(&sb.url, &sb.token, "POST", &path, &h, Some(&json!(body)));
    assert_eq!(s, 200, "{v}");
    wait_for("the delivery", 30, || hook.requests().get(n).cloned())
}

/// A check for a `Receiver`: these keys, this signature, this body, this URL.
fn case(keys: &Value, r: &Request, body: Option<&str>, url: &str) -> Value {
    let sig = r
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("upstash-signature"))
        .map(|(_, v)| v.clone())
        .expect("a signed delivery");
    let got = String::from_utf8(r.body.clone()).unwrap();
    json!({ "current": keys["current"], "next": keys["next"], "signature": sig,
            "body": body.map_or(got, str::to_string), "url": url })
}

const TS: &str = r#"
import { Receiver } from "@upstash/qstash";
const out = [];
for (const k of JSON.parse(process.env.CASES)) {
  const r = new Receiver({ currentSigningKey: k.current, nextSigningKey: k.next });
  try { out.push(await r.verify({ signature: k.signature, body: k.body, url: k.url })); }
  catch (e) { out.push(false); }
}
console.log(JSON.stringify(out));
"#;

const PY: &str = r#"
from qstash import Receiver
out = []
for k in json.loads(os.environ['CASES']):
    try:
        Receiver(k['current'], k['next']).verify(signature=k['signature'], body=k['body'], url=k['url'])
        out.append(True)
    except Exception:
        out.append(False)
print(json.dumps(out))
"#;

#[test]
fn the_official_receivers_accept_deliveries_with_the_keys_and_refuse_after_two_rotations() {
    let (ts, py) = (have_sdk(), have_py_sdk());
    if !ts && !py {
        return;
    }
    let hook = Hostile::start(|_, _| Reply::json(200, "{}"));
    let sb = Sandbox::start(&["--seed", "0"]);
    let url = format!("{}/signed", hook.url);
    let first = keys(&sb, "GET", "/v2/keys");
    let one = delivered(&sb, &hook, &url, "first", 0, &[]);
    let rotated = keys(&sb, "POST", "/v2/keys/rotate");
    assert_eq!(rotated["current"], first["next"], "next becomes current");
    assert!(rotated["next"] != first["current"] && rotated["next"] != first["next"]);
    assert_eq!(keys(&sb, "GET", "/v2/keys"), rotated);
    let two = delivered(&sb, &hook, &url, "second", 1, &[]);
    let twice = keys(&sb, "POST", "/v2/keys/rotate");
    let three = delivered(&sb, &hook, &url, "third", 2, &[]);
    // A workflow run's call to its app is a delivery too, signed the same way.
    let wf_url = format!("{}/workflow", hook.url);
    let wf = delivered(
        &sb,
        &hook,
        &wf_url,
        "start",
        3,
        &[
            ("Upstash-Workflow-RunId", "wfr_signed"),
            ("Upstash-Workflow-Init", "true"),
        ],
    );
    let cases = json!([
        case(&first, &one, None, &url),
        case(&first, &one, Some("tampered"), &url),
        case(&first, &one, None, "http://127.0.0.1:1/elsewhere"),
        case(&first, &two, None, &url),
        case(&first, &three, None, &url),
        case(&twice, &three, None, &url),
        case(&twice, &wf, None, &wf_url),
    ]);
    let expected = json!([true, false, false, true, false, true, true]);
    if ts {
        let out = node(
            TS,
            &[("CASES", &cases.to_string())],
            Duration::from_secs(60),
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got: Value = serde_json::from_str(stdout.trim()).unwrap();
        assert_eq!(got, expected, "TypeScript Receiver");
    }
    if py {
        let got = run(&sb, PY, &[("CASES", &cases.to_string())]);
        assert_eq!(got, expected, "Python Receiver");
        // The Python SDK reads and rotates the keys too (the TypeScript one has no such call).
        let got = run(
            &sb,
            "k = c.signing_key.get()\nr = c.signing_key.rotate()\n\
             print(json.dumps([k.current, k.next, r.current, r.next]))",
            &[],
        );
        let now = keys(&sb, "GET", "/v2/keys");
        assert_eq!(
            got,
            json!([twice["current"], twice["next"], now["current"], now["next"]])
        );
        assert_eq!(now["current"], twice["next"]);
    }
}

#[test]
fn keys_survive_a_restart_and_follow_the_token_on_a_fresh_state() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let state = state.to_str().unwrap();
    let args = ["--seed", "0", "--token", "tok-keys", "--state", state];
    let sb = Sandbox::start(&args);
    let first = keys(&sb, "GET", "/v2/keys");
    let rotated = keys(&sb, "POST", "/v2/keys/rotate");
    drop(sb);
    let sb = Sandbox::start(&args);
    assert_eq!(keys(&sb, "GET", "/v2/keys"), rotated, "kept with the state");
    drop(sb);
    let fresh = Sandbox::start(&["--seed", "0", "--token", "tok-keys"]);
    assert_eq!(
        keys(&fresh, "GET", "/v2/keys"),
        first,
        "the same token, the same keys"
    );
    let other = Sandbox::start(&["--seed", "0", "--token", "another"]);
    assert_ne!(keys(&other, "GET", "/v2/keys")["current"], first["current"]);
}

#[test]
fn get_on_the_rotate_path_is_a_404_and_rotates_nothing() {
    // OAW lists GET /v2/keys/rotate as "Get Flow Control Key" (a copy of that operation, with
    // a path parameter the path lacks): the sandbox gives that operation's 404, keys untouched.
    let sb = Sandbox::start(&["--seed", "0"]);
    let before = keys(&sb, "GET", "/v2/keys");
    let (status, body) = sb.http("GET", "/v2/keys/rotate");
    assert_eq!(status, 404, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("/v2/flowControl/"),
        "{body}"
    );
    assert_eq!(keys(&sb, "GET", "/v2/keys"), before);
}

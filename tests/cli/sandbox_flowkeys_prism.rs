//! Flow-control keys, `/v2/globalParallelism` and the signing keys held by the official OpenAPI
//! through Prism, both specs: every call answered as the spec says, and what it changed seen
//! after. A file of its own: a clone without `../shared` skips every test here.

use serde_json::json;

use crate::common::{raw, Sandbox};
use crate::prism::{have_spec, Prism};
use crate::sandbox_flowkeys::{key, publish};

#[test]
fn flow_control_global_parallelism_and_signing_keys_have_no_violations() {
    if !have_spec() {
        return;
    }
    let sb = Sandbox::start(&["--seed", "0"]);
    publish(
        &sb,
        "https://example.com/hook",
        &[
            ("Upstash-Flow-Control-Key", "fc-prism"),
            (
                "Upstash-Flow-Control-Value",
                "parallelism=2, rate=3, period=1h30m3s",
            ),
        ],
    );
    let (_, v) = key(&sb, "fc-prism");
    assert_eq!(v["ratePeriod"], 5403, "a Go-style period, in seconds: {v}");
    for spec in ["qstash-openapi.yaml", "workflow-openapi.yaml"] {
        let prism = Prism::proxy(spec, &sb.url);
        let call = |method: &str, path: &str| raw(&prism.url, &sb.token, method, path, &[]);
        let (s, v) = call("GET", "/v2/flowControl");
        assert_eq!(
            (s, &v[0]["flowControlKey"]),
            (200, &json!("fc-prism")),
            "{v}"
        );
        let (s, v) = call("GET", "/v2/flowControl/fc-prism");
        assert_eq!((s, &v["flowControlKey"]), (200, &json!("fc-prism")), "{v}");
        let (s, v) = call("GET", "/v2/flowControl/nope");
        assert_eq!(s, 404, "{v}");
        for path in [
            "/v2/flowControl/fc-prism/pause",
            "/v2/flowControl/fc-prism/resume",
            "/v2/flowControl/fc-prism/pin?parallelism=4&rate=8&period=60",
            "/v2/flowControl/fc-prism/unpin?parallelism=true&rate=false",
            "/v2/flowControl/fc-prism/resetRate",
        ] {
            let (s, v) = call("POST", path);
            assert_eq!(s, 200, "{path}: {v}");
        }
        let (s, v) = call("POST", "/v2/flowControl/fc-prism/pin?rate=0");
        assert_eq!(s, 400, "{v}");
        let (s, v) = call("GET", "/v2/globalParallelism");
        assert_eq!((s, &v["parallelismCount"]), (200, &json!(0)), "{v}");
        let (s, before) = call("GET", "/v2/keys");
        assert_eq!(s, 200, "{before}");
        let (s, after) = call("POST", "/v2/keys/rotate");
        assert_eq!((s, &after["current"]), (200, &before["next"]), "{after}");
        assert!(
            prism.violations().is_empty(),
            "{spec}: {:?}",
            prism.violations()
        );
    }
    let (_, v) = key(&sb, "fc-prism");
    assert_eq!(
        (
            &v["parallelismMax"],
            &v["isPinnedParallelism"],
            &v["isPinnedRate"]
        ),
        (&json!(4), &json!(false), &json!(true)),
        "{v}"
    );
}

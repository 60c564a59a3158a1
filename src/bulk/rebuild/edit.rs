//! What `dlq republish` changes, and the new message it makes of one DLQ entry: the entry's
//! destination, method, forwarded headers, body and settings, with the user's edits on top.
//!
//! An entry that cannot be republished as asked (no rewrite rule matches its URL, a body that
//! is not JSON for `--body-jq`, an expression that fails, a workflow step) is refused with the
//! reason, in the plan, before anything is sent.

use serde::Serialize;

use super::limited::{Limited, TooLong};
use super::rewrite::{host_of, Rule};
use crate::api::{check_header, Destination, Entry, Outgoing, Overrides};
use crate::bulk::republish::{dedup_id, Built};

/// Where the new messages go.
#[derive(Debug, Clone, Default)]
pub enum To {
    /// Where each entry was going.
    #[default]
    Same,
    /// One URL for all (`--to-url`).
    Url(String),
    /// Origin or path rewrites, the first match wins (`--rewrite-url FROM=TO`).
    Rewrite(Vec<Rule>),
    /// A URL group (`--to-url-group`).
    Group(String),
}

/// What happens to the body.
#[derive(Default)]
pub enum Body {
    #[default]
    Same,
    /// `--body-jq`: a jq program over the JSON body, each run under a time limit.
    Jq(Limited),
    /// `--body-file`: these bytes.
    Replace(Vec<u8>),
}

/// Everything `dlq republish` was asked to change.
#[derive(Default)]
pub struct Edits {
    pub to: To,
    /// `--to-queue`: enqueue there; otherwise an entry that came through a queue goes back
    /// through it, and any other is published directly.
    pub queue: Option<String>,
    /// `--header NAME: VALUE`, set in this order (replacing any header of that name).
    pub set_headers: Vec<(String, String)>,
    /// `--drop-header NAME`.
    pub drop_headers: Vec<String>,
    pub body: Body,
    /// The settings flags; those not given keep the entry's.
    pub config: Overrides,
    /// Why building stopped for every entry: a `--body-jq` run that never ended.
    pub stopped: std::sync::Mutex<Option<String>>,
    /// Not a change, how they are sent: messages per `POST /v2/batch` (`--batch-size`; the
    /// service's 100 when not given). Also given to `--continue`.
    pub batch: Option<usize>,
}

/// One entry's change as the plan and `--dry-run` show it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    pub dlq_id: String,
    /// Where the entry was going.
    pub from: String,
    /// Where its new message goes; empty when refused.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub to: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub set_headers: Vec<(String, String)>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dropped_headers: Vec<String>,
    /// The body before and after, when it changed (text, or base64 for bytes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_before: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_after: Option<String>,
    /// The settings sent, when any differ from the entry's.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub settings: Vec<(String, String)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

/// The plan's line an entry counts under: from where to where, and for a rewrite rule the host
/// of the entry's URL it matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub old: String,
    pub new: String,
    pub host: Option<String>,
}

impl Edits {
    /// Whether anything would change: without an edit, `dlq retry` does the same in one call.
    pub fn is_empty(&self) -> bool {
        matches!(self.to, To::Same)
            && self.queue.is_none()
            && self.set_headers.is_empty()
            && self.drop_headers.is_empty()
            && matches!(self.body, Body::Same)
            && self.config == Overrides::default()
    }

    /// The URL group every message goes to, if one does.
    pub fn url_group(&self) -> Option<&str> {
        match &self.to {
            To::Group(g) => Some(g),
            _ => None,
        }
    }

    /// Why no entry can be built any more, once a `--body-jq` run never ended.
    pub fn stopped(&self) -> Option<String> {
        self.stopped.lock().unwrap().clone()
    }

    /// The new message of `e`, or why there is none.
    pub fn build(&self, e: &Entry) -> Built {
        match self.message(e) {
            Ok(m) => Built::Message(Box::new(m)),
            Err(why) => Built::Refused(why),
        }
    }

    fn message(&self, e: &Entry) -> Result<Outgoing, String> {
        if e.workflow_run_id.is_some() {
            return Err("a workflow run's step: resume or restart the run instead".into());
        }
        let destination = self.destination(e)?.checked()?;
        let mut headers: Vec<(String, String)> = Vec::new();
        for (k, vs) in e.header.iter().flatten() {
            if self.dropped(k)
                || self
                    .set_headers
                    .iter()
                    .any(|(s, _)| s.eq_ignore_ascii_case(k))
            {
                continue;
            }
            // Forwarded as one header, as the service joins repeated values.
            headers.push((k.clone(), vs.join(", ")));
        }
        headers.extend(self.set_headers.iter().cloned());
        for (k, v) in &headers {
            check_header(k, v)?;
        }
        let mut m = Outgoing {
            destination,
            headers,
            body: None,
            body_base64: None,
            deduplication_id: dedup_id(&e.dlq_id),
            config: settings(e, &self.config),
        };
        m.set_body(self.body(e)?);
        Ok(m)
    }

    fn dropped(&self, name: &str) -> bool {
        self.drop_headers
            .iter()
            .any(|d| d.eq_ignore_ascii_case(name))
    }

    fn destination(&self, e: &Entry) -> Result<Destination, String> {
        let url = e.url.as_deref().filter(|u| !u.is_empty());
        let (to, group) = match &self.to {
            To::Same => match url {
                Some(u) => (u.to_string(), false),
                None => return Err("the entry has no URL to send to: give --to-url".into()),
            },
            To::Url(u) => (u.clone(), false),
            To::Group(g) => (g.clone(), true),
            To::Rewrite(rules) => {
                let Some(u) = url else {
                    return Err("the entry has no URL to rewrite: give --to-url".into());
                };
                match rules.iter().find_map(|r| r.apply(u)) {
                    Some(new) => (new, false),
                    None => return Err(format!("no --rewrite-url rule matches {u}")),
                }
            }
        };
        Ok(Destination {
            to,
            group,
            queue: self.queue.clone().or_else(|| e.queue_name.clone()),
        })
    }

    fn body(&self, e: &Entry) -> Result<Vec<u8>, String> {
        match &self.body {
            Body::Same => Ok(entry_body(e)),
            Body::Replace(b) => Ok(b.clone()),
            Body::Jq(p) => {
                let Some(text) = &e.body else {
                    return Err("--body-jq needs a JSON body; this one is binary".into());
                };
                super::json::parse(text).map_err(|err| {
                    format!("--body-jq needs a JSON body; this one is not ({err})")
                })?;
                let out = match p.run(text.clone()) {
                    Ok(out) => out.map_err(|err| format!("--body-jq failed: {err}"))?,
                    Err(TooLong(limit)) => {
                        let why = format!(
                            "--body-jq ran longer than {}s on entry {} (an expression that \
                             never ends?)",
                            limit.as_secs(),
                            e.dlq_id
                        );
                        *self.stopped.lock().unwrap() = Some(why.clone());
                        return Err(why);
                    }
                };
                Ok(out.into_bytes())
            }
        }
    }

    /// The plan's old -> new destination line `e` counts under: a rewrite counts by its
    /// rule (`http://old.example… -> https://new.example/v2…`) with the host it matched,
    /// anything else by URL.
    pub fn move_of(&self, e: &Entry, m: &Outgoing) -> Move {
        let url = e.url.clone().unwrap_or_default();
        let via = |to: String, queue: &Option<String>| match queue {
            Some(q) => format!("{to} (queue {q})"),
            None => to,
        };
        if let To::Rewrite(rules) = &self.to {
            if let Some(r) = rules.iter().find(|r| r.from.remainder(&url).is_some()) {
                return Move {
                    old: via(format!("{}…", r.shown_from), &e.queue_name),
                    new: via(format!("{}…", r.shown_to), &m.destination.queue),
                    host: host_of(&url),
                };
            }
        }
        Move {
            old: via(url, &e.queue_name),
            new: m.destination.describe(),
            host: None,
        }
    }

    /// How the plan and `--dry-run` show `e` becoming `built`.
    pub fn change(&self, e: &Entry, built: &Built) -> Change {
        let from = Destination {
            to: e.url.clone().unwrap_or_default(),
            group: false,
            queue: e.queue_name.clone(),
        }
        .describe();
        let mut c = Change {
            dlq_id: e.dlq_id.clone(),
            from,
            to: String::new(),
            set_headers: Vec::new(),
            dropped_headers: Vec::new(),
            body_before: None,
            body_after: None,
            settings: Vec::new(),
            refused: None,
        };
        let m = match built {
            Built::Refused(why) => {
                c.refused = Some(why.clone());
                return c;
            }
            Built::Message(m) => m,
        };
        c.to = m.destination.describe();
        c.set_headers = self.set_headers.clone();
        c.dropped_headers = e
            .header
            .iter()
            .flatten()
            .map(|(k, _)| k.clone())
            .filter(|k| self.dropped(k))
            .collect();
        let before = entry_body(e);
        if before != m.body_bytes() {
            c.body_before = Some(shown(&before));
            c.body_after = Some(shown(&m.body_bytes()));
        }
        let was = settings(e, &Overrides::default()).headers();
        c.settings = m
            .config
            .headers()
            .into_iter()
            .filter(|h| !was.contains(h))
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        c
    }
}

/// The entry's body as bytes.
fn entry_body(e: &Entry) -> Vec<u8> {
    let m = Outgoing {
        destination: Destination {
            to: String::new(),
            group: false,
            queue: None,
        },
        headers: Vec::new(),
        body: e.body.clone(),
        body_base64: e.body_base64.clone(),
        deduplication_id: String::new(),
        config: Overrides::default(),
    };
    m.body_bytes()
}

fn shown(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(t) => t.to_string(),
        Err(_) => {
            use base64::Engine as _;
            format!(
                "base64:{}",
                base64::engine::general_purpose::STANDARD.encode(b)
            )
        }
    }
}

/// The settings of the new message: the entry's, with each flag given in its place.
fn settings(e: &Entry, given: &Overrides) -> Overrides {
    let labels = e.all_labels();
    let flow_given = given.flow_control_key.is_some();
    let pick = |g: Option<u32>, was: Option<i64>| {
        if flow_given {
            g
        } else {
            g.or(was.and_then(|n| u32::try_from(n).ok()))
        }
    };
    Overrides {
        retries: given
            .retries
            .or(e.max_retries.and_then(|n| u32::try_from(n).ok())),
        delay: given.delay.clone(),
        retry_delay: given
            .retry_delay
            .clone()
            .or(e.retry_delay_expression.clone()),
        flow_control_key: given
            .flow_control_key
            .clone()
            .or(e.flow_control_key.clone()),
        parallelism: pick(given.parallelism, e.parallelism),
        rate: pick(given.rate, e.rate),
        period: given.period.clone().or(if flow_given {
            None
        } else {
            e.period.map(|s| format!("{s}s"))
        }),
        labels: given
            .labels
            .clone()
            .or((!labels.is_empty()).then(|| labels.join(","))),
        failure_callback: given
            .failure_callback
            .clone()
            .or(e.failure_callback.clone()),
        callback: given.callback.clone().or(e.callback.clone()),
        timeout: given.timeout.clone(),
        method: given.method.clone().or(e.method.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Headers;

    fn entry(url: &str, body: &str) -> Entry {
        let mut header = Headers::new();
        header.insert("Content-Type".into(), vec!["application/json".into()]);
        header.insert("X-Old".into(), vec!["a".into(), "b".into()]);
        Entry {
            dlq_id: "1-0".into(),
            url: Some(url.into()),
            method: Some("PUT".into()),
            header: Some(header),
            body: Some(body.into()),
            max_retries: Some(2),
            labels: Some(vec!["x".into(), "y".into()]),
            callback: Some("https://cb.example/".into()),
            flow_control_key: Some("k".into()),
            parallelism: Some(3),
            period: Some(60),
            ..Entry::default()
        }
    }

    fn message(edits: &Edits, e: &Entry) -> Outgoing {
        match edits.build(e) {
            Built::Message(m) => *m,
            Built::Refused(why) => panic!("refused: {why}"),
        }
    }

    fn refused(edits: &Edits, e: &Entry) -> String {
        match edits.build(e) {
            Built::Refused(why) => why,
            Built::Message(m) => panic!("built: {m:?}"),
        }
    }

    #[test]
    fn the_entry_is_kept_but_for_what_was_asked() {
        let edits = Edits {
            set_headers: vec![
                ("x-old".into(), "new".into()),
                ("X-Tenant".into(), "7".into()),
            ],
            config: Overrides {
                retries: Some(0),
                ..Overrides::default()
            },
            ..Edits::default()
        };
        let m = message(&edits, &entry("https://a.example/a%2Fb?x=%41", "{}"));
        assert_eq!(
            m.destination.to, "https://a.example/a%2Fb?x=%41",
            "where the entry went, byte for byte"
        );
        assert_eq!(m.deduplication_id, "dlq-republish-1-0");
        assert_eq!(
            m.headers,
            [
                ("Content-Type".to_string(), "application/json".to_string()),
                ("x-old".into(), "new".into()),
                ("X-Tenant".into(), "7".into())
            ]
        );
        let c = &m.config;
        assert_eq!((c.retries, c.method.as_deref()), (Some(0), Some("PUT")));
        assert_eq!(c.labels.as_deref(), Some("x,y"));
        assert_eq!(c.callback.as_deref(), Some("https://cb.example/"));
        assert_eq!((c.parallelism, c.period.as_deref()), (Some(3), Some("60s")));
    }

    #[test]
    fn the_first_matching_rule_rewrites_and_no_match_is_refused() {
        let edits = Edits {
            to: To::Rewrite(vec![
                Rule::parse("https://a.example/v1=https://b.example/v2").unwrap(),
                Rule::parse("https://a.example=https://c.example").unwrap(),
            ]),
            drop_headers: vec!["x-OLD".into()],
            ..Edits::default()
        };
        let m = message(&edits, &entry("https://a.example/v1/hook?t=1", "{}"));
        assert_eq!(m.destination.to, "https://b.example/v2/hook?t=1");
        let m = message(&edits, &entry("https://A.example:443/v10/%2F?t=%41", "{}"));
        assert_eq!(m.destination.to, "https://c.example/v10/%2F?t=%41");
        let why = refused(&edits, &entry("https://a.example.evil.net/v1/hook", "{}"));
        assert!(why.contains("no --rewrite-url rule matches"), "{why}");
        assert!(m.headers.iter().all(|(k, _)| k != "X-Old"), "dropped");
        let m = message(&edits, &entry("https://a.example/other", "{}"));
        assert_eq!(m.destination.to, "https://c.example/other");
        let why = refused(&edits, &entry("https://z.example/", "{}"));
        assert!(why.contains("no --rewrite-url rule matches"), "{why}");
    }

    #[test]
    fn a_body_edit_needs_json_and_workflow_steps_are_not_messages() {
        let program = super::super::jq::Program::compile(".n += 1").unwrap();
        let edits = Edits {
            body: Body::Jq(Limited::new(program, std::time::Duration::from_secs(5))),
            ..Edits::default()
        };
        let m = message(&edits, &entry("https://a.example/", r#"{"n":1}"#));
        assert_eq!(m.body.as_deref(), Some(r#"{"n":2}"#));
        let why = refused(&edits, &entry("https://a.example/", "n=1"));
        assert!(why.contains("needs a JSON body"), "{why}");
        let mut step = entry("https://a.example/", "{}");
        step.workflow_run_id = Some("wfr_1".into());
        assert!(refused(&Edits::default(), &step).contains("resume or restart"));
        let replaced = Edits {
            body: Body::Replace(vec![0xff, 0x01]),
            ..Edits::default()
        };
        let m = message(&replaced, &entry("https://a.example/", "{}"));
        assert_eq!(m.body_bytes(), vec![0xff, 0x01]);
    }
}

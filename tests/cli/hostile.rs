//! A small hostile HTTP server: every request is answered by a closure, with whatever bytes it
//! likes (a redirect, a body that is not JSON, a huge Content-Length, a stalled or dropped
//! connection). Every request is recorded, so tests can count what `dlq` sent and see that
//! nothing went anywhere else.
//!
//! One connection carries one exchange (`Connection: close`): request counts are then exact,
//! and a stalled reply holds only its own connection.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use assert_cmd::Command;

/// One request as the server read it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path and query as sent: `/v2/dlq?count=100`.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The path without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// The value of query parameter `name`, if present (not percent-decoded).
    pub fn query(&self, name: &str) -> Option<&str> {
        let q = self.target.split_once('?')?.1;
        q.split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
    }

    /// Every value of query parameter `name`, in order.
    pub fn query_all(&self, name: &str) -> Vec<String> {
        let Some((_, q)) = self.target.split_once('?') else {
            return Vec::new();
        };
        q.split('&')
            .filter_map(|kv| kv.split_once('='))
            .filter(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
            .collect()
    }

    /// `"GET /v2/dlq"`: method and path, for assertions on what was sent.
    pub fn line(&self) -> String {
        format!("{} {}", self.method, self.path())
    }
}

/// How the server answers one request.
pub enum Reply {
    /// These bytes as they are (status line, headers, body), then the connection closes. Say
    /// `connection: close` in them: the server reads one request per connection.
    Raw(Vec<u8>),
    /// A status line and headers that promise `declared` body bytes, `sent` of them, then the
    /// connection stays open, silent, until the server is dropped.
    Stall { head: String, sent: Vec<u8> },
    /// The connection is closed without a byte of answer.
    Drop,
}

impl Reply {
    /// A complete reply with a body and a content type.
    pub fn with(status: u16, content_type: &str, extra: &[(&str, &str)], body: &[u8]) -> Reply {
        let mut head = format!(
            "HTTP/1.1 {status} {}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\
             connection: close\r\n",
            reason(status),
            body.len()
        );
        for (k, v) in extra {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body);
        Reply::Raw(bytes)
    }

    /// A JSON reply.
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::with(status, "application/json", &[], body.as_bytes())
    }

    /// A JSON value as a 200 reply.
    pub fn ok(v: serde_json::Value) -> Reply {
        Reply::json(200, &v.to_string())
    }

    /// A redirect to `location`.
    pub fn redirect(status: u16, location: &str) -> Reply {
        Reply::with(status, "text/plain", &[("location", location)], b"moved")
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        302 => "Found",
        307 => "Temporary Redirect",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        _ => "Whatever",
    }
}

type Handler = dyn Fn(&Request, usize) -> Reply + Send + Sync;

/// The server; stops (and releases stalled connections) on drop.
pub struct Hostile {
    pub port: u16,
    pub url: String,
    log: Arc<Mutex<Vec<Request>>>,
    stop: Arc<(Mutex<bool>, Condvar)>,
    stopping: Arc<AtomicBool>,
}

impl Hostile {
    /// Starts a server on 127.0.0.1:0 answering each request with `handler(request, n)`, where
    /// `n` counts the requests before this one.
    pub fn start(handler: impl Fn(&Request, usize) -> Reply + Send + Sync + 'static) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let stopping = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let (l, s, st) = (log.clone(), stop.clone(), stopping.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (l, s, h) = (l.clone(), s.clone(), handler.clone());
                std::thread::spawn(move || serve(conn, &l, &s, &*h));
            }
        });
        Hostile {
            port,
            url: format!("http://127.0.0.1:{port}"),
            log,
            stop,
            stopping,
        }
    }

    /// Answers every request with the same status and JSON error body.
    pub fn always(status: u16) -> Hostile {
        Hostile::start(move |_, _| Reply::json(status, r#"{"error":"no"}"#))
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap().clone()
    }

    /// `"METHOD /path"` of every request so far.
    pub fn lines(&self) -> Vec<String> {
        self.requests().iter().map(Request::line).collect()
    }

    /// `dlq` pointed at this server with a token.
    pub fn dlq(&self, home: &tempfile::TempDir) -> Command {
        let mut c = crate::common::dlq(home);
        c.env("QSTASH_URL", &self.url)
            .env("QSTASH_TOKEN", "t")
            .timeout(Duration::from_secs(60));
        c
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        let (m, cv) = &*self.stop;
        *m.lock().unwrap() = true;
        cv.notify_all();
        // Wake the accept loop so its thread ends.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(
    mut conn: TcpStream,
    log: &Mutex<Vec<Request>>,
    stop: &(Mutex<bool>, Condvar),
    handler: &Handler,
) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(30)));
    let Some(req) = read_request(&conn) else {
        return;
    };
    let n = {
        let mut log = log.lock().unwrap();
        log.push(req.clone());
        log.len() - 1
    };
    match handler(&req, n) {
        Reply::Raw(bytes) => {
            let _ = conn.write_all(&bytes);
            let _ = conn.flush();
            let _ = conn.shutdown(Shutdown::Write);
            // Let the client read everything before the socket goes away.
            let _ = std::io::copy(&mut conn, &mut std::io::sink());
        }
        Reply::Stall { head, sent } => {
            let _ = conn.write_all(head.as_bytes());
            let _ = conn.write_all(&sent);
            let _ = conn.flush();
            let (m, cv) = stop;
            let mut stopped = m.lock().unwrap();
            while !*stopped {
                stopped = cv.wait(stopped).unwrap();
            }
        }
        Reply::Drop => {
            let _ = conn.shutdown(Shutdown::Both);
        }
    }
}

fn read_request(conn: &TcpStream) -> Option<Request> {
    let mut r = BufReader::new(conn);
    let mut first = String::new();
    r.read_line(&mut first).ok()?;
    let mut parts = first.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let len = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; len.min(1 << 20)];
    r.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        target,
        headers,
        body,
    })
}

/// A QStash DLQ entry as `GET /v2/dlq/{id}` answers it.
pub fn entry(id: &str) -> serde_json::Value {
    serde_json::json!({
        "dlqId": id,
        "messageId": format!("msg_{}", id.replace('-', "")),
        "url": "https://x.example",
        "method": "POST",
        "createdAt": 1,
        "responseStatus": 500,
    })
}

/// A failed workflow run as `GET /v2/workflows/dlq/{id}` answers it, its failure callback in
/// `state`.
pub fn run(id: &str, state: &str) -> serde_json::Value {
    serde_json::json!({
        "dlqId": id,
        "messageId": format!("msg_{}", id.replace('-', "")),
        "url": "https://wf.example/api",
        "method": "POST",
        "createdAt": 1,
        "responseStatus": 500,
        "workflowRunId": "wfr_1",
        "workflowUrl": "https://wf.example/api",
        "workflowCreatedAt": 1,
        "failureCallbackInfo": {"state": state},
    })
}

//! One exchange of a request: built, sent, logged, and its reply read into what it means for
//! the caller, an answer to return or a failure that may be tried again (and when).

use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use super::{date_ms, error_text, method_name, retry_after, Req, Transport, ERROR_BODY_MAX};
use crate::api::error::ApiError;

/// What one exchange came to.
pub enum Tried {
    /// The caller's answer: a success, or an error no attempt again can change.
    Answered(Result<(StatusCode, bytes::Bytes), ApiError>),
    /// A failure, with the wait the server asked for, if it did.
    Failed(ApiError, Option<Duration>),
}

impl Transport {
    /// Sends `req` once. `Err`: the request could not be built, so nothing was sent.
    pub(super) async fn exchange(
        &self,
        req: &Req<'_>,
        path: &str,
        attempt: u32,
    ) -> Result<Tried, ApiError> {
        let method = method_name(&req.method);
        let started = Instant::now();
        let request = self.build(req, path)?;
        let url = request.url().clone();
        self.sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(match self.http.execute(request).await {
            Ok(resp) => {
                let status = resp.status();
                let headers = resp.headers().clone();
                self.pressure
                    .saw(status.as_u16(), &headers, started.elapsed());
                if let Some(ms) = date_ms(&headers) {
                    self.server_ms
                        .store(ms, std::sync::atomic::Ordering::Relaxed);
                }
                self.log(req, &url, Some(status), started, attempt);
                self.reply(resp, status, &headers, method, path, attempt)
                    .await
            }
            Err(e) => {
                self.log(req, &url, None, started, attempt);
                let err = self.network(method, path, &e, !e.is_connect(), attempt);
                Tried::Failed(err, None)
            }
        })
    }

    fn build(&self, req: &Req<'_>, path: &str) -> Result<reqwest::Request, ApiError> {
        let mut rb = self
            .http
            .request(req.method.clone(), format!("{}{}", self.base, path))
            .bearer_auth(self.token.expose())
            .query(&req.query);
        for (k, v) in &req.headers {
            rb = rb.header(*k, v);
        }
        for (k, v) in &req.named {
            rb = rb.header(k.as_str(), v);
        }
        if let Some(body) = &req.body {
            rb = rb.body(body.clone());
        }
        rb.build().map_err(|e| {
            // Nothing was sent: a value that cannot be a header, a URL that cannot be one.
            let method = method_name(&req.method);
            ApiError::Invalid(format!("cannot build {method} {path}: {e}"))
        })
    }

    /// What a reply means: a redirect is never followed, a body is read up to its cap.
    async fn reply(
        &self,
        resp: reqwest::Response,
        status: StatusCode,
        headers: &HeaderMap,
        method: &'static str,
        path: &str,
        attempt: u32,
    ) -> Tried {
        let path = path.to_string();
        if status.is_redirection() {
            let location = headers
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("(no Location header)");
            return Tried::Answered(Err(ApiError::Redirect {
                method,
                path,
                status: status.as_u16(),
                location: crate::text::truncate(&self.mask.text(location), 200).into_owned(),
            }));
        }
        let cap = if status.is_success() {
            self.max_body
        } else {
            ERROR_BODY_MAX
        };
        match read_body(resp, cap).await.map(|b| self.mask.bytes(b)) {
            Ok(body) if status.is_success() => Tried::Answered(Ok((status, body))),
            Ok(body) => {
                let wait = retry_after(headers);
                let err = ApiError::Status {
                    method,
                    path,
                    status: status.as_u16(),
                    message: error_text(&body),
                    retry_after: wait,
                };
                Tried::Failed(err, wait)
            }
            Err(Body::TooLarge) if status.is_success() => {
                Tried::Answered(Err(ApiError::TooLarge {
                    method,
                    path,
                    limit_mib: self.max_body >> 20,
                }))
            }
            Err(Body::TooLarge) => Tried::Failed(
                ApiError::Status {
                    method,
                    path,
                    status: status.as_u16(),
                    message: "(a very large error body)".into(),
                    retry_after: retry_after(headers),
                },
                None,
            ),
            Err(Body::Read(e)) => {
                Tried::Failed(self.network(method, &path, &e, true, attempt), None)
            }
        }
    }
}

enum Body {
    TooLarge,
    Read(reqwest::Error),
}

/// Reads a body, refusing to hold more than `cap` bytes of it.
async fn read_body(mut resp: reqwest::Response, cap: u64) -> Result<bytes::Bytes, Body> {
    if resp.content_length().is_some_and(|n| n > cap) {
        return Err(Body::TooLarge);
    }
    let mut buf = bytes::BytesMut::new();
    while let Some(chunk) = resp.chunk().await.map_err(Body::Read)? {
        if (buf.len() + chunk.len()) as u64 > cap {
            return Err(Body::TooLarge);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

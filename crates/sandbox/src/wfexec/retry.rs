//! How long a run waits before a retry: what the app asks with `429` and `Retry-After` (the
//! SDK's `WorkflowRetryAfterError`), else the run's `Upstash-Retry-Delay` expression (in
//! milliseconds, of `retried`, with `+ - * /`, parentheses and `pow exp sqrt abs floor ceil
//! round min max`, as the Workflow API documents it), else the sandbox's backoff.

use super::super::simulate::Answer;

/// The pause before the retry that follows attempt `attempt` (1-based), in milliseconds.
pub fn pause_ms(answer: &Answer, expr: Option<&str>, attempt: u32, backoff_ms: i64) -> i64 {
    let retry_after = (answer.status == 429)
        .then(|| {
            answer
                .headers
                .get("Retry-After")?
                .first()?
                .trim()
                .parse::<i64>()
                .ok()
        })
        .flatten();
    if let Some(secs) = retry_after {
        return secs.clamp(0, 86_400) * 1000;
    }
    let retried = attempt.saturating_sub(1) as f64;
    match expr.and_then(|e| eval(e, retried)) {
        Some(ms) if ms.is_finite() => ms.clamp(0.0, 86_400_000.0) as i64,
        _ => backoff_ms * attempt as i64,
    }
}

/// Evaluates `expr` with `retried` bound; `None` if it does not parse.
pub fn eval(expr: &str, retried: f64) -> Option<f64> {
    let mut p = Parser {
        s: expr.as_bytes(),
        i: 0,
        retried,
    };
    let v = p.sum()?;
    p.skip();
    (p.i == p.s.len()).then_some(v)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    retried: f64,
}

impl Parser<'_> {
    fn skip(&mut self) {
        while self.s.get(self.i).is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.skip();
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn sum(&mut self) -> Option<f64> {
        let mut v = self.product()?;
        loop {
            if self.eat(b'+') {
                v += self.product()?;
            } else if self.eat(b'-') {
                v -= self.product()?;
            } else {
                return Some(v);
            }
        }
    }

    fn product(&mut self) -> Option<f64> {
        let mut v = self.factor()?;
        loop {
            if self.eat(b'*') {
                v *= self.factor()?;
            } else if self.eat(b'/') {
                v /= self.factor()?;
            } else {
                return Some(v);
            }
        }
    }

    fn factor(&mut self) -> Option<f64> {
        if self.eat(b'-') {
            return Some(-self.factor()?);
        }
        if self.eat(b'(') {
            let v = self.sum()?;
            return self.eat(b')').then_some(v);
        }
        self.skip();
        let start = self.i;
        while self
            .s
            .get(self.i)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'.')
        {
            self.i += 1;
        }
        let word = std::str::from_utf8(&self.s[start..self.i]).ok()?;
        if let Ok(n) = word.parse::<f64>() {
            return Some(n);
        }
        if word == "retried" {
            return Some(self.retried);
        }
        if !self.eat(b'(') {
            return None;
        }
        let mut args = vec![self.sum()?];
        while self.eat(b',') {
            args.push(self.sum()?);
        }
        if !self.eat(b')') {
            return None;
        }
        match (word, args.as_slice()) {
            ("pow", [x, y]) => Some(x.powf(*y)),
            ("min", [x, y]) => Some(x.min(*y)),
            ("max", [x, y]) => Some(x.max(*y)),
            ("exp", [x]) => Some(x.exp()),
            ("sqrt", [x]) => Some(x.sqrt()),
            ("abs", [x]) => Some(x.abs()),
            ("floor", [x]) => Some(x.floor()),
            ("ceil", [x]) => Some(x.ceil()),
            ("round", [x]) => Some(x.round()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Headers;

    #[test]
    fn the_documented_expressions_evaluate() {
        assert_eq!(eval("1000", 3.0), Some(1000.0));
        assert_eq!(eval("1000 * (1 + retried)", 2.0), Some(3000.0));
        assert_eq!(eval("pow(2, retried) * 1000", 3.0), Some(8000.0));
        assert_eq!(eval("max(1000, pow(2, retried) * 100)", 1.0), Some(1000.0));
        assert_eq!(eval("floor(sqrt(10)) - -1", 0.0), Some(4.0));
        for bad in ["", "1000 *", "pow(2)", "nope(1)", "1 2", "(1"] {
            assert_eq!(eval(bad, 0.0), None, "{bad}");
        }
    }

    #[test]
    fn retry_after_then_the_expression_then_the_backoff() {
        let mut h = Headers::new();
        h.insert("Retry-After".into(), vec!["7".into()]);
        let busy = Answer::http(429, h, Vec::new());
        let failed = Answer::http(500, Headers::new(), Vec::new());
        assert_eq!(pause_ms(&busy, Some("10"), 1, 50), 7000);
        assert_eq!(pause_ms(&failed, Some("1000 * (1 + retried)"), 2, 50), 2000);
        assert_eq!(pause_ms(&failed, Some("bad("), 3, 50), 150);
        assert_eq!(pause_ms(&failed, None, 2, 50), 100);
    }
}

//! What became of one attempt to deliver a page: accepted, with what the
//! receiver answered, or failed, with why and whether trying again could help.
//! The answer and the reason go on the incident's timeline, so they are short,
//! cleaned, and never carry the contact's URL (a chat webhook's URL is its
//! password).

/// How much of a receiver's answer is kept: enough to recognise it.
pub const MAX_ANSWER_CHARS: usize = 160;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// The receiver took the page; `answer` is what it said.
    Accepted { answer: String },
    /// It did not; `retry` says whether the same page could succeed later
    /// (refused connection, timeout, 5xx, 408, 429) or never will as it is
    /// (another 4xx, a bad address).
    Failed { why: String, retry: bool },
}

impl SendOutcome {
    pub fn accepted(answer: impl Into<String>) -> SendOutcome {
        SendOutcome::Accepted {
            answer: answer.into(),
        }
    }

    pub fn failed(why: impl Into<String>, retry: bool) -> SendOutcome {
        SendOutcome::Failed {
            why: why.into(),
            retry,
        }
    }

    pub fn is_accepted(&self) -> bool {
        matches!(self, SendOutcome::Accepted { .. })
    }

    /// Whether the queue should try this page again.
    pub fn should_retry(&self) -> bool {
        matches!(self, SendOutcome::Failed { retry: true, .. })
    }

    /// For the timeline: "delivered (200 OK)", "failed, will retry: ...".
    pub fn describe(&self) -> String {
        match self {
            SendOutcome::Accepted { answer } if answer.is_empty() => "delivered".to_string(),
            SendOutcome::Accepted { answer } => format!("delivered ({answer})"),
            SendOutcome::Failed { why, retry: true } => format!("failed, will retry: {why}"),
            SendOutcome::Failed { why, retry: false } => format!("failed: {why}"),
        }
    }
}

/// Whether an HTTP status other than 2xx is worth another try: the
/// receiver is overloaded, down or timed out (5xx, 408, 429), rather than
/// refusing this request as it is.
pub fn retry_status(status: u16) -> bool {
    status == 408 || status == 429 || (500..=599).contains(&status)
}

/// `text` cleaned to one line and cut to [`MAX_ANSWER_CHARS`].
pub fn short_answer(text: &str) -> String {
    super::text::one_line(text, MAX_ANSWER_CHARS)
}

/// An HTTP answer's status and the start of its body, as the timeline shows it.
pub fn http_answer(status: reqwest::StatusCode, body: &[u8]) -> String {
    let body = String::from_utf8_lossy(body);
    let body = body.trim();
    let status = match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    };
    if body.is_empty() {
        short_answer(&status)
    } else {
        short_answer(&format!("{status}: {body}"))
    }
}

/// Why a request got no answer, without its URL: the innermost cause
/// ("Connection refused (os error 111)") after what was being done.
pub fn request_failure(err: &reqwest::Error) -> SendOutcome {
    let mut cause: &dyn std::error::Error = err;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    let what = if err.is_timeout() {
        "no answer in time"
    } else if err.is_connect() {
        "could not connect"
    } else if err.is_builder() {
        // The request could not even be made: the same next time.
        return SendOutcome::failed(short_answer(&format!("bad request: {cause}")), false);
    } else {
        "the request failed"
    };
    let why = if cause.to_string() == err.to_string() {
        // No deeper cause: the error itself, without the URL.
        what.to_string()
    } else {
        format!("{what}: {cause}")
    };
    SendOutcome::failed(short_answer(&why), true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overload_and_server_errors_are_retried_other_refusals_are_not() {
        for status in [408, 429, 500, 502, 503, 504, 599] {
            assert!(retry_status(status), "{status}");
        }
        for status in [301, 400, 401, 403, 404, 410, 413, 422] {
            assert!(!retry_status(status), "{status}");
        }
    }

    #[test]
    fn answers_are_one_short_clean_line() {
        let long = format!("ok\n\u{1b}[2J{}", "x".repeat(1000));
        let answer = http_answer(reqwest::StatusCode::OK, long.as_bytes());
        assert!(answer.starts_with("200 OK: ok "), "{answer}");
        assert_eq!(answer.chars().count(), MAX_ANSWER_CHARS);
        assert!(!answer.contains('\u{1b}'));
        assert_eq!(
            http_answer(reqwest::StatusCode::NO_CONTENT, b""),
            "204 No Content"
        );
    }

    #[test]
    fn describe_says_what_the_timeline_shows() {
        assert_eq!(
            SendOutcome::accepted("200 OK").describe(),
            "delivered (200 OK)"
        );
        assert_eq!(
            SendOutcome::failed("503 Service Unavailable", true).describe(),
            "failed, will retry: 503 Service Unavailable"
        );
        assert_eq!(
            SendOutcome::failed("404 Not Found", false).describe(),
            "failed: 404 Not Found"
        );
        assert!(SendOutcome::failed("x", true).should_retry());
        assert!(!SendOutcome::failed("x", false).should_retry());
        assert!(!SendOutcome::accepted("").should_retry());
    }
}

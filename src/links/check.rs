//! Fetching addresses with lychee-lib, which brings what a polite checker
//! needs: a cap on requests in flight per host with a pause between them,
//! retries with a doubling wait, a pause for as long as a 429's
//! `Retry-After` asks, a timeout per request, rustls for TLS.
//!
//! Two things are added on top, each small:
//! - HEAD first, GET when HEAD is refused: lychee sends one method per
//!   client, and many sites answer HEAD with 403, 404 or 405 while serving
//!   the page to a browser. So a HEAD client checks everything and a GET
//!   client re-checks only what HEAD turned away with an HTTP status.
//! - Permanent redirects: lychee follows redirects and keeps the chain, but
//!   its steps are private fields, reachable only through its `Serialize`;
//!   the chain is read back from that to find where a 301 or 308 points.

use std::collections::HashMap;
use std::error::Error as _;
use std::sync::Arc;
use std::time::Duration;

use axum::http::Method;
use lychee_lib::ratelimit::RateLimitConfig;
use lychee_lib::{Client, ClientBuilder, ErrorKind, Redirects, Status};
use serde::Deserialize;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::{LinkStatus, LinksError, Verdict};

#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// For one request; a slower answer is an error.
    pub timeout: Duration,
    /// Further tries after a timeout, a 429 or a server error.
    pub max_retries: u64,
    /// Wait before the first retry; it doubles for each next one.
    pub retry_wait: Duration,
    /// Requests in flight across all hosts.
    pub concurrency: usize,
    /// Requests in flight to any one host.
    pub per_host: usize,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            timeout: Duration::from_secs(20),
            max_retries: 2,
            retry_wait: Duration::from_secs(1),
            concurrency: 32,
            per_host: 4,
        }
    }
}

const USER_AGENT: &str = concat!(
    "signpost/",
    env!("CARGO_PKG_VERSION"),
    " (resource bank link check)"
);

fn client(method: Method, options: &CheckOptions) -> Result<Client, LinksError> {
    ClientBuilder::builder()
        .method(method)
        .timeout(Some(options.timeout))
        .max_retries(options.max_retries)
        .retry_wait_time(options.retry_wait)
        .user_agent(USER_AGENT)
        .rate_limit_config(RateLimitConfig {
            concurrency: options.per_host.max(1),
            request_interval: Duration::from_millis(50),
        })
        // A bank may list services on the authority's own network, and
        // tests serve pages on 127.0.0.1: every address is checked.
        .exclude_all_private(false)
        .exclude_private_ips(false)
        .exclude_link_local_ips(false)
        .exclude_loopback_ips(false)
        .include_mail(false)
        .build()
        .client()
        .map_err(|e| LinksError::Client(e.to_string()))
}

/// Checks each address once, however many entries use it.
pub async fn check_urls(
    urls: Vec<String>,
    options: &CheckOptions,
) -> Result<HashMap<String, Verdict>, LinksError> {
    let head = client(Method::HEAD, options)?;
    let get = client(Method::GET, options)?;
    let slots = Arc::new(Semaphore::new(options.concurrency.max(1)));
    let mut tasks = JoinSet::new();
    let mut by_task = HashMap::new();
    for url in urls {
        let (head, get, slots) = (head.clone(), get.clone(), slots.clone());
        let task_url = url.clone();
        let handle = tasks.spawn(async move {
            // The semaphore is never closed, so this cannot fail.
            let _slot = slots.acquire_owned().await.ok();
            check_one(&head, &get, &task_url).await
        });
        by_task.insert(handle.id(), url);
    }
    let mut verdicts = HashMap::new();
    while let Some(joined) = tasks.join_next_with_id().await {
        match joined {
            Ok((id, verdict)) => {
                if let Some(url) = by_task.remove(&id) {
                    verdicts.insert(url, verdict);
                }
            }
            // A panic inside the checker is one address's error, not the
            // end of the run.
            Err(e) => {
                if let Some(url) = by_task.remove(&e.id()) {
                    verdicts.insert(
                        url,
                        error_verdict(None, "the checker failed on this address"),
                    );
                }
            }
        }
    }
    Ok(verdicts)
}

async fn check_one(head: &Client, get: &Client, url: &str) -> Verdict {
    let (verdict, refused) = judge(head.check(url).await);
    if refused {
        judge(get.check(url).await).0
    } else {
        verdict
    }
}

fn error_verdict(code: Option<u16>, message: &str) -> Verdict {
    Verdict {
        status: LinkStatus::Error,
        code,
        redirect_to: None,
        message: Some(message.to_string()),
    }
}

/// The verdict on one response, and whether the server answered with an
/// HTTP status that a GET might not get.
fn judge(result: Result<lychee_lib::Response, ErrorKind>) -> (Verdict, bool) {
    let response = match result {
        Ok(response) => response.into_body(),
        Err(e) => {
            return (
                Verdict {
                    status: LinkStatus::Broken,
                    code: None,
                    redirect_to: None,
                    message: Some(format!("not a web address that can be fetched: {e}")),
                },
                false,
            );
        }
    };
    let moved = response.redirects.as_ref().and_then(permanent_move);
    let redirect_to = moved.as_ref().map(|(_, to)| to.clone());
    match response.status {
        Status::Ok(code) => match moved {
            Some((first, to)) => (
                Verdict {
                    status: LinkStatus::Redirect,
                    code: Some(first),
                    redirect_to: Some(to),
                    message: None,
                },
                false,
            ),
            None => (
                Verdict {
                    status: LinkStatus::Ok,
                    code: Some(code.as_u16()),
                    redirect_to: None,
                    message: None,
                },
                false,
            ),
        },
        Status::Error(ErrorKind::RejectedStatusCode(code)) | Status::UnknownStatusCode(code) => {
            let code = code.as_u16();
            let status = if matches!(code, 404 | 410) {
                LinkStatus::Broken
            } else {
                LinkStatus::Error
            };
            let message = match code {
                404 => None,
                410 => Some("gone for good".to_string()),
                429 => Some("the site is still asking us to slow down".to_string()),
                _ => Some(format!("the site answered {code}")),
            };
            (
                Verdict {
                    status,
                    code: Some(code),
                    redirect_to,
                    message,
                },
                true,
            )
        }
        Status::Timeout(code) => (error_verdict(code.map(|c| c.as_u16()), "timed out"), false),
        Status::Error(e) if is_unknown_host(&e) => (
            Verdict {
                status: LinkStatus::Broken,
                code: None,
                redirect_to: None,
                message: Some("unknown host".to_string()),
            },
            false,
        ),
        Status::Error(e) if is_refused(&e) => (error_verdict(None, "connection refused"), false),
        other => (error_verdict(None, &other.details()), false),
    }
}

/// Every error in the chain below `e`, outermost first.
fn chain(e: &ErrorKind) -> impl Iterator<Item = &(dyn std::error::Error + 'static)> {
    let mut next = e.source();
    std::iter::from_fn(move || {
        let current = next?;
        next = current.source();
        Some(current)
    })
}

/// A name that does not resolve. Only the resolver's words tell it apart
/// from a resolver that is down ("Temporary failure in name resolution",
/// an error rather than a broken link), and hyper's resolver error type is
/// private, so the messages of the platforms' getaddrinfo are matched.
fn is_unknown_host(e: &ErrorKind) -> bool {
    const NO_SUCH_HOST: [&str; 4] = [
        "Name or service not known",
        "No address associated with hostname",
        "nodename nor servname provided",
        "No such host is known",
    ];
    chain(e).any(|source| {
        let text = source.to_string();
        NO_SUCH_HOST.iter().any(|m| text.contains(m))
    })
}

fn is_refused(e: &ErrorKind) -> bool {
    chain(e).any(|source| {
        source
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused)
    })
}

#[derive(Deserialize)]
struct Chain {
    redirects: Vec<Hop>,
}

#[derive(Deserialize)]
struct Hop {
    url: String,
    code: u16,
}

/// Where the address has moved for good: the first hop's code and the
/// address after the run of permanent hops at the start of the chain. A
/// chain that starts with a temporary redirect has not moved.
fn permanent_move(redirects: &Redirects) -> Option<(u16, String)> {
    let chain: Chain = serde_json::to_value(redirects)
        .ok()
        .and_then(|v| serde_json::from_value(v).ok())?;
    permanent_target(&chain.redirects)
}

fn permanent_target(hops: &[Hop]) -> Option<(u16, String)> {
    let first = hops.first().filter(|h| is_permanent(h.code))?;
    let last = hops.iter().take_while(|h| is_permanent(h.code)).last()?;
    Some((first.code, last.url.clone()))
}

fn is_permanent(code: u16) -> bool {
    matches!(code, 301 | 308)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hop(url: &str, code: u16) -> Hop {
        Hop {
            url: url.to_string(),
            code,
        }
    }

    #[test]
    fn only_a_chain_that_starts_permanent_has_moved() {
        assert_eq!(
            permanent_target(&[
                hop("https://b/", 301),
                hop("https://c/", 308),
                hop("https://d/", 302)
            ]),
            Some((301, "https://c/".to_string()))
        );
        assert_eq!(
            permanent_target(&[hop("https://b/", 302), hop("https://c/", 301)]),
            None
        );
        assert_eq!(permanent_target(&[]), None);
    }

    #[test]
    fn unknown_hosts_are_told_from_a_resolver_that_is_down() {
        let wrap = |message: &str| {
            ErrorKind::ReadFileInput(
                std::io::Error::other(message.to_string()),
                std::path::PathBuf::from("x"),
            )
        };
        assert!(is_unknown_host(&wrap(
            "dns error: failed to lookup address information: Name or service not known"
        )));
        assert!(!is_unknown_host(&wrap(
            "dns error: failed to lookup address information: Temporary failure in name resolution"
        )));
    }
}

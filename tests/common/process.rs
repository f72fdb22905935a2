//! `signpost serve` as a process, and a minimal HTTP/1.1 client over
//! loopback for it.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// One HTTP/1.1 GET over loopback with extra request headers: (status,
/// response head, body).
pub fn request(
    port: u16,
    path: &str,
    headers: &[(&str, &str)],
) -> std::io::Result<(u16, String, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let extra: String = headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}\r\n"))
        .collect();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}Connection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    Ok((status, head.to_string(), body.to_string()))
}

/// One HTTP/1.1 GET over loopback: (status, body).
pub fn get(port: u16, path: &str) -> std::io::Result<(u16, String)> {
    request(port, path, &[]).map(|(status, _, body)| (status, body))
}

/// A response header's value, from a response head.
pub fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

pub struct Server(pub Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn wait_until(what: &str, limit: Duration, mut check: impl FnMut() -> bool) -> Duration {
    let started = Instant::now();
    while !check() {
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
    started.elapsed()
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `signpost serve` on a free port and waits until it answers.
pub fn serve(content: &Path, index: &Path, extra: &[&str]) -> (Server, u16) {
    serve_under(content, index, extra, "")
}

/// The same for a bank whose `base_url` puts it under `prefix`.
pub fn serve_under(content: &Path, index: &Path, extra: &[&str], prefix: &str) -> (Server, u16) {
    let port = free_port();
    let server = Server(
        super::signpost()
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .args(extra)
            .arg("--content")
            .arg(content)
            .arg("--index")
            .arg(index)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_until("the server", Duration::from_secs(20), || {
        get(port, &format!("{prefix}/healthz")).is_ok_and(|(s, _)| s == 200)
    });
    (server, port)
}

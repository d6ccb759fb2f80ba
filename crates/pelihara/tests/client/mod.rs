//! A small HTTP/1.1 client over a plain `TcpStream` for the tests that drive the real
//! `pelihara serve` from outside, as the probe did: one connection per request, the status,
//! the headers and the body as they came, and a server that does not answer as `None`.

// Each test binary uses a part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// One answer of the server.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A part of a multipart form.
pub enum Part<'a> {
    Text(&'a str, &'a str),
    /// (field, file name, content type, bytes)
    File(&'a str, &'a str, &'a str, &'a [u8]),
}

const BOUNDARY: &str = "----pelihara-probe-7f3a9c";

/// A multipart/form-data body and its content type.
pub fn multipart(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match part {
            Part::Text(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                        .as_bytes(),
                );
            }
            Part::File(name, file_name, content_type, bytes) => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; \
                         filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(bytes);
                body.extend_from_slice(b"\r\n");
            }
        }
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

/// An urlencoded form body.
pub fn urlencoded(fields: &[(&str, &str)]) -> Vec<u8> {
    fields
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// One request on a fresh connection, as a same-origin browser form would send it (with the
/// session cookie when there is one). `None` when the server did not answer.
pub fn request(
    address: &str,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<(&str, &[u8])>,
) -> Option<Reply> {
    let cookie = cookie.map(|cookie| ("Cookie", cookie));
    request_with(address, method, path, cookie.as_slice(), body)
}

/// [`request`] with other headers (an API token) instead of the cookie.
pub fn request_with(
    address: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, &[u8])>,
) -> Option<Reply> {
    let mut stream = TcpStream::connect(address).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .ok()?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nOrigin: http://{address}\r\n\
         Sec-Fetch-Site: same-origin\r\nConnection: close\r\n"
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some((content_type, bytes)) = body {
        head.push_str(&format!(
            "Content-Type: {content_type}\r\nContent-Length: {}\r\n",
            bytes.len()
        ));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).ok()?;
    if let Some((_, bytes)) = body {
        // A server that answers early (a refused upload) closes before the body is sent;
        // writing on would only make its kernel reset the connection and lose the answer.
        // So write in pieces and stop once an answer is waiting.
        for piece in bytes.chunks(256 * 1024) {
            if stream.write_all(piece).is_err() || answered(&stream) {
                break;
            }
        }
    }
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).ok()?;
    let status = status_line.split_whitespace().nth(1)?.parse().ok()?;
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    let mut body = Vec::new();
    reader.read_to_end(&mut body).ok()?;
    let chunked = headers.iter().any(|(name, value)| {
        name.eq_ignore_ascii_case("transfer-encoding") && value.contains("chunked")
    });
    if chunked {
        body = dechunk(&body);
    }
    Some(Reply {
        status,
        headers,
        body,
    })
}

/// Whether the server has begun to answer (without waiting).
fn answered(stream: &TcpStream) -> bool {
    let mut byte = [0u8; 1];
    if stream.set_nonblocking(true).is_err() {
        return false;
    }
    let waiting = matches!(stream.peek(&mut byte), Ok(n) if n > 0);
    let _ = stream.set_nonblocking(false);
    waiting
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = raw.windows(2).position(|pair| pair == b"\r\n") {
        let size = std::str::from_utf8(&raw[..end])
            .ok()
            .and_then(|line| usize::from_str_radix(line.split(';').next()?.trim(), 16).ok())
            .unwrap_or(0);
        if size == 0 || raw.len() < end + 2 + size {
            break;
        }
        out.extend_from_slice(&raw[end + 2..end + 2 + size]);
        raw = &raw[(end + 4 + size).min(raw.len())..];
    }
    out
}

/// Signs `username` in with the demo's password; the session cookie (`name=value`).
pub fn sign_in(address: &str, username: &str) -> Option<String> {
    let body = urlencoded(&[("username", username), ("password", "demo-pelihara")]);
    let reply = request(
        address,
        "POST",
        "/masuk",
        None,
        Some(("application/x-www-form-urlencoded", &body)),
    )?;
    if reply.status != 303 {
        return None;
    }
    reply
        .headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("set-cookie"))
        .find_map(|(_, value)| {
            let pair = value.split(';').next()?;
            pair.starts_with("pelihara_sesi=").then(|| pair.to_owned())
        })
}

/// A running `pelihara` process and the address it listens on.
pub struct Server {
    pub child: Child,
    pub address: String,
}

/// Starts `pelihara ARGS` (demo or serve on port 0) and waits for the address it prints; the
/// rest of its output is drained so it never blocks on a full pipe.
pub fn start(args: &[&str], extra_env: &[(&str, &str)]) -> Server {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pelihara"));
    command
        .args(args)
        .env_remove("PELIHARA_DATABASE_URL")
        .env_remove("PELIHARA_DATA")
        .env_remove("PELIHARA_LANG")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for (name, value) in extra_env {
        command.env(name, value);
    }
    let mut child = command
        .spawn()
        .unwrap_or_else(|error| panic!("{args:?}: {error}"));
    let Some(stdout) = child.stdout.take() else {
        panic!("no stdout");
    };
    let mut lines = BufReader::new(stdout).lines();
    let address = loop {
        let Some(Ok(line)) = lines.next() else {
            let status = child.wait();
            panic!("{args:?} ended before printing its address: {status:?}");
        };
        if let Some(rest) = line.strip_prefix("Pelihara: http://")
            && let Some(address) = rest.split('/').next()
        {
            break address.to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    Server { child, address }
}

impl Server {
    /// `kill -9`: the process ends where it stands.
    pub fn kill_hard(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM and the exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        assert!(status.is_ok_and(|status| status.success()));
        match self.child.wait() {
            Ok(status) => status,
            Err(error) => panic!("wait: {error}"),
        }
    }

    /// The resident set of the process now, in bytes (from /proc).
    pub fn rss_bytes(&self) -> Option<u64> {
        rss_of(self.child.id())
    }
}

/// The resident set of process `pid` now, in bytes (`VmRSS` of /proc/PID/status).
pub fn rss_of(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The ids (UUIDs) that follow `prefix` in a page, in order, without repeats.
pub fn ids_after(page: &str, prefix: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for piece in page.split(prefix).skip(1) {
        let id: String = piece
            .chars()
            .take_while(|c| c.is_ascii_hexdigit() || *c == '-')
            .collect();
        if id.len() == 36 && !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

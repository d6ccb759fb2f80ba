//! What the binary's tests share: a failed sign-in over a real connection, the write they
//! make while the server is stopped or backed up.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// One failed sign-in (a write: its audit event) over a fresh connection; the status code, or
/// `None` when the server did not answer.
pub fn failed_sign_in(address: &str, username: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(address).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    let body = format!("username={username}&password=salah");
    let request = format!(
        "POST /masuk HTTP/1.1\r\nHost: {address}\r\nOrigin: http://{address}\r\n\
         Sec-Fetch-Site: same-origin\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    let head = String::from_utf8_lossy(&response);
    head.split_whitespace().nth(1)?.parse().ok()
}

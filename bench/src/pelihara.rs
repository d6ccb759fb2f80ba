//! Driving the real Pelihara server (the release `pelihara` binary, as a child process): a demo
//! database grown to size, sign-in as a Pelaksana, transitions (registering a request: the full
//! action) and page loads over HTTP, the SLA sweep through the store, the server's RSS and the
//! bytes a browser receives. It must never talk to the database while the server runs, except
//! to read.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use axum::body::Bytes;
use http_body_util::Full;
use hyper::{Method, Request, StatusCode, header};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::load::{self, Client, MakeRequest, Stats};

/// A running server process.
pub struct Server {
    child: Child,
    pub address: SocketAddr,
    pub pid: u32,
}

impl Server {
    /// Starts `program args...` and waits for the line that names its address (`listening ADDR`
    /// for the baseline, `Pelihara: http://ADDR/` for Pelihara).
    pub async fn start(program: &Path, args: &[&str]) -> anyhow::Result<Server> {
        let mut child = Command::new(program)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .env("RUST_LOG", "warn")
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", program.display()))?;
        let pid = child.id().context("server pid")?;
        let stdout = child.stdout.take().context("server stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let deadline = Instant::now() + Duration::from_secs(600);
        while Instant::now() < deadline {
            let Some(line) = lines.next_line().await? else {
                bail!("{} exited before listening", program.display());
            };
            let found = line
                .strip_prefix("listening ")
                .or_else(|| line.strip_prefix("Pelihara: http://"))
                .map(|rest| rest.split(['/', ' ']).next().unwrap_or_default().to_owned());
            if let Some(address) = found {
                // Keep draining stdout so the server never blocks on a full pipe.
                tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
                return Ok(Server {
                    child,
                    address: address
                        .parse()
                        .with_context(|| format!("address in {line:?}"))?,
                    pid,
                });
            }
        }
        bail!("{} did not start listening", program.display())
    }

    /// The resident set size of the server process, in MB.
    pub fn rss_mb(&self) -> f64 {
        rss_mb(self.pid)
    }

    pub async fn stop(mut self) -> anyhow::Result<()> {
        self.child.kill().await?;
        Ok(())
    }
}

pub fn rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// CPU seconds (user + system) a process has used so far, from `/proc/PID/stat` (`self` for
/// this one). Its tick is USER_HZ, 100 on Linux whatever the kernel's own tick.
pub fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name, which is in parentheses and may hold spaces:
    // utime and stime are the 14th and 15th fields of the line, so the 12th and 13th here.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: f64 = after_name
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|field| field.parse::<f64>().ok())
        .sum();
    ticks / 100.0
}

/// Samples a process's RSS every 50 ms until dropped; `max_mb` reads the highest seen.
pub struct RssSampler {
    max_kb: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl RssSampler {
    pub fn start(pid: u32) -> RssSampler {
        let max_kb = Arc::new(AtomicU64::new(0));
        let seen = max_kb.clone();
        let task = tokio::spawn(async move {
            loop {
                let kb = (rss_mb(pid) * 1024.0) as u64;
                seen.fetch_max(kb, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        });
        RssSampler { max_kb, task }
    }

    pub fn max_mb(&self) -> f64 {
        self.max_kb.load(Ordering::Relaxed) as f64 / 1024.0
    }
}

impl Drop for RssSampler {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A signed-in browser's headers for one server.
#[derive(Clone)]
pub struct Session {
    pub host: String,
    pub cookie: String,
}

impl Session {
    pub fn get(&self, path: &str) -> Request<Full<Bytes>> {
        let builder = Request::builder()
            .method(Method::GET)
            .uri(path)
            .header(header::HOST, &self.host)
            .header(header::COOKIE, &self.cookie)
            .header(header::ACCEPT_ENCODING, "gzip");
        builder
            .body(Full::new(Bytes::new()))
            .unwrap_or_else(|_| Request::new(Full::new(Bytes::new())))
    }

    /// The register form of step 2 as the case page posts it (multipart, same-origin).
    pub fn register_letter(&self, case_id: &str, task_id: &str) -> Request<Full<Bytes>> {
        let boundary = "pelihara-bench-boundary";
        let mut body = String::new();
        for (name, value) in [
            ("aksi", "register"),
            ("task_id", task_id),
            ("classification", "000.5.2.3"),
            ("urgency", "biasa"),
            ("confidentiality", "biasa"),
            ("letter_number", "000.5.2.3/123/2026"),
            ("letter_date", "2026-01-05"),
        ] {
            body.push_str(&format!(
                "--{boundary}\r\ncontent-disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            ));
        }
        body.push_str(&format!("--{boundary}--\r\n"));
        Request::builder()
            .method(Method::POST)
            .uri(format!("/permohonan/{case_id}/aksi"))
            .header(header::HOST, &self.host)
            .header(header::ORIGIN, format!("http://{}", self.host))
            .header("sec-fetch-site", "same-origin")
            .header(header::COOKIE, &self.cookie)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Full::new(Bytes::from(body)))
            .unwrap_or_else(|_| Request::new(Full::new(Bytes::new())))
    }
}

/// Signs in through `POST /masuk` like a browser and returns the session.
pub async fn sign_in(
    address: SocketAddr,
    username: &str,
    password: &str,
) -> anyhow::Result<Session> {
    let host = address.to_string();
    let request = Request::builder()
        .method(Method::POST)
        .uri("/masuk")
        .header(header::HOST, &host)
        .header(header::ORIGIN, format!("http://{host}"))
        .header("sec-fetch-site", "same-origin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Full::new(Bytes::from(format!(
            "username={username}&password={password}"
        ))))?;
    let mut client = Client::connect(address).await?;
    let (status, headers, _) = client.send(request).await?;
    if status != StatusCode::SEE_OTHER {
        bail!("sign-in of {username} answered {status}");
    }
    let cookie = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| value.split(';').next())
        .find(|pair| pair.starts_with("pelihara_sesi="))
        .context("no session cookie")?
        .to_owned();
    Ok(Session { host, cookie })
}

/// Transitions: each request registers the next case of `work` (shared by all connections).
pub async fn transitions(
    server: &Server,
    session: &Session,
    work: Arc<Vec<(String, String)>>,
    start: Arc<AtomicU64>,
    connections: usize,
    duration: Duration,
) -> anyhow::Result<Stats> {
    let session = session.clone();
    let make: MakeRequest = Arc::new(move |_| {
        let n = start.fetch_add(1, Ordering::Relaxed);
        let (case_id, task_id) = work.get(usize::try_from(n).ok()?)?;
        Some(session.register_letter(case_id, task_id))
    });
    load::run(server.address, connections, duration, make, |status| {
        status == StatusCode::SEE_OTHER
    })
    .await
}

/// GETs of `paths` in turn, over `connections` connections.
pub async fn pages(
    server: &Server,
    session: &Session,
    paths: Arc<Vec<String>>,
    connections: usize,
    duration: Duration,
) -> anyhow::Result<Stats> {
    let session = session.clone();
    let make: MakeRequest = Arc::new(move |n| {
        let index = usize::try_from(n).ok()? % paths.len().max(1);
        Some(session.get(paths.get(index)?))
    });
    load::run(server.address, connections, duration, make, |status| {
        status == StatusCode::OK
    })
    .await
}

/// Bytes a browser receives for a page: the status line and headers plus the (compressed)
/// body; with `assets`, also every `/static/` file the page links to (a first visit).
pub async fn page_weight(
    server: &Server,
    session: &Session,
    path: &str,
    assets: bool,
) -> anyhow::Result<u64> {
    let mut client = Client::connect(server.address).await?;
    let mut fetch = async |path: &str| -> anyhow::Result<(u64, Bytes, hyper::HeaderMap)> {
        let (status, headers, body) = client.send(session.get(path)).await?;
        if status != StatusCode::OK {
            bail!("GET {path} answered {status}");
        }
        let header_bytes: usize = headers
            .iter()
            .map(|(name, value)| name.as_str().len() + value.len() + 4)
            .sum();
        Ok(((17 + header_bytes + body.len()) as u64, body, headers))
    };
    let (mut total, body, headers) = fetch(path).await?;
    if assets {
        if headers.get(header::CONTENT_ENCODING).is_some() {
            // The links are in the page's text: decompress a copy only to find them.
            let text = gunzip(&body);
            for url in static_urls(&text) {
                total += fetch(&url).await?.0;
            }
        } else {
            for url in static_urls(&String::from_utf8_lossy(&body)) {
                total += fetch(&url).await?.0;
            }
        }
    }
    Ok(total)
}

fn gunzip(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut text = String::new();
    let _ = flate2::read::GzDecoder::new(bytes).read_to_string(&mut text);
    text
}

fn static_urls(html: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for part in html.split("\"/static/").skip(1) {
        if let Some(end) = part.find('"') {
            let url = format!("/static/{}", &part[..end]);
            if !urls.contains(&url) {
                urls.push(url);
            }
        }
    }
    urls
}

/// `pelihara demo` in `dir`, stopped once it has seeded and started listening.
pub async fn demo_database(pelihara: &Path, dir: &Path) -> anyhow::Result<PathBuf> {
    let dir_text = dir.display().to_string();
    let server = Server::start(pelihara, &["demo", "--data", &dir_text, "--port", "0"]).await?;
    server.stop().await?;
    Ok(dir.join("pelihara.db"))
}

//! The load generator: N client connections (one HTTP/1 keep-alive connection each, no
//! pipelining), each sending its next request as soon as the previous answer is read, for a
//! fixed time; latencies go into one sorted list for p50/p99. It must never retry a failed
//! request or count it as done: a wrong status is an error in the table.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;

/// What one load run measured.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stats {
    pub done: u64,
    pub errors: u64,
    pub seconds: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

impl Stats {
    pub fn per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.done as f64 / self.seconds
        } else {
            0.0
        }
    }
}

/// Builds request number `n` (counted over all connections); `None` ends the run early (the
/// work ran out).
pub type MakeRequest = Arc<dyn Fn(u64) -> Option<Request<Full<Bytes>>> + Send + Sync>;

/// One connection to the server.
pub struct Client {
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
}

impl Client {
    pub async fn connect(address: SocketAddr) -> anyhow::Result<Client> {
        let stream = tokio::net::TcpStream::connect(address)
            .await
            .with_context(|| format!("connecting to {address}"))?;
        stream.set_nodelay(true)?;
        let (sender, connection) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(connection);
        Ok(Client { sender })
    }

    /// Sends one request and reads the whole answer: (status, headers, body bytes as sent).
    pub async fn send(
        &mut self,
        request: Request<Full<Bytes>>,
    ) -> anyhow::Result<(StatusCode, hyper::HeaderMap, Bytes)> {
        self.sender.ready().await?;
        let response = self.sender.send_request(request).await?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await?.to_bytes();
        Ok((status, headers, body))
    }
}

/// Runs `connections` clients against `address` for `duration`; a response is done when
/// `ok(status)`, otherwise an error (the first error's body is printed once).
pub async fn run(
    address: SocketAddr,
    connections: usize,
    duration: Duration,
    make: MakeRequest,
    ok: fn(StatusCode) -> bool,
) -> anyhow::Result<Stats> {
    let counter = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + duration;
    let mut workers = Vec::new();
    for _ in 0..connections {
        let make = make.clone();
        let counter = counter.clone();
        let errors = errors.clone();
        workers.push(tokio::spawn(async move {
            let mut client = Client::connect(address).await?;
            let mut latencies: Vec<u32> = Vec::with_capacity(16_384);
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let Some(request) = make(n) else { break };
                let sent = Instant::now();
                let (status, _, body) = client.send(request).await?;
                let micros = sent.elapsed().as_micros();
                if ok(status) {
                    latencies.push(u32::try_from(micros).unwrap_or(u32::MAX));
                } else if errors.fetch_add(1, Ordering::Relaxed) == 0 {
                    let text = String::from_utf8_lossy(&body);
                    let start: String = text.chars().take(300).collect();
                    eprintln!("  first error: {status}: {start}");
                }
            }
            anyhow::Ok((latencies, Instant::now()))
        }));
    }
    let mut latencies = Vec::new();
    let mut last = started;
    for worker in workers {
        let (mut part, finished) = worker.await??;
        latencies.append(&mut part);
        last = last.max(finished);
    }
    latencies.sort_unstable();
    let percentile = |p: f64| -> f64 {
        if latencies.is_empty() {
            return 0.0;
        }
        let index = ((latencies.len() as f64 - 1.0) * p).round() as usize;
        f64::from(latencies[index.min(latencies.len() - 1)]) / 1000.0
    };
    Ok(Stats {
        done: latencies.len() as u64,
        errors: errors.load(Ordering::Relaxed),
        seconds: last.duration_since(started).as_secs_f64(),
        p50_ms: percentile(0.50),
        p99_ms: percentile(0.99),
    })
}

//! Serves the web front on 127.0.0.1 for looking at pages by hand (screenshots, a browser).
//! It is no deployment: the `pelihara` binary serves for real. Never binds beyond loopback.
//!
//! `cargo run -p pelihara-web --example serve [port]` prints the address; port 0 (the default)
//! takes a free one.

use pelihara_web::{AppState, WebConfig, router};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let port: u16 = match std::env::args().nth(1) {
        Some(port) => port.parse()?,
        None => 0,
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let address = listener.local_addr()?;
    let state = AppState::new(WebConfig {
        office_name: "Dinas Komunikasi dan Informatika Kabupaten Demak".to_owned(),
        public_base_url: format!("http://{address}"),
        upload_limit_bytes: WebConfig::DEFAULT_UPLOAD_LIMIT_BYTES,
    })?;
    println!("http://{address}/");
    axum::serve(listener, router(state)).await?;
    Ok(())
}

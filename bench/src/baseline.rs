//! The baseline server (run as a child process of the benchmark): bare axum with `GET /hello`
//! and `POST /insert`, one autocommit SQLite INSERT per request on one WAL connection with the
//! `synchronous` setting asked for. It must never batch or defer a write: it is the yardstick
//! of "one durable write per request".

use std::str::FromStr;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Executor, SqlitePool};

async fn hello() -> &'static str {
    "hello"
}

async fn insert(State(pool): State<SqlitePool>) -> StatusCode {
    let now = chrono::Utc::now().timestamp_millis();
    match sqlx::query("insert into hits (at, note) values ($1, $2)")
        .bind(now)
        .bind("baseline")
        .execute(&pool)
        .await
    {
        Ok(_) => StatusCode::CREATED,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Serves until killed; prints `listening ADDRESS` once ready.
pub async fn serve(db: &str, synchronous: &str) -> anyhow::Result<()> {
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{db}"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::from_str(synchronous).map_err(anyhow::Error::msg)?);
    // One connection: SQLite has one writer, and a pool of one is how the store runs too.
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    pool.execute("create table if not exists hits (id integer primary key, at integer not null, note text not null)")
        .await?;
    let app = Router::new()
        .route("/hello", get(hello))
        .route("/insert", post(insert))
        .with_state(pool);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening {}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}

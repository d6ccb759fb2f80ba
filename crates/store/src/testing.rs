//! Test support shared by the crates whose tests need a database of their own (the store's
//! contract, the scheduler, the binary): a throw-away PostgreSQL database per test on the
//! server the test environment started. Behind the `testing` feature; never in production.

/// A fresh, empty database on the PostgreSQL test server at `PELIHARA_TEST_POSTGRES_URL`, as
/// a connection URL; `None` when the variable is not set outside CI (the PostgreSQL half of a
/// test is then skipped), and a panic when it is not set in CI, which must run it.
///
/// # Panics
/// In CI without a test server, or when the server refuses to create the database.
#[allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)] // A test's failure report.
pub async fn fresh_postgres_url() -> Option<String> {
    use sqlx::Connection;

    let Ok(admin_url) = std::env::var("PELIHARA_TEST_POSTGRES_URL") else {
        let in_ci = std::env::var("CI").is_ok_and(|value| !value.is_empty() && value != "false");
        assert!(
            !in_ci,
            "PELIHARA_TEST_POSTGRES_URL is not set; CI must run the PostgreSQL tests"
        );
        eprintln!("skipped: PELIHARA_TEST_POSTGRES_URL is not set");
        return None;
    };
    sqlx::any::install_default_drivers();
    let name = format!("pelihara_t_{}", uuid::Uuid::new_v4().simple());
    let mut connection = sqlx::AnyConnection::connect(&admin_url)
        .await
        .expect("connecting to the PostgreSQL test server");
    sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}")))
        .execute(&mut connection)
        .await
        .expect("creating a test database");
    connection.close().await.expect("closing the connection");
    let (base, query) = match admin_url.split_once('?') {
        Some((base, query)) => (base.to_owned(), format!("?{query}")),
        None => (admin_url.clone(), String::new()),
    };
    let server = base
        .rsplit_once('/')
        .map(|(server, _)| server.to_owned())
        .expect("a database URL ends in /<database>");
    Some(format!("{server}/{name}{query}"))
}

/// The SHA-256 of every document Pelihara has issued (the PDFs it rendered and stored), so a
/// test can tell them apart from the files people uploaded: the background worker may issue
/// a case's documents at any moment, so how many there are is not the test's to predict.
///
/// # Panics
/// When the database cannot be read.
#[allow(clippy::expect_used)] // A test's failure report.
pub async fn issued_document_digests(store: &crate::Store) -> Vec<String> {
    use sqlx::Row;

    sqlx::query("select distinct sha256 from issued_documents")
        .fetch_all(store.reader())
        .await
        .expect("reading the issued documents")
        .iter()
        .map(|row| row.try_get::<String, _>(0).expect("a digest"))
        .collect()
}

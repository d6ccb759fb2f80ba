//! Memory and time over many renders: typst's memo cache is evicted after every document, so
//! the resident set stays flat. In its own test binary so other tests do not disturb RSS.

// Test code: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod fixture;

use std::time::{Duration, Instant};

use pelihara_documents::*;

/// Resident set size in bytes, from /proc/self/statm (pages × page size 4 KiB on Linux x86-64
/// and aarch64 defaults).
fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

#[test]
fn memory_stays_bounded_over_many_renders() {
    let sheet = fixture::disposition_sheet();
    let report = fixture::report();
    let setting = fixture::setting(Paper::A4);
    let render_one = |round: usize| {
        // Every round is a new document (new id, QR and number), as in production.
        let issue = fixture::issue(&format!("0{round}/000.5.2.3/2026"));
        let document = if round.is_multiple_of(2) {
            Document::DispositionSheet(&sheet)
        } else {
            Document::MaintenanceReport(&report)
        };
        render(document, &setting, &issue).unwrap()
    };
    // Warm up: fonts parsed, engine built, allocator pools grown.
    for round in 0..20 {
        render_one(round);
    }
    let before = rss_bytes();
    let mut slowest = Duration::ZERO;
    let mut total = Duration::ZERO;
    let started = Instant::now();
    for round in 20..220 {
        let rendered = render_one(round);
        slowest = slowest.max(rendered.elapsed);
        total += rendered.elapsed;
    }
    let after = rss_bytes();
    let growth = after.saturating_sub(before);
    eprintln!(
        "200 renders in {:?}: mean {:?}, slowest {:?}; RSS {} MiB -> {} MiB (+{} KiB)",
        started.elapsed(),
        total / 200,
        slowest,
        before / (1 << 20),
        after / (1 << 20),
        growth / 1024
    );
    // Without eviction typst keeps every compile's memoised results (several MiB each).
    assert!(growth < 24 << 20, "RSS grew by {} KiB", growth / 1024);
}

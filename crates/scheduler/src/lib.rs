//! The background scheduler (being written): jobs under database leases running idempotent
//! sweeps. It must never read the clock itself: time comes from an injected clock.

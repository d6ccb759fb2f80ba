//! The register's outside edges: the register as a spreadsheet (CSV and XLSX out, an
//! all-or-nothing import in, `sheet`), the office's OPDs and people as sheets (`people`), both
//! read through one bounded sheet reader (`grid`), and health checks of app addresses that cannot be
//! turned against the internal network (`health`). Holds no SQL and decides no case rules:
//! callers read and write the store.

pub mod allow_list;
pub mod grid;
pub mod health;
pub mod monitoring;
pub mod people;
pub mod record;
pub mod report;
pub mod sheet;
pub mod skm;

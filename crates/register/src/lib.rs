//! The register's outside edges: the register as a spreadsheet (CSV and XLSX out, an
//! all-or-nothing import in, `sheet`) and health checks of app addresses that cannot be
//! turned against the internal network (`health`). Holds no SQL and decides no case rules:
//! callers read and write the store.

pub mod allow_list;
pub mod health;
pub mod monitoring;
pub mod record;
pub mod report;
pub mod sheet;
pub mod skm;

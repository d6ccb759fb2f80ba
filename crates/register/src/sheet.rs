//! The register as a spreadsheet: export to CSV (for Indonesian Excel: `;` and an optional
//! UTF-8 byte-order mark) and XLSX with Indonesian headers and due dates, and import of a
//! sheet of apps from CSV or XLSX with row-level errors. Import is all-or-nothing at this
//! level too: any error returns every error and no rows. Never touches the database.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use pelihara_domain::OpdId;
use pelihara_domain::register::{AppFields, AppStatus, DueState};
use pelihara_i18n::{Lang, t};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

/// One line of an export: an app with its OPD and due date.
#[derive(Debug, Clone)]
pub struct ExportRow {
    pub opd_code: String,
    pub opd_name: String,
    pub fields: AppFields,
    pub last_maintained: Option<NaiveDate>,
    pub due: Option<NaiveDate>,
    pub due_state: Option<DueState>,
}

/// The columns of the sheet: header text and what an import does with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    No,
    Name,
    OpdCode,
    OpdName,
    Url,
    Domain,
    Hosting,
    HostingLocation,
    HostingEnvironment,
    Stack,
    OpdContactName,
    OpdContactPhone,
    OpdContactEmail,
    OfficeContactName,
    OfficeContactPhone,
    OfficeContactEmail,
    Status,
    Interval,
    LastMaintained,
    Due,
    DueState,
    Notes,
}

const COLUMNS: [(Column, &str); 22] = [
    (Column::No, "No"),
    (Column::Name, "Nama Aplikasi"),
    (Column::OpdCode, "Kode OPD"),
    (Column::OpdName, "Nama OPD"),
    (Column::Url, "URL"),
    (Column::Domain, "Domain"),
    (Column::Hosting, "Server"),
    (Column::HostingLocation, "Lokasi Hosting"),
    (Column::HostingEnvironment, "Lingkungan"),
    (Column::Stack, "Teknologi"),
    (Column::OpdContactName, "Kontak OPD"),
    (Column::OpdContactPhone, "Telepon Kontak OPD"),
    (Column::OpdContactEmail, "Surel Kontak OPD"),
    (Column::OfficeContactName, "Kontak Pemelihara"),
    (Column::OfficeContactPhone, "Telepon Kontak Pemelihara"),
    (Column::OfficeContactEmail, "Surel Kontak Pemelihara"),
    (Column::Status, "Status"),
    (Column::Interval, "Interval Pemeliharaan (bulan)"),
    (Column::LastMaintained, "Pemeliharaan Terakhir"),
    (Column::Due, "Jatuh Tempo"),
    (Column::DueState, "Status Jatuh Tempo"),
    (Column::Notes, "Catatan"),
];

/// Columns an export writes that an import ignores (they are computed, not typed).
fn computed(column: Column) -> bool {
    matches!(
        column,
        Column::No | Column::OpdName | Column::LastMaintained | Column::Due | Column::DueState
    )
}

/// The status as the sheet shows it: the Indonesian label, which an import reads back.
fn status_label(code: &str) -> String {
    AppStatus::from_code(code)
        .map(|status| t(Lang::Id, status.message_key()))
        .unwrap_or_else(|| code.to_owned())
}

fn status_from_sheet(text: &str) -> Option<AppStatus> {
    let lower = text.trim().to_lowercase();
    AppStatus::ALL.into_iter().find(|status| {
        lower == status.code() || lower == t(Lang::Id, status.message_key()).to_lowercase()
    })
}

fn text_cells(row: &ExportRow) -> Vec<(Column, String)> {
    let f = &row.fields;
    let date = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    vec![
        (Column::Name, f.name.clone()),
        (Column::OpdCode, row.opd_code.clone()),
        (Column::OpdName, row.opd_name.clone()),
        (Column::Url, f.url.clone()),
        (Column::Domain, f.domain.clone()),
        (Column::Hosting, f.hosting.clone()),
        (Column::HostingLocation, f.hosting_location.clone()),
        (Column::HostingEnvironment, f.hosting_environment.clone()),
        (Column::Stack, f.stack.clone()),
        (Column::OpdContactName, f.opd_contact_name.clone()),
        (Column::OpdContactPhone, f.opd_contact_phone.clone()),
        (Column::OpdContactEmail, f.opd_contact_email.clone()),
        (Column::OfficeContactName, f.office_contact_name.clone()),
        (Column::OfficeContactPhone, f.office_contact_phone.clone()),
        (Column::OfficeContactEmail, f.office_contact_email.clone()),
        (Column::Status, status_label(&f.status)),
        (
            Column::Interval,
            f.maintenance_interval_months
                .map(|m| m.to_string())
                .unwrap_or_default(),
        ),
        (
            Column::LastMaintained,
            date(row.last_maintained).unwrap_or_default(),
        ),
        (Column::Due, date(row.due).unwrap_or_default()),
        (
            Column::DueState,
            row.due_state
                .map(|state| t(Lang::Id, state.message_key()))
                .unwrap_or_default(),
        ),
        (Column::Notes, f.notes.clone()),
    ]
}

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a leading tab or
/// carriage return that some applications strip first) gets a leading apostrophe, so it
/// shows as text and never executes.
pub fn guard_formula(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

/// How a CSV export is written.
#[derive(Debug, Clone, Copy)]
pub struct CsvOptions {
    /// `;` for Excel in Indonesian (and most European) locales, `,` elsewhere.
    pub delimiter: u8,
    /// A UTF-8 byte-order mark, so Excel reads the file as UTF-8.
    pub bom: bool,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            delimiter: b';',
            bom: true,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("csv: {0}")]
    Csv(#[from] csv::Error),
    #[error("xlsx: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("csv: {0}")]
    Io(#[from] std::io::Error),
}

/// A CSV writer as every export of the register writes: the byte-order mark when asked, and
/// every field quoted, so a spreadsheet opened with another separator than the one written
/// (`,` for a `;` file) never splits a field into a cell that starts a formula. Cells still
/// go through [`guard_formula`].
pub fn csv_writer(options: CsvOptions) -> csv::Writer<Vec<u8>> {
    let mut out = Vec::new();
    if options.bom {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    csv::WriterBuilder::new()
        .delimiter(options.delimiter)
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(out)
}

/// The register as CSV, one app a line, every field quoted and formula cells guarded.
pub fn export_csv(rows: &[ExportRow], options: CsvOptions) -> Result<Vec<u8>, ExportError> {
    let mut writer = csv_writer(options);
    writer.write_record(COLUMNS.iter().map(|(_, header)| *header))?;
    for (index, row) in rows.iter().enumerate() {
        let cells = text_cells(row);
        let mut record = vec![(index + 1).to_string()];
        record.extend(cells.into_iter().map(|(_, text)| guard_formula(&text)));
        writer.write_record(&record)?;
    }
    writer
        .into_inner()
        .map_err(|error| ExportError::Io(error.into_error()))
}

fn excel_date(date: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    // Months and days always fit u8; years before 1900 or after 9999 are refused by Excel anyway.
    let year =
        u16::try_from(date.year()).map_err(|_| XlsxError::DateTimeRangeError(date.to_string()))?;
    ExcelDateTime::from_ymd(year, date.month() as u8, date.day() as u8)
}

/// The register as an XLSX workbook: bold frozen headers, a filter, dates as real dates.
pub fn export_xlsx(rows: &[ExportRow]) -> Result<Vec<u8>, ExportError> {
    let mut workbook = Workbook::new();
    let header = Format::new().set_bold().set_background_color("DDE5F0");
    let date_format = Format::new().set_num_format("dd/mm/yyyy");
    let sheet = workbook.add_worksheet();
    sheet.set_name("Data Pemeliharaan")?;
    for (col, (_, title)) in COLUMNS.iter().enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(0, col, *title, &header)?;
        sheet.set_column_width(col, (title.chars().count().max(10) + 2) as f64)?;
    }
    for (index, row) in rows.iter().enumerate() {
        let line = (index + 1) as u32;
        sheet.write_number(line, 0, (index + 1) as f64)?;
        for (col, (column, text)) in text_cells(row).into_iter().enumerate() {
            let col = (col + 1) as u16;
            let date = match column {
                Column::LastMaintained => row.last_maintained,
                Column::Due => row.due,
                _ => None,
            };
            match (date, column) {
                (Some(date), _) => {
                    sheet.write_datetime_with_format(line, col, excel_date(date)?, &date_format)?;
                }
                (None, Column::Interval) if !text.is_empty() => {
                    if let Some(months) = row.fields.maintenance_interval_months {
                        sheet.write_number(line, col, f64::from(months))?;
                    }
                }
                // Strings are written as strings: a leading `=` stays text in XLSX.
                _ if !text.is_empty() => {
                    sheet.write_string(line, col, text)?;
                }
                _ => {}
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, rows.len() as u32, (COLUMNS.len() - 1) as u16)?;
    Ok(workbook.save_to_buffer()?)
}

use crate::grid::{Grid, RowLimit, unguard};
pub use crate::grid::{ImportError, MAX_IMPORT_COLUMNS, MAX_XLSX_UNPACKED_BYTES};

/// The most app rows one import takes; a register of a regency has a few hundred.
pub const MAX_IMPORT_ROWS: usize = 5_000;

const ROW_LIMIT: RowLimit = RowLimit {
    max: MAX_IMPORT_ROWS,
    key: "register-import-too-many-rows",
};

/// The apps a sheet adds, with the OPD each belongs to.
pub type ImportRows = Vec<(OpdId, AppFields)>;

/// An OPD a sheet may name: its id, and whether it is active (a deactivated OPD's code is
/// known, so the row error says "deactivated" rather than "unknown", but no app is added to it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SheetOpd {
    pub id: OpdId,
    pub active: bool,
}

impl From<OpdId> for SheetOpd {
    /// An active OPD.
    fn from(id: OpdId) -> Self {
        Self { id, active: true }
    }
}

/// Reads a CSV sheet (`;` or `,`, with or without a byte-order mark). `opds` maps OPD codes
/// (upper case; the sheet's may be any case) to OPDs; a row naming an inactive one is an error.
pub fn import_csv(
    bytes: &[u8],
    opds: &HashMap<String, SheetOpd>,
) -> Result<ImportRows, Vec<ImportError>> {
    rows_from_grid(&crate::grid::read_csv(bytes, ROW_LIMIT)?, opds)
}

/// Reads the first worksheet of an XLSX workbook, bounded as [`crate::grid::read_xlsx`] says.
pub fn import_xlsx(
    bytes: &[u8],
    opds: &HashMap<String, SheetOpd>,
) -> Result<ImportRows, Vec<ImportError>> {
    let grid = crate::grid::read_xlsx(bytes, ROW_LIMIT)?;
    if grid.rows.is_empty() {
        return Err(vec![ImportError::file("register-import-empty")]);
    }
    rows_from_grid(&grid, opds)
}

fn rows_from_grid(
    grid: &Grid,
    opds: &HashMap<String, SheetOpd>,
) -> Result<ImportRows, Vec<ImportError>> {
    rows_from_grid_at(&grid.rows, grid.offset, opds)
}

/// The rows of a grid whose first row is the header; `offset` rows came before it.
fn rows_from_grid_at(
    grid: &[Vec<String>],
    offset: usize,
    opds: &HashMap<String, SheetOpd>,
) -> Result<ImportRows, Vec<ImportError>> {
    let header_row = offset + 1;
    let Some(header) = grid.first() else {
        return Err(vec![ImportError {
            row: header_row,
            column: None,
            key: "register-import-empty",
            limit: None,
        }]);
    };
    let mut errors = Vec::new();
    let mut positions: Vec<(usize, Column, String)> = Vec::new();
    let mut seen = HashSet::new();
    for (index, title) in header.iter().enumerate() {
        let title = title.trim();
        if title.is_empty() {
            continue;
        }
        match COLUMNS
            .iter()
            .find(|(_, known)| known.eq_ignore_ascii_case(title))
        {
            Some((column, known)) => {
                if !seen.insert(*column) {
                    errors.push(ImportError {
                        row: header_row,
                        column: Some((*known).to_owned()),
                        key: "register-import-duplicate-column",
                        limit: None,
                    });
                } else if !computed(*column) {
                    positions.push((index, *column, (*known).to_owned()));
                }
            }
            None => errors.push(ImportError {
                row: header_row,
                column: Some(title.to_owned()),
                key: "register-import-unknown-column",
                limit: None,
            }),
        }
    }
    for required in [Column::Name, Column::OpdCode] {
        if !seen.contains(&required) {
            let title = COLUMNS
                .iter()
                .find(|(column, _)| *column == required)
                .map(|(_, title)| (*title).to_owned());
            errors.push(ImportError {
                row: header_row,
                column: title,
                key: "register-import-missing-column",
                limit: None,
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut rows = Vec::new();
    let mut names = HashMap::new();
    for (index, cells) in grid.iter().enumerate().skip(1) {
        let row_no = offset + index + 1;
        if cells.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let mut fields = AppFields {
            status: AppStatus::Active.code().to_owned(),
            ..AppFields::default()
        };
        let mut opd = None;
        let mut column_title = HashMap::new();
        for (position, column, title) in &positions {
            let value = unguard(cells.get(*position).map(String::as_str).unwrap_or_default());
            column_title.insert(*column, title.clone());
            let error = |key| ImportError {
                row: row_no,
                column: Some(title.clone()),
                key,
                limit: None,
            };
            match column {
                Column::Name => fields.name = value,
                Column::OpdCode => match opds.get(&value.to_uppercase()) {
                    Some(found) if found.active => opd = Some(found.id),
                    Some(_) => errors.push(error("register-import-opd-inactive")),
                    None if value.is_empty() => errors.push(error("register-import-opd-required")),
                    None => errors.push(error("register-error-opd")),
                },
                Column::Url => fields.url = value,
                Column::Domain => fields.domain = value,
                Column::Hosting => fields.hosting = value,
                Column::HostingLocation => fields.hosting_location = value,
                Column::HostingEnvironment => fields.hosting_environment = value,
                Column::Stack => fields.stack = value,
                Column::OpdContactName => fields.opd_contact_name = value,
                Column::OpdContactPhone => fields.opd_contact_phone = value,
                Column::OpdContactEmail => fields.opd_contact_email = value,
                Column::OfficeContactName => fields.office_contact_name = value,
                Column::OfficeContactPhone => fields.office_contact_phone = value,
                Column::OfficeContactEmail => fields.office_contact_email = value,
                Column::Status if value.is_empty() => {}
                Column::Status => match status_from_sheet(&value) {
                    Some(status) => fields.status = status.code().to_owned(),
                    None => errors.push(error("register-error-status")),
                },
                Column::Interval if value.is_empty() => {}
                Column::Interval => match value.parse::<u32>() {
                    Ok(months) => fields.maintenance_interval_months = Some(months),
                    Err(_) => errors.push(error("register-error-interval")),
                },
                Column::Notes => fields.notes = value,
                Column::No
                | Column::OpdName
                | Column::LastMaintained
                | Column::Due
                | Column::DueState => {}
            }
        }
        let fields = fields.trimmed();
        for (field, key) in fields.problems().0 {
            // Status and interval were read above; their problems are already listed.
            if (field == "status" || field == "maintenance_interval_months")
                && errors.iter().any(|e| e.row == row_no && e.key == key)
            {
                continue;
            }
            let title = field_column(field).and_then(|column| column_title.get(&column).cloned());
            errors.push(ImportError {
                row: row_no,
                column: title,
                key,
                limit: None,
            });
        }
        if let Some(opd) = opd {
            let name_key = (opd, fields.name.to_lowercase());
            if !fields.name.is_empty() && names.insert(name_key, row_no).is_some() {
                {
                    errors.push(ImportError {
                        row: row_no,
                        column: column_title.get(&Column::Name).cloned(),
                        key: "register-import-duplicate-app",
                        limit: None,
                    });
                }
            }
            rows.push((opd, fields));
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(ImportError {
            row: header_row,
            column: None,
            key: "register-import-empty",
            limit: None,
        });
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

fn field_column(field: &str) -> Option<Column> {
    Some(match field {
        "name" => Column::Name,
        "url" => Column::Url,
        "domain" => Column::Domain,
        "hosting" => Column::Hosting,
        "hosting_location" => Column::HostingLocation,
        "hosting_environment" => Column::HostingEnvironment,
        "stack" => Column::Stack,
        "opd_contact_name" => Column::OpdContactName,
        "opd_contact_phone" => Column::OpdContactPhone,
        "opd_contact_email" => Column::OpdContactEmail,
        "office_contact_name" => Column::OfficeContactName,
        "office_contact_phone" => Column::OfficeContactPhone,
        "office_contact_email" => Column::OfficeContactEmail,
        "status" => Column::Status,
        "maintenance_interval_months" => Column::Interval,
        "notes" => Column::Notes,
        _ => return None,
    })
}

/// The header texts, in order (for an import template and for tests).
pub fn headers() -> Vec<&'static str> {
    COLUMNS.iter().map(|(_, title)| *title).collect()
}

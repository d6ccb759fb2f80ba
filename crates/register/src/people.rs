//! The office's OPDs and people as spreadsheets: reading an OPD sheet and a user sheet (CSV or
//! XLSX, bounded by [`crate::grid`]) into rows with their spreadsheet row numbers, and writing
//! the same sheets (CSV and XLSX, every text cell guarded against formulas) so that an export
//! is a template an import reads. Only what a sheet alone can tell is checked here (columns,
//! required cells, a known role, a known status, a value twice in one sheet); the rules of an account (user
//! name and NIP formats, positions, an OPD that exists) are the caller's, which also knows the
//! database. Any error returns every error and no rows. Never touches the database.

use std::collections::{HashMap, HashSet};

use pelihara_domain::Role;
use pelihara_i18n::{Lang, t};
use rust_xlsxwriter::{Format, Workbook};

use crate::grid::{Grid, ImportError, RowLimit, unguard};
use crate::sheet::{CsvOptions, ExportError, csv_writer, guard_formula};

/// The most rows one people sheet takes: a regency has some forty OPDs and a few hundred staff.
pub const MAX_PEOPLE_ROWS: usize = 2_000;

const ROW_LIMIT: RowLimit = RowLimit {
    max: MAX_PEOPLE_ROWS,
    key: "people-import-too-many-rows",
};

/// The OPD sheet's columns, as its header names them.
pub const OPD_NO: &str = "No";
pub const OPD_CODE: &str = "Kode OPD";
pub const OPD_NAME: &str = "Nama OPD";
pub const OPD_STATUS: &str = "Status";
const OPD_COLUMNS: [&str; 4] = [OPD_NO, OPD_CODE, OPD_NAME, OPD_STATUS];

/// The user sheet's columns.
pub const USER_NO: &str = "No";
pub const USER_NAME: &str = "Nama";
pub const USER_USERNAME: &str = "Nama Pengguna";
pub const USER_NIP: &str = "NIP";
pub const USER_ROLE: &str = "Peran";
pub const USER_POSITIONS: &str = "Kode Jabatan";
pub const USER_OPD: &str = "Kode OPD";
pub const USER_EMAIL: &str = "Email";
pub const USER_PHONE: &str = "Telepon";
pub const USER_STATUS: &str = "Status";
const USER_COLUMNS: [&str; 10] = [
    USER_NO,
    USER_NAME,
    USER_USERNAME,
    USER_NIP,
    USER_ROLE,
    USER_POSITIONS,
    USER_OPD,
    USER_EMAIL,
    USER_PHONE,
    USER_STATUS,
];

/// An OPD read from a sheet, at spreadsheet row `row`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpdRow {
    pub row: usize,
    pub code: String,
    pub name: String,
    /// The `Status` cell: inactive OPDs are added deactivated; an empty cell is active.
    pub active: bool,
}

/// A user read from a sheet, at spreadsheet row `row`. Empty text is an empty cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub row: usize,
    pub full_name: String,
    pub username: String,
    pub nip: String,
    pub role: Role,
    pub positions: Vec<String>,
    pub opd_code: String,
    pub email: String,
    pub phone: String,
    /// The `Status` cell: an inactive account is added deactivated; an empty cell is active.
    pub active: bool,
}

/// The OPD and user sheets' header texts, in order (for the import page and the tests).
pub fn opd_headers() -> Vec<&'static str> {
    OPD_COLUMNS.to_vec()
}

pub fn user_headers() -> Vec<&'static str> {
    USER_COLUMNS.to_vec()
}

/// A role as a sheet names it: its code (`staff`) or its label in either language ("Staf",
/// "Operator OPD"), case ignored.
pub fn role_from_sheet(text: &str) -> Option<Role> {
    let text = text.trim();
    [Role::Admin, Role::Auditor, Role::Staff, Role::OpdOperator]
        .into_iter()
        .find(|role| {
            let key = format!("auth-role-{}", role.code());
            role.code().eq_ignore_ascii_case(text)
                || [Lang::Id, Lang::En]
                    .into_iter()
                    .any(|lang| t(lang, &key).eq_ignore_ascii_case(text))
        })
}

/// A status as a sheet names it: its label in either language ("Aktif", "Nonaktif", "Active",
/// "Inactive", as the export writes it) or its code (`active`, `inactive`), case ignored; an
/// empty cell is active. `None` for anything else.
pub fn status_from_sheet(text: &str) -> Option<bool> {
    let text = text.trim();
    if text.is_empty() {
        return Some(true);
    }
    [(true, "active"), (false, "inactive")]
        .into_iter()
        .find(|(_, code)| {
            let key = format!("people-status-{code}");
            code.eq_ignore_ascii_case(text)
                || [Lang::Id, Lang::En]
                    .into_iter()
                    .any(|lang| t(lang, &key).eq_ignore_ascii_case(text))
        })
        .map(|(active, _)| active)
}

/// The status of row `row` (column `column`), or its error.
fn status_cell(
    errors: &mut Vec<ImportError>,
    row: usize,
    column: &'static str,
    text: &str,
) -> bool {
    status_from_sheet(text).unwrap_or_else(|| {
        errors.push(ImportError::cell(
            row,
            column,
            "people-import-unknown-status",
        ));
        true
    })
}

/// Maps a grid's header to column positions: every title of `known` (case ignored) at most
/// once, `required` ones present, unknown titles refused. `(position, title)` of each.
fn header(
    grid: &Grid,
    known: &[&'static str],
    required: &[&'static str],
) -> Result<HashMap<&'static str, usize>, Vec<ImportError>> {
    let header_row = grid.row_number(0);
    let Some(titles) = grid.rows.first() else {
        return Err(vec![ImportError::file("people-import-empty")]);
    };
    let mut errors = Vec::new();
    let mut positions = HashMap::new();
    for (index, title) in titles.iter().enumerate() {
        let title = title.trim();
        if title.is_empty() {
            continue;
        }
        match known.iter().find(|known| known.eq_ignore_ascii_case(title)) {
            Some(known) if positions.insert(*known, index).is_some() => {
                errors.push(ImportError::cell(
                    header_row,
                    known,
                    "register-import-duplicate-column",
                ));
            }
            Some(_) => {}
            None => errors.push(ImportError::cell(
                header_row,
                title,
                "register-import-unknown-column",
            )),
        }
    }
    for title in required {
        if !positions.contains_key(title) {
            errors.push(ImportError::cell(
                header_row,
                title,
                "register-import-missing-column",
            ));
        }
    }
    if errors.is_empty() {
        Ok(positions)
    } else {
        Err(errors)
    }
}

/// The data rows of a grid (after the header, empty rows skipped) with their spreadsheet
/// row numbers.
fn data_rows(grid: &Grid) -> impl Iterator<Item = (usize, &[String])> {
    grid.rows
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, cells)| cells.iter().any(|cell| !cell.trim().is_empty()))
        .map(|(index, cells)| (grid.row_number(index), cells.as_slice()))
}

/// The cell of the column titled `title` (empty when the sheet has no such column).
fn cell_of(cells: &[String], columns: &HashMap<&'static str, usize>, title: &str) -> String {
    columns
        .get(title)
        .and_then(|position| cells.get(*position))
        .map(|text| unguard(text))
        .unwrap_or_default()
}

/// Reads an OPD sheet: `Kode OPD` and `Nama OPD` required in every row, no code twice.
pub fn read_opds(bytes: &[u8], file_name: &str) -> Result<Vec<OpdRow>, Vec<ImportError>> {
    let grid = crate::grid::read(bytes, file_name, ROW_LIMIT)?;
    let columns = header(&grid, &OPD_COLUMNS, &[OPD_CODE, OPD_NAME])?;
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    let mut codes = HashSet::new();
    for (row, cells) in data_rows(&grid) {
        let cell = |title: &str| cell_of(cells, &columns, title);
        let code = cell(OPD_CODE);
        let name = cell(OPD_NAME);
        if code.is_empty() {
            errors.push(ImportError::cell(row, OPD_CODE, "people-import-required"));
        } else if !codes.insert(code.to_uppercase()) {
            errors.push(ImportError::cell(row, OPD_CODE, "people-import-duplicate"));
        }
        if name.is_empty() {
            errors.push(ImportError::cell(row, OPD_NAME, "people-import-required"));
        }
        let active = status_cell(&mut errors, row, OPD_STATUS, &cell(OPD_STATUS));
        rows.push(OpdRow {
            row,
            code,
            name,
            active,
        });
    }
    finish(rows, errors, &grid)
}

/// Reads a user sheet: `Nama`, `Nama Pengguna` and `Peran` required in every row, the role
/// known, no user name twice. Positions are separated by commas, semicolons or spaces.
pub fn read_users(bytes: &[u8], file_name: &str) -> Result<Vec<UserRow>, Vec<ImportError>> {
    let grid = crate::grid::read(bytes, file_name, ROW_LIMIT)?;
    let columns = header(&grid, &USER_COLUMNS, &[USER_NAME, USER_USERNAME, USER_ROLE])?;
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    let mut usernames = HashSet::new();
    for (row, cells) in data_rows(&grid) {
        let cell = |title: &str| cell_of(cells, &columns, title);
        let full_name = cell(USER_NAME);
        let username = cell(USER_USERNAME).to_lowercase();
        if full_name.is_empty() {
            errors.push(ImportError::cell(row, USER_NAME, "people-import-required"));
        }
        if username.is_empty() {
            errors.push(ImportError::cell(
                row,
                USER_USERNAME,
                "people-import-required",
            ));
        } else if !usernames.insert(username.clone()) {
            errors.push(ImportError::cell(
                row,
                USER_USERNAME,
                "people-import-duplicate",
            ));
        }
        let role_text = cell(USER_ROLE);
        let role = role_from_sheet(&role_text);
        if role_text.is_empty() {
            errors.push(ImportError::cell(row, USER_ROLE, "people-import-required"));
        } else if role.is_none() {
            errors.push(ImportError::cell(
                row,
                USER_ROLE,
                "people-import-unknown-role",
            ));
        }
        let active = status_cell(&mut errors, row, USER_STATUS, &cell(USER_STATUS));
        let positions = cell(USER_POSITIONS)
            .split([',', ';', ' ', '\n'])
            .filter(|position| !position.trim().is_empty())
            .map(|position| position.trim().to_owned())
            .collect();
        rows.push(UserRow {
            row,
            full_name,
            username,
            nip: cell(USER_NIP),
            role: role.unwrap_or(Role::Staff),
            positions,
            opd_code: cell(USER_OPD),
            email: cell(USER_EMAIL),
            phone: cell(USER_PHONE),
            active,
        });
    }
    finish(rows, errors, &grid)
}

fn finish<T>(
    rows: Vec<T>,
    mut errors: Vec<ImportError>,
    grid: &Grid,
) -> Result<Vec<T>, Vec<ImportError>> {
    if rows.is_empty() && errors.is_empty() {
        errors.push(ImportError {
            row: grid.row_number(0),
            ..ImportError::file("people-import-empty")
        });
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// An OPD as the export writes it.
#[derive(Debug, Clone)]
pub struct OpdExportRow {
    pub code: String,
    pub name: String,
    pub active: bool,
}

/// A user as the export writes it (the role as its Indonesian label).
#[derive(Debug, Clone)]
pub struct UserExportRow {
    pub full_name: String,
    pub username: String,
    pub nip: String,
    pub role: Role,
    pub positions: Vec<String>,
    pub opd_code: String,
    pub email: String,
    pub phone: String,
    pub active: bool,
}

fn status(active: bool) -> String {
    t(
        Lang::Id,
        if active {
            "people-status-active"
        } else {
            "people-status-inactive"
        },
    )
}

fn opd_cells(index: usize, row: &OpdExportRow) -> Vec<String> {
    vec![
        (index + 1).to_string(),
        row.code.clone(),
        row.name.clone(),
        status(row.active),
    ]
}

fn user_cells(index: usize, row: &UserExportRow) -> Vec<String> {
    vec![
        (index + 1).to_string(),
        row.full_name.clone(),
        row.username.clone(),
        row.nip.clone(),
        t(Lang::Id, &format!("auth-role-{}", row.role.code())),
        row.positions.join(", "),
        row.opd_code.clone(),
        row.email.clone(),
        row.phone.clone(),
        status(row.active),
    ]
}

fn to_csv(headers: &[&str], lines: Vec<Vec<String>>) -> Result<Vec<u8>, ExportError> {
    let mut writer = csv_writer(CsvOptions::default());
    writer.write_record(headers)?;
    for line in lines {
        writer.write_record(line.iter().map(|cell| guard_formula(cell)))?;
    }
    writer
        .into_inner()
        .map_err(|error| ExportError::Io(error.into_error()))
}

fn to_xlsx(name: &str, headers: &[&str], lines: Vec<Vec<String>>) -> Result<Vec<u8>, ExportError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold().set_background_color("DDE5F0");
    let sheet = workbook.add_worksheet();
    sheet.set_name(name)?;
    for (col, title) in headers.iter().enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(0, col, *title, &bold)?;
        sheet.set_column_width(col, (title.chars().count().max(12) + 4) as f64)?;
    }
    for (index, line) in lines.iter().enumerate() {
        let row = (index + 1) as u32;
        for (col, cell) in line.iter().enumerate() {
            if !cell.is_empty() {
                // Strings stay strings (a NIP keeps its 18 digits); guarded as in CSV, so a
                // copy into another program never runs a formula either.
                sheet.write_string(row, col as u16, guard_formula(cell))?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, lines.len() as u32, (headers.len() - 1) as u16)?;
    Ok(workbook.save_to_buffer()?)
}

pub fn export_opds_csv(rows: &[OpdExportRow]) -> Result<Vec<u8>, ExportError> {
    to_csv(
        &OPD_COLUMNS,
        rows.iter()
            .enumerate()
            .map(|(i, r)| opd_cells(i, r))
            .collect(),
    )
}

pub fn export_opds_xlsx(rows: &[OpdExportRow]) -> Result<Vec<u8>, ExportError> {
    to_xlsx(
        "OPD",
        &OPD_COLUMNS,
        rows.iter()
            .enumerate()
            .map(|(i, r)| opd_cells(i, r))
            .collect(),
    )
}

pub fn export_users_csv(rows: &[UserExportRow]) -> Result<Vec<u8>, ExportError> {
    to_csv(
        &USER_COLUMNS,
        rows.iter()
            .enumerate()
            .map(|(i, r)| user_cells(i, r))
            .collect(),
    )
}

pub fn export_users_xlsx(rows: &[UserExportRow]) -> Result<Vec<u8>, ExportError> {
    to_xlsx(
        "Pengguna",
        &USER_COLUMNS,
        rows.iter()
            .enumerate()
            .map(|(i, r)| user_cells(i, r))
            .collect(),
    )
}

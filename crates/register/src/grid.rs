//! Reading an uploaded sheet (CSV or the first worksheet of an XLSX workbook) into a grid of
//! text cells, bounded before anything is held: at most a given number of rows,
//! [`MAX_IMPORT_COLUMNS`] columns, and an XLSX archive that declares more than
//! [`MAX_XLSX_UNPACKED_BYTES`] unpacked is refused before it is opened. Every import of
//! Pelihara reads through here (the register's apps, the office's OPDs and people), so the
//! limits hold for all of them; callers run it off the async threads (it is CPU work).
//! Knows nothing of what the columns mean.

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

/// One thing wrong with an imported sheet: where (spreadsheet row, 1 = the header; the
/// column's header) and why (an i18n key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub row: usize,
    pub column: Option<String>,
    pub key: &'static str,
    /// The limit a "too many" message names (`$max`).
    pub limit: Option<usize>,
}

/// The most columns read; the widest sheet (the register's) has 22.
pub const MAX_IMPORT_COLUMNS: usize = 64;
/// The most bytes an XLSX file may unpack to (its parts as the archive declares them).
pub const MAX_XLSX_UNPACKED_BYTES: u64 = 50 * 1024 * 1024;

impl ImportError {
    /// An error of the whole file, reported on its first row.
    pub fn file(key: &'static str) -> ImportError {
        ImportError {
            row: 1,
            column: None,
            key,
            limit: None,
        }
    }

    /// The file is over one of the limits.
    pub fn over(key: &'static str, limit: usize) -> ImportError {
        ImportError {
            limit: Some(limit),
            ..ImportError::file(key)
        }
    }

    /// Something wrong in one cell.
    pub fn cell(row: usize, column: &str, key: &'static str) -> ImportError {
        ImportError {
            row,
            column: Some(column.to_owned()),
            key,
            limit: None,
        }
    }
}

/// How many data rows a sheet may have, and the message that says it has more (with `$max`).
#[derive(Debug, Clone, Copy)]
pub struct RowLimit {
    pub max: usize,
    pub key: &'static str,
}

/// A sheet's cells from its header row on; `offset` rows (all empty) came before it, so the
/// spreadsheet row of `rows[i]` is `offset + i + 1`. Empty when the file has no cell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grid {
    pub rows: Vec<Vec<String>>,
    pub offset: usize,
}

impl Grid {
    /// The spreadsheet row number of `rows[index]`.
    pub fn row_number(&self, index: usize) -> usize {
        self.offset + index + 1
    }
}

/// Reads a file by its content: an XLSX workbook (a zip archive, "PK" first, or a name
/// ending in `.xlsx`), else CSV.
pub fn read(bytes: &[u8], file_name: &str, limit: RowLimit) -> Result<Grid, Vec<ImportError>> {
    if bytes.starts_with(b"PK") || file_name.to_lowercase().ends_with(".xlsx") {
        read_xlsx(bytes, limit)
    } else {
        read_csv(bytes, limit)
    }
}

/// Reads a CSV sheet (`;` or `,`, whichever the first line has more of; with or without a
/// byte-order mark).
pub fn read_csv(bytes: &[u8], limit: RowLimit) -> Result<Grid, Vec<ImportError>> {
    let file_error = |key| vec![ImportError::file(key)];
    let text = std::str::from_utf8(bytes).map_err(|_| file_error("register-import-not-utf8"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = if first_line.matches(';').count() >= first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| file_error("register-import-not-csv"))?;
        // The header and at most `limit.max` rows: a longer file is refused whole.
        if rows.len() > limit.max {
            return Err(vec![ImportError::over(limit.key, limit.max)]);
        }
        if record.len() > MAX_IMPORT_COLUMNS {
            return Err(vec![ImportError::over(
                "register-import-too-many-columns",
                MAX_IMPORT_COLUMNS,
            )]);
        }
        rows.push(record.iter().map(str::to_owned).collect::<Vec<_>>());
    }
    without_control_characters(Grid { rows, offset: 0 })
}

/// The grid, or an error for each cell (at most ten) holding a control character (NUL and the
/// other C0 controls but tab and line breaks, DEL, C1): no field of Pelihara takes one, and
/// PostgreSQL refuses a NUL in text, so such a sheet is refused whole, as a form is.
fn without_control_characters(grid: Grid) -> Result<Grid, Vec<ImportError>> {
    let header = grid.rows.first();
    let errors: Vec<ImportError> = grid
        .rows
        .iter()
        .enumerate()
        .flat_map(|(index, row)| {
            row.iter()
                .enumerate()
                .filter(|(_, cell)| {
                    cell.chars()
                        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
                })
                .map(move |(column, _)| (index, column))
        })
        .take(10)
        .map(|(index, column)| {
            let name = header
                .and_then(|header| header.get(column))
                .filter(|name| !name.chars().any(char::is_control))
                .cloned()
                .unwrap_or_else(|| (column + 1).to_string());
            ImportError::cell(
                grid.row_number(index),
                &name,
                "register-import-control-character",
            )
        })
        .collect();
    if errors.is_empty() {
        Ok(grid)
    } else {
        Err(errors)
    }
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(text) => text.clone(),
        Data::Float(value) if value.fract() == 0.0 && value.abs() < 1e15 => {
            format!("{}", *value as i64)
        }
        Data::Float(value) => value.to_string(),
        Data::Int(value) => value.to_string(),
        Data::Bool(value) => value.to_string(),
        Data::DateTime(value) => value
            .as_datetime()
            .map(|moment| moment.date().format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| value.as_f64().to_string()),
        Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
        Data::Error(error) => format!("#{error:?}"),
    }
}

/// Reads the first worksheet of an XLSX workbook, cell by cell as the file lists them, so
/// that what it holds is bounded by the limits above and never by the area the cells span
/// (a sheet with cells in A2 and XFD1048576 is two cells, not seventeen billion). An archive
/// that declares more than MAX_XLSX_UNPACKED_BYTES is refused before anything is unpacked,
/// and one that unpacks to more than it (whatever it declares) before it is parsed.
pub fn read_xlsx(bytes: &[u8], limit: RowLimit) -> Result<Grid, Vec<ImportError>> {
    let not_xlsx = || vec![ImportError::file("register-import-not-xlsx")];
    // The sizes the archive's central directory declares (written for every part, also by
    // writers that stream with data descriptors).
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| not_xlsx())?;
    let mut unpacked: u64 = 0;
    for index in 0..archive.len() {
        let part = archive.by_index_raw(index).map_err(|_| not_xlsx())?;
        unpacked = unpacked.saturating_add(part.size());
    }
    let too_large = || {
        let mebibytes =
            usize::try_from(MAX_XLSX_UNPACKED_BYTES / (1024 * 1024)).unwrap_or(usize::MAX);
        vec![ImportError::over(
            "register-import-unpacks-too-large",
            mebibytes,
        )]
    };
    if unpacked > MAX_XLSX_UNPACKED_BYTES {
        return Err(too_large());
    }
    // The declared sizes are the archive's word: a bomb declares a few bytes and unpacks to
    // gigabytes. Unpack every part once into nothing, counting, and stop at the limit; only
    // then may the reader (which holds the shared strings whole) open it.
    let mut budget = MAX_XLSX_UNPACKED_BYTES;
    for index in 0..archive.len() {
        let part = archive.by_index(index).map_err(|_| not_xlsx())?;
        let read = std::io::copy(&mut part.take(budget + 1), &mut std::io::sink());
        match read {
            Ok(read) if read > budget => return Err(too_large()),
            Ok(read) => budget -= read,
            // A part whose data does not match its checksum or size.
            Err(_) => return Err(not_xlsx()),
        }
    }
    let mut workbook: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| not_xlsx())?;
    let first = workbook
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(not_xlsx)?;
    let mut cells = workbook
        .worksheet_cells_reader(&first)
        .map_err(|_| not_xlsx())?;
    // (row, column, text) of each non-empty cell, rows counted from 0 as the file does.
    let mut found: Vec<(usize, usize, String)> = Vec::new();
    while let Some(cell) = cells.next_cell().map_err(|_| not_xlsx())? {
        let (row, column) = cell.get_position();
        let text = cell_text(&Data::from(cell.get_value().clone()));
        if text.trim().is_empty() {
            continue;
        }
        let (row, column) = (row as usize, column as usize);
        if column >= MAX_IMPORT_COLUMNS {
            return Err(vec![ImportError::over(
                "register-import-too-many-columns",
                MAX_IMPORT_COLUMNS,
            )]);
        }
        // The header may sit a few rows down; what lies past the limit of rows is refused.
        let first_row = found.first().map_or(row, |(first, _, _)| *first);
        if row > first_row + limit.max || row > 2 * limit.max {
            return Err(vec![ImportError::over(limit.key, limit.max)]);
        }
        found.push((row, column, text));
    }
    let Some(last_row) = found.iter().map(|(row, _, _)| *row).max() else {
        return Ok(Grid::default());
    };
    let width = found
        .iter()
        .map(|(_, column, _)| column + 1)
        .max()
        .unwrap_or(0);
    // The grid starts at the sheet's first row, so row numbers in errors are the sheet's.
    let mut grid: Vec<Vec<String>> = vec![Vec::new(); last_row + 1];
    for (row, column, text) in found {
        if let Some(line) = grid.get_mut(row) {
            if line.len() < width {
                line.resize(width, String::new());
            }
            if let Some(slot) = line.get_mut(column) {
                *slot = text;
            }
        }
    }
    let lead = grid
        .iter()
        .take_while(|row| row.iter().all(|c| c.trim().is_empty()))
        .count();
    without_control_characters(Grid {
        rows: grid.split_off(lead),
        offset: lead,
    })
}

/// An imported cell, trimmed: a leading apostrophe an export put before a formula character
/// (`guard_formula`) goes.
pub fn unguard(cell: &str) -> String {
    let trimmed = cell.trim();
    match trimmed.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest.to_owned(),
        _ => trimmed.to_owned(),
    }
}

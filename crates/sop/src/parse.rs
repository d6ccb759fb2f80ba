//! Reading a definition file: TOML text in, a validated `SopDefinition` or every problem with
//! its position out. Reads only the text it is given and never panics on malformed input.

use crate::error::{LineIndex, SopError, SopErrorKind};
use crate::model::SopDefinition;
use crate::raw::RawDefinition;
use crate::validate::validate;

/// Parses and validates one definition file. `source_name` is only used in messages (give
/// the path as the user knows it). A TOML syntax or type error stops at that one error, as
/// the rest of the file cannot be read reliably; otherwise every validation problem is
/// returned, ordered by position.
pub fn parse_definition(source_name: &str, text: &str) -> Result<SopDefinition, Vec<SopError>> {
    let raw: RawDefinition = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(error) => {
            let (line, column) = error
                .span()
                .map_or((1, 1), |span| LineIndex::new(text).position(span.start));
            // One message per line: the CLI prints each error on its own line.
            let detail = error
                .message()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            return Err(vec![SopError {
                source_name: source_name.to_owned(),
                line,
                column,
                step: None,
                kind: SopErrorKind::Toml { detail },
            }]);
        }
    };
    validate(source_name, text, raw)
}

//! `pelihara sop render`: the official document of one SOP definition, as SVG pages or one
//! HTML page, written where the user asks. The drawing is pelihara-sop-render's; this only
//! decides the file names and writes the files. It never writes anywhere but those names.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use pelihara_i18n::{Lang, arg, t_args};
use pelihara_sop::SopDefinition;

use super::{Input, Outcome, parse_input};

/// What `sop render` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RenderFormat {
    /// The flowchart table, one SVG file per page of the official document.
    Svg,
    /// The whole SOP (header block, flowchart table, signature) as one printable page.
    Html,
}

/// `sop render`: parses `input` and writes its document; prints each file written.
pub fn render(input: &Input, format: RenderFormat, output: &Path, lang: Lang) -> Outcome {
    let mut outcome = Outcome::default();
    let Ok(definition) = parse_input(input, lang, &mut outcome) else {
        return outcome;
    };
    for (path, text) in documents(&definition, format, output, lang) {
        let name = path.display().to_string();
        if let Err(error) = std::fs::write(&path, text) {
            outcome.err(&t_args(
                lang,
                "render-cli-unwritable",
                &[("file", arg(&name)), ("reason", arg(error))],
            ));
            return outcome;
        }
        outcome.out(&t_args(lang, "render-cli-written", &[("file", arg(&name))]));
    }
    outcome.success = true;
    outcome
}

/// The files `render` writes and their contents: for HTML, `output`; for SVG, `output` for
/// the first page and `<stem>-2.svg`, `<stem>-3.svg`, ... beside it for the others.
pub fn documents(
    definition: &SopDefinition,
    format: RenderFormat,
    output: &Path,
    lang: Lang,
) -> Vec<(PathBuf, String)> {
    match format {
        RenderFormat::Html => vec![(
            output.to_path_buf(),
            pelihara_sop_render::document_html(definition, lang),
        )],
        RenderFormat::Svg => pelihara_sop_render::flowchart_svg(definition, lang)
            .into_iter()
            .enumerate()
            .map(|(index, svg)| (page_path(output, index + 1), svg))
            .collect(),
    }
}

fn page_path(output: &Path, page: usize) -> PathBuf {
    if page == 1 {
        return output.to_path_buf();
    }
    let stem = output
        .file_stem()
        .map_or_else(|| "sop".into(), |stem| stem.to_string_lossy());
    output.with_file_name(format!("{stem}-{page}.svg"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: &str = include_str!("../../../../sop/pemeliharaan-aplikasi-website.toml");

    fn shipped() -> Input {
        Input {
            name: "sop/pemeliharaan-aplikasi-website.toml".to_owned(),
            text: Ok(SHIPPED.to_owned()),
        }
    }

    #[test]
    fn names_one_svg_per_page_beside_the_output() {
        let definition = pelihara_sop::parse_definition("sop.toml", SHIPPED).unwrap();
        let files = documents(
            &definition,
            RenderFormat::Svg,
            Path::new("out/sop.svg"),
            Lang::Id,
        );
        let names: Vec<PathBuf> = files.iter().map(|(path, _)| path.clone()).collect();
        assert_eq!(
            names,
            [PathBuf::from("out/sop.svg"), PathBuf::from("out/sop-2.svg")]
        );
        assert!(files.iter().all(|(_, text)| text.starts_with("<svg ")));
        let html = documents(
            &definition,
            RenderFormat::Html,
            Path::new("sop.html"),
            Lang::En,
        );
        assert_eq!(html.len(), 1);
        assert!(html[0].1.starts_with("<!DOCTYPE html>"));
    }

    #[test]
    fn writes_the_files_and_says_so() {
        let dir = std::env::temp_dir().join(format!("pelihara-sop-render-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let output = dir.join("sop.svg");
        let outcome = render(&shipped(), RenderFormat::Svg, &output, Lang::Id);
        assert!(outcome.success, "{}", outcome.stderr);
        let second = dir.join("sop-2.svg");
        assert!(
            std::fs::read_to_string(&output)
                .unwrap()
                .contains(r#"id="step-1""#)
        );
        assert!(
            std::fs::read_to_string(&second)
                .unwrap()
                .contains(r#"id="step-10""#)
        );
        assert_eq!(
            outcome.stdout,
            format!(
                "Ditulis: {}\nDitulis: {}\n",
                output.display(),
                second.display()
            )
        );
        let missing = dir.join("no-such-dir").join("sop.html");
        let failed = render(&shipped(), RenderFormat::Html, &missing, Lang::En);
        assert!(!failed.success);
        assert!(
            failed.stderr.contains("cannot be written"),
            "{}",
            failed.stderr
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn reports_an_invalid_definition_instead_of_writing() {
        let input = Input {
            name: "rusak.toml".to_owned(),
            text: Ok("format = 1\n".to_owned()),
        };
        let output = std::env::temp_dir().join("pelihara-never-written.html");
        let outcome = render(&input, RenderFormat::Html, &output, Lang::Id);
        assert!(!outcome.success);
        assert!(
            outcome.stderr.starts_with("rusak.toml:"),
            "{}",
            outcome.stderr
        );
        assert!(!output.exists());
    }
}

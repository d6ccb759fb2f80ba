//! The `pelihara` command line: the only place that reads the clock, the environment and
//! the file system on behalf of the library crates.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod sop_cmd;

#[derive(Parser)]
#[command(name = "pelihara", version, about = "Pemeliharaan Aplikasi/Website, as software")]
struct Cli {
    /// Language of messages: id (default) or en.
    #[arg(long, global = true, env = "PELIHARA_LANG", default_value = "id")]
    lang: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// SOP definitions: check and show.
    Sop {
        #[command(subcommand)]
        command: sop_cmd::SopCommand,
    },
}

fn main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    let lang = pelihara_i18n::Lang::from_code(&cli.lang);
    match cli.command {
        Command::Sop { command } => sop_cmd::run(command, lang),
    }
}

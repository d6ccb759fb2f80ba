//! The `pelihara` command line: the only place that reads the clock, the environment and
//! the file system on behalf of the library crates.

use clap::{Parser, Subcommand};

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
enum Command {}

fn main() -> anyhow::Result<()> {
    let _cli = Cli::parse();
    Ok(())
}

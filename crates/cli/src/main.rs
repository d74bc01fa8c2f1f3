//! `pm margin <portfolio.json> [--json]`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.iter().any(|a| a == "--json");
    let rest: Vec<&String> = args.iter().filter(|a| *a != "--json").collect();
    match rest.as_slice() {
        [cmd, path] if cmd.as_str() == "margin" => match pm_cli::margin_command(path, json) {
            Ok(out) => {
                print!("{out}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("pm: {e}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!("usage: pm margin <portfolio.json> [--json]");
            ExitCode::from(2)
        }
    }
}

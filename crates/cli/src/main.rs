//! `pm margin <portfolio.json> [--json]`;
//! `pm forecast <history.csv> [--json] [--lambda L] [--window DAYS] [--horizon DAYS]`.

use pm_cli::forecast::Options;
use std::process::ExitCode;

const USAGE: &str = "usage: pm margin <portfolio.json> [--json]\n       \
                     pm forecast <history.csv> [--json] [--lambda L] [--window DAYS] [--horizon DAYS]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.iter().any(|a| a == "--json");
    let rest: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| *a != "--json")
        .collect();
    let result = match rest.as_slice() {
        ["margin", path] => pm_cli::margin_command(path, json),
        ["forecast", path, flags @ ..] => {
            options(flags).and_then(|o| pm_cli::forecast_command(path, o, json))
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("pm: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `--lambda L`, `--window DAYS`, `--horizon DAYS`, in any order (a repeated one: the last).
fn options(flags: &[&str]) -> Result<Options, String> {
    let mut o = Options::default();
    for pair in flags.chunks(2) {
        let [flag, value] = pair else {
            return Err(format!("`{}` needs a value\n{USAGE}", pair[0]));
        };
        let bad = || format!("{flag}: `{value}` is not a valid value");
        match *flag {
            "--lambda" => o.lambda = value.parse().map_err(|_| bad())?,
            "--window" => o.window = value.parse().map_err(|_| bad())?,
            "--horizon" => o.horizon = value.parse().map_err(|_| bad())?,
            _ => return Err(format!("unknown option `{flag}`\n{USAGE}")),
        }
    }
    Ok(o)
}

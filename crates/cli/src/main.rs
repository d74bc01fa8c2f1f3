//! `pm margin <portfolio.json> [--json]`;
//! `pm forecast <history.csv> [--json] [--lambda L] [--window DAYS] [--horizon DAYS]`;
//! `pm remargin [--json] [--accounts N] [--threads T]`.

use pm_cli::forecast::Options;
use std::process::ExitCode;

const USAGE: &str = "usage: pm margin <portfolio.json> [--json]\n       \
                     pm forecast <history.csv> [--json] [--lambda L] [--window DAYS] [--horizon DAYS]\n       \
                     pm remargin [--json] [--accounts N] [--threads T]";

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
        ["remargin", flags @ ..] => remargin(flags, json),
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

/// `pm remargin`: `--accounts N` (10,000) and `--threads T` (the cores available).
fn remargin(flags: &[&str], json: bool) -> Result<String, String> {
    let mut accounts = 10_000usize;
    let mut threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    for pair in flags.chunks(2) {
        let [flag, value] = pair else {
            return Err(format!("`{}` needs a value\n{USAGE}", pair[0]));
        };
        let bad = || format!("{flag}: `{value}` is not a whole number");
        match *flag {
            "--accounts" => accounts = value.parse().map_err(|_| bad())?,
            "--threads" => threads = value.parse().map_err(|_| bad())?,
            _ => return Err(format!("unknown option `{flag}`\n{USAGE}")),
        }
    }
    let measured = pm_cli::remargin::run(accounts, threads)?;
    Ok(pm_cli::remargin::render(&measured, json))
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

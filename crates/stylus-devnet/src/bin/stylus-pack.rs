//! `stylus-pack`: packs Stylus programs like `cargo stylus deploy` and checks their size.
//!
//! ```text
//! stylus-pack [--max BYTES] [--project-hash HEX] [--out DIR] [--json FILE] [NAME=]WASM...
//! ```
//! Prints raw, processed and on-chain bytes per program (named NAME, or after the file); with
//! `--out`, writes `<name>.code` (stored code) and `<name>.initcode` (deployment init code); with
//! `--json`, writes `{"<name>": {"raw": …, "processed": …, "onchain": …}, …}`. Exits 1 when a
//! program is above `--max` on-chain bytes (default 24,576), 2 on bad usage or input.

use std::{path::PathBuf, process::ExitCode};

use stylus_devnet::pack::{pack, MAX_PROGRAM_BYTES, MAX_WASM_BYTES};

fn usage(msg: &str) -> ExitCode {
    eprintln!(
        "stylus-pack: {msg}\nusage: stylus-pack [--max BYTES] [--project-hash HEX] [--out DIR] [--json FILE] [NAME=]WASM..."
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut max = MAX_PROGRAM_BYTES;
    let mut project_hash = [0u8; 32];
    let mut out: Option<PathBuf> = None;
    let mut json: Option<PathBuf> = None;
    let mut inputs = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--max" => match args.next().and_then(|v| v.parse().ok()) {
                Some(v) => max = v,
                None => return usage("--max needs a number of bytes"),
            },
            "--project-hash" => {
                let parsed = args
                    .next()
                    .and_then(|v| hex::decode(v.trim_start_matches("0x")).ok())
                    .and_then(|v| <[u8; 32]>::try_from(v).ok());
                match parsed {
                    Some(h) => project_hash = h,
                    None => return usage("--project-hash needs 32 bytes of hex"),
                }
            }
            "--out" => match args.next() {
                Some(v) => out = Some(PathBuf::from(v)),
                None => return usage("--out needs a directory"),
            },
            "--json" => match args.next() {
                Some(v) => json = Some(PathBuf::from(v)),
                None => return usage("--json needs a file"),
            },
            _ if arg.starts_with("--") => return usage(&format!("unknown option {arg}")),
            _ => inputs.push(match arg.split_once('=') {
                Some((name, path)) => (Some(name.to_string()), PathBuf::from(path)),
                None => (None, PathBuf::from(arg)),
            }),
        }
    }
    if inputs.is_empty() {
        return usage("no wasm given");
    }

    let mut over = false;
    println!(
        "{:<24} {:>10} {:>10} {:>10} {:>8}",
        "program", "raw", "processed", "on-chain", "limit"
    );
    let mut rows = Vec::new();
    for (label, input) in &inputs {
        let name = label.clone().unwrap_or_else(|| {
            input
                .file_stem()
                .map_or_else(|| "program".into(), |s| s.to_string_lossy().into_owned())
        });
        let wasm = match std::fs::read(input) {
            Ok(w) => w,
            Err(e) => return usage(&format!("cannot read {}: {e}", input.display())),
        };
        let packed = match pack(&wasm, project_hash) {
            Ok(p) => p,
            Err(e) => return usage(&format!("{}: {e}", input.display())),
        };
        let fits = packed.onchain_len() <= max && packed.wasm.len() <= MAX_WASM_BYTES;
        over |= !fits;
        println!(
            "{:<24} {:>10} {:>10} {:>10} {:>8} {}",
            name,
            packed.raw_len,
            packed.wasm.len(),
            packed.onchain_len(),
            max,
            if fits { "ok" } else { "TOO LARGE" }
        );
        rows.push(format!(
            "  \"{name}\": {{\"raw\": {}, \"processed\": {}, \"onchain\": {}}}",
            packed.raw_len,
            packed.wasm.len(),
            packed.onchain_len()
        ));
        if let Some(dir) = &out {
            let written = std::fs::create_dir_all(dir)
                .and_then(|()| std::fs::write(dir.join(format!("{name}.code")), &packed.code))
                .and_then(|()| std::fs::write(dir.join(format!("{name}.initcode")), packed.init_code()));
            if let Err(e) = written {
                return usage(&format!("cannot write to {}: {e}", dir.display()));
            }
        }
    }
    if let Some(file) = &json {
        if let Err(e) = std::fs::write(file, format!("{{\n{}\n}}\n", rows.join(",\n"))) {
            return usage(&format!("cannot write {}: {e}", file.display()));
        }
    }
    if over {
        eprintln!("stylus-pack: a program is above {max} on-chain bytes (or {MAX_WASM_BYTES} wasm bytes)");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

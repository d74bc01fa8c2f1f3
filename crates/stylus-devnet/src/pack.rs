//! Packing a Stylus program: the exact bytes `cargo stylus deploy` publishes.
//!
//! Steps (`../shared/docs/stylus-runtime.md` §1):
//! 1. Re-encode the wasm through its text form (wasm -> wat -> wasm). rustc writes the table index
//!    of `call_indirect` as an overlong LEB, which decoders read as a reference-types immediate;
//!    the round trip writes the MVP single zero byte.
//! 2. Strip every custom (and unknown) section.
//! 3. Append a 32-byte `project_hash` custom section.
//! 4. Compress with brotli at quality 11 (window 22, as the C library's default).
//! 5. Prefix `EF F0 00 00` (Stylus, no dictionary): this is the code stored at the address.
//! 6. For deployment, wrap it in the 43-byte prelude that returns it from init code.

use std::fmt;

use wasm_encoder::{Module, RawSection};
use wasmparser::{Parser, Payload, Validator, WasmFeatures};

/// The largest classic (single-code) program, in on-chain bytes (prefix + compressed wasm).
pub const MAX_PROGRAM_BYTES: usize = 24_576;
/// The largest decompressed wasm a program may have under ArbOS 51 (128 KiB; 256 KiB from
/// ArbOS 60, `crate::arbos`): what `stylus-pack` checks, the stricter of the two.
pub const MAX_WASM_BYTES: usize = 128 * 1024;
/// Prefix of a deployed Stylus program: `EF F0 00` (Stylus, classic) then dictionary 0 (none).
pub const STYLUS_PREFIX: [u8; 4] = [0xEF, 0xF0, 0x00, 0x00];
/// Name of the custom section that carries the project hash.
pub const PROJECT_HASH_SECTION: &str = "project_hash";
/// Brotli quality `cargo stylus` compresses with.
pub const BROTLI_QUALITY: i32 = 11;
/// Brotli window (log2 bytes) of the C library's default, which `cargo stylus` uses.
pub const BROTLI_WINDOW: i32 = 22;
/// Length of the deployment prelude.
pub const PRELUDE_LEN: usize = 43;

/// Why a wasm could not be packed.
#[derive(Debug)]
pub enum PackError {
    /// The input is not a valid wasm module (or its text form did not parse back).
    InvalidWasm(String),
    /// The module uses a wasm feature Stylus rejects (after re-encoding).
    UnsupportedFeature(String),
    /// Brotli failed.
    Compression(String),
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidWasm(e) => write!(f, "invalid wasm: {e}"),
            Self::UnsupportedFeature(e) => write!(f, "wasm feature Stylus rejects: {e}"),
            Self::Compression(e) => write!(f, "brotli compression failed: {e}"),
        }
    }
}

impl std::error::Error for PackError {}

/// A packed program and its sizes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packed {
    /// Size of the input wasm, bytes.
    pub raw_len: usize,
    /// The processed wasm (re-encoded, stripped, with the project hash): what the chain runs.
    pub wasm: Vec<u8>,
    /// `EF F0 00 00` + brotli(wasm): the code stored at the program's address.
    pub code: Vec<u8>,
}

impl Packed {
    /// On-chain size in bytes (the stored code, prefix included).
    pub fn onchain_len(&self) -> usize {
        self.code.len()
    }

    /// The init code of the deployment transaction: prelude + code.
    pub fn init_code(&self) -> Vec<u8> {
        deployment_init_code(&self.code)
    }
}

/// The wasm features Stylus accepts: MVP + mutable globals, sign-extension, saturating
/// float-to-int, multi-value and bulk memory. Reference types, SIMD, threads, tail calls,
/// multi-memory and memory64 are rejected.
pub fn stylus_features() -> WasmFeatures {
    WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::MULTI_VALUE
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::FLOATS
        | WasmFeatures::GC_TYPES
}

/// Validates `wasm` with only the features Stylus accepts.
pub fn validate_stylus_features(wasm: &[u8]) -> Result<(), PackError> {
    Validator::new_with_features(stylus_features())
        .validate_all(wasm)
        .map(|_| ())
        .map_err(|e| PackError::UnsupportedFeature(e.to_string()))
}

/// Step 1: wasm -> text -> wasm.
pub fn reencode(wasm: &[u8]) -> Result<Vec<u8>, PackError> {
    let text = wasmprinter::print_bytes(wasm).map_err(|e| PackError::InvalidWasm(e.to_string()))?;
    wat::parse_str(&text).map_err(|e| PackError::InvalidWasm(e.to_string()))
}

/// Step 2: the module without custom and unknown sections, other sections byte-for-byte.
pub fn strip_custom_sections(wasm: &[u8]) -> Result<Vec<u8>, PackError> {
    let mut module = Module::new();
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.map_err(|e| PackError::InvalidWasm(e.to_string()))?;
        match payload {
            Payload::CustomSection(_) | Payload::UnknownSection { .. } => {}
            other => {
                if let Some((id, range)) = other.as_section() {
                    let data = wasm
                        .get(range.start as usize..range.end as usize)
                        .ok_or_else(|| PackError::InvalidWasm("section out of bounds".into()))?;
                    module.section(&RawSection { id, data });
                }
            }
        }
    }
    Ok(module.finish())
}

fn push_leb_u32(out: &mut Vec<u8>, mut value: u32) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Step 3: appends a custom section `name` holding `data` (id 0, size, name, data).
pub fn append_custom_section(wasm: &mut Vec<u8>, name: &str, data: &[u8]) {
    let mut body = Vec::with_capacity(name.len() + data.len() + 5);
    push_leb_u32(&mut body, name.len() as u32);
    body.extend_from_slice(name.as_bytes());
    body.extend_from_slice(data);
    wasm.push(0);
    push_leb_u32(wasm, body.len() as u32);
    wasm.extend_from_slice(&body);
}

/// Step 4: brotli at quality 11, window 22.
pub fn compress(wasm: &[u8]) -> Result<Vec<u8>, PackError> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        lgwin: BROTLI_WINDOW,
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &wasm[..], &mut out, &params)
        .map_err(|e| PackError::Compression(e.to_string()))?;
    Ok(out)
}

/// Step 6: `7F <len: 32 bytes big-endian> 80 60 2B 60 00 39 60 00 F3 00` + `code`
/// (PUSH32 len, DUP1, PUSH1 43, PUSH1 0, CODECOPY, PUSH1 0, RETURN, version byte 0).
pub fn deployment_init_code(code: &[u8]) -> Vec<u8> {
    let mut init = Vec::with_capacity(PRELUDE_LEN + code.len());
    init.push(0x7F);
    let mut len = [0u8; 32];
    len[24..].copy_from_slice(&(code.len() as u64).to_be_bytes());
    init.extend_from_slice(&len);
    init.extend_from_slice(&[
        0x80,
        0x60,
        PRELUDE_LEN as u8,
        0x60,
        0x00,
        0x39,
        0x60,
        0x00,
        0xF3,
        0x00,
    ]);
    init.extend_from_slice(code);
    init
}

/// Steps 1–5: packs `wasm` with `project_hash`. The result is validated against the features
/// Stylus accepts. Errors: [`PackError`].
pub fn pack(wasm: &[u8], project_hash: [u8; 32]) -> Result<Packed, PackError> {
    let mut processed = strip_custom_sections(&reencode(wasm)?)?;
    append_custom_section(&mut processed, PROJECT_HASH_SECTION, &project_hash);
    validate_stylus_features(&processed)?;
    let mut code = STYLUS_PREFIX.to_vec();
    code.extend_from_slice(&compress(&processed)?);
    Ok(Packed {
        raw_len: wasm.len(),
        wasm: processed,
        code,
    })
}

/// Whether deployed code is a classic Stylus program: `EF F0 00`, a dictionary byte, then data.
pub fn is_program(code: &[u8]) -> bool {
    code.len() > 4 && code.starts_with(&[0xEF, 0xF0, 0x00])
}

/// The largest decompressed wasm any ArbOS version allows (256 KiB): what [`unpack`] reads at
/// most (one byte more, to see a longer one).
pub const UNPACK_LIMIT: usize = 256 * 1024;

/// Inverse of step 4–5 for a stored program: checks the prefix and decompresses, reading at most
/// [`UNPACK_LIMIT`] + 1 bytes. Returns `None` when `code` is not a classic Stylus program or does
/// not decompress.
pub fn unpack(code: &[u8]) -> Option<Vec<u8>> {
    decompress(code.strip_prefix(&STYLUS_PREFIX[..])?, UNPACK_LIMIT)
}

/// `compressed` decompressed by brotli, reading at most `limit` + 1 bytes (so that a longer
/// result is seen without decompressing all of it, however well it compresses); `None` if it is
/// not valid brotli.
pub fn decompress(compressed: &[u8], limit: usize) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    brotli::Decompressor::new(compressed, 4_096)
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decompression_stops_past_the_limit() {
        let mut bomb = Vec::new();
        let params = brotli::enc::BrotliEncoderParams::default();
        brotli::BrotliCompress(&mut &[0u8; 1_000_000][..], &mut bomb, &params).unwrap();
        assert!(bomb.len() < 100);
        assert_eq!(decompress(&bomb, 1_000).unwrap().len(), 1_001);
        assert!(decompress(&[1, 2, 3], 1_000).is_none());
        let mut code = STYLUS_PREFIX.to_vec();
        code.extend(bomb);
        assert_eq!(unpack(&code).unwrap().len(), UNPACK_LIMIT + 1);
    }
}

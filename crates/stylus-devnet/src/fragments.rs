//! Programs larger than one code (ArbOS 60 on, Nitro's `getWasmFromRootStylus`; go-ethereum's
//! `core/state/statedb_arbitrum.go` for the formats): the compressed wasm is cut into fragments,
//! each deployed as code `EF F0 01` + its bytes, and a root, `EF F0 02`, a dictionary byte, the
//! decompressed length (4 bytes, big-endian) and the fragments' addresses (20 bytes each), is the
//! program that is activated and called. A root lists at most [`MAX_FRAGMENTS`] fragments.

use revm::primitives::Address;

use crate::pack::{decompress, Packed, MAX_PROGRAM_BYTES, STYLUS_PREFIX};

/// Prefix of a fragment's code.
pub const FRAGMENT_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x01];
/// Prefix of a root's code (then the dictionary byte).
pub const ROOT_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x02];
/// Fragments a root may list (Nitro's `MaxFragmentCount`).
pub const MAX_FRAGMENTS: usize = 2;
/// The most compressed bytes one fragment holds (its code is at most [`MAX_PROGRAM_BYTES`]).
pub const FRAGMENT_PAYLOAD: usize = MAX_PROGRAM_BYTES - FRAGMENT_PREFIX.len();

/// Whether `code` is a root (`EF F0 02` and more).
pub fn is_root(code: &[u8]) -> bool {
    code.len() > 3 && code.starts_with(&ROOT_PREFIX)
}

/// Whether `code` is a fragment (`EF F0 01` and more).
pub fn is_fragment(code: &[u8]) -> bool {
    code.len() > 3 && code.starts_with(&FRAGMENT_PREFIX)
}

/// A root program's contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Root {
    /// The compression dictionary (0: none).
    pub dictionary: u8,
    /// The wasm's length once decompressed, bytes.
    pub decompressed_len: u32,
    /// The fragments, in order.
    pub fragments: Vec<Address>,
}

impl Root {
    /// The root stored as `code`; `None` if it is not a root, is shorter than 8 bytes, or its
    /// addresses do not come in whole 20-byte words.
    pub fn parse(code: &[u8]) -> Option<Self> {
        if !is_root(code) || code.len() < 8 || !(code.len() - 8).is_multiple_of(20) {
            return None;
        }
        Some(Self {
            dictionary: code[3],
            decompressed_len: u32::from_be_bytes([code[4], code[5], code[6], code[7]]),
            fragments: code[8..].chunks(20).map(Address::from_slice).collect(),
        })
    }

    /// The root's code.
    pub fn code(&self) -> Vec<u8> {
        let mut code = ROOT_PREFIX.to_vec();
        code.push(self.dictionary);
        code.extend_from_slice(&self.decompressed_len.to_be_bytes());
        for a in &self.fragments {
            code.extend_from_slice(a.as_slice());
        }
        code
    }

    /// The wasm the fragments' codes `fragments` hold, in order: their bytes after the prefix,
    /// joined and decompressed. Errors: a code is not a fragment, the dictionary is not "none",
    /// or the wasm does not decompress to exactly the declared length.
    pub fn assemble(&self, fragments: &[&[u8]]) -> Result<Vec<u8>, String> {
        if self.dictionary != 0 {
            return Err(format!("unsupported dictionary {}", self.dictionary));
        }
        let mut compressed = Vec::new();
        for code in fragments {
            if !is_fragment(code) {
                return Err("a listed code is not a fragment".into());
            }
            compressed.extend_from_slice(&code[FRAGMENT_PREFIX.len()..]);
        }
        let wasm = decompress(&compressed, self.decompressed_len as usize)
            .ok_or("the fragments do not decompress")?;
        if wasm.len() != self.decompressed_len as usize {
            return Err(format!(
                "decompressed length {} is not the declared {}",
                wasm.len(),
                self.decompressed_len
            ));
        }
        Ok(wasm)
    }
}

/// A packed program cut into fragments' codes of at most [`MAX_PROGRAM_BYTES`] each, and the
/// root that lists them once they are deployed at `addresses`.
#[derive(Clone, Debug)]
pub struct Fragmented {
    /// Each fragment's code, in order.
    pub fragments: Vec<Vec<u8>>,
    /// The wasm's length, bytes.
    pub decompressed_len: u32,
}

impl Fragmented {
    /// Cuts `packed`'s compressed wasm into fragments.
    pub fn of(packed: &Packed) -> Self {
        let compressed = &packed.code[STYLUS_PREFIX.len()..];
        let fragments = compressed
            .chunks(FRAGMENT_PAYLOAD)
            .map(|chunk| [&FRAGMENT_PREFIX[..], chunk].concat())
            .collect();
        Self {
            fragments,
            decompressed_len: packed.wasm.len() as u32,
        }
    }

    /// The root's code for the fragments deployed at `addresses`.
    pub fn root_code(&self, addresses: &[Address]) -> Vec<u8> {
        Root {
            dictionary: 0,
            decompressed_len: self.decompressed_len,
            fragments: addresses.to_vec(),
        }
        .code()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_root_round_trips_and_refuses_ragged_addresses() {
        let root = Root {
            dictionary: 0,
            decompressed_len: 70_000,
            fragments: vec![Address::repeat_byte(1), Address::repeat_byte(2)],
        };
        let code = root.code();
        assert_eq!(code.len(), 8 + 40);
        assert_eq!(&code[..8], &[0xEF, 0xF0, 0x02, 0, 0, 1, 0x11, 0x70]);
        assert_eq!(Root::parse(&code), Some(root));
        assert_eq!(Root::parse(&code[..47]), None);
        assert_eq!(Root::parse(&[0xEF, 0xF0, 0x02, 0, 0, 0, 1]), None);
    }
}

//! Data contracts: bytes a program reads on every check and writes seldom, kept as the code of a
//! contract nobody calls. A reader copies them with one `EXTCODECOPY` (2,600 gas cold, 700 warm,
//! and the copy) instead of a cold storage load (2,100) per word, and since a contract's code never
//! changes, a reader never sees a half-written copy. The clearinghouse's parameter table and the
//! vault's collateral table are data contracts; each writer keeps the values in storage too and
//! publishes a new contract when they change.

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use stylus_sdk::{deploy::RawDeploy, stylus_core::Host};

/// The first byte of a data contract's code, `INVALID` (0xFE): a call to it reverts at once.
pub const GUARD: u8 = 0xFE;
/// The longest code a data contract holds: its init code carries the length in a `PUSH2`.
pub const MAX_DATA_BYTES: usize = u16::MAX as usize;
/// Bytes of the init code before the code it returns.
const PRELUDE: u8 = 12;

/// The init code of a data contract whose code is `code`: it copies the code, which follows it,
/// to memory and returns it (`PUSH2 n; DUP1; PUSH1 12; PUSH1 0; CODECOPY; PUSH1 0; RETURN`,
/// then the code). `None` when `code` is longer than [`MAX_DATA_BYTES`].
pub fn init_code(code: &[u8]) -> Option<Vec<u8>> {
    let n = u16::try_from(code.len()).ok()?.to_be_bytes();
    let mut init = vec![
        0x61, n[0], n[1], 0x80, 0x60, PRELUDE, 0x60, 0x00, 0x39, 0x60, 0x00, 0xF3,
    ];
    init.extend_from_slice(code);
    Some(init)
}

/// The `N` bytes of `code` from `at`, as a table reads a field; zeros when they run past the end
/// (never in a whole table).
pub fn bytes_at<const N: usize>(code: &[u8], at: usize) -> [u8; N] {
    let mut out = [0u8; N];
    if let Some(s) = code.get(at..at.saturating_add(N)) {
        out.copy_from_slice(s);
    }
    out
}

/// Deploys a data contract whose code is `code` (a `CREATE` from the calling program): its
/// address, or `None` when `code` is too long or the creation fails.
pub fn deploy<H: Host>(vm: &H, code: &[u8]) -> Option<Address> {
    let init = init_code(code)?;
    // SAFETY: the init code copies its own tail to memory and returns it; it calls nothing, so
    // nothing can reenter while the caller's storage borrows are live.
    #[allow(unsafe_code)]
    let created = unsafe { RawDeploy::new().deploy(vm, &init, U256::ZERO) };
    created.ok()
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_init_code_returns_its_tail_as_long_as_push2_says() {
        let code = [GUARD, 1, 2, 3];
        let init = init_code(&code).unwrap();
        assert_eq!(init.len(), 12 + code.len());
        assert_eq!(usize::from(u16::from_be_bytes([init[1], init[2]])), code.len());
        // CODECOPY from byte 12, the prelude's length.
        assert_eq!((init[5], init[8]), (12, 0x39));
        assert_eq!(&init[12..], &code);
    }

    #[test]
    fn a_field_reads_its_bytes_and_zeros_past_the_end() {
        let code = [GUARD, 1, 2, 3];
        assert_eq!(bytes_at::<2>(&code, 1), [1, 2]);
        assert_eq!(bytes_at::<2>(&code, 3), [0, 0]);
        assert_eq!(bytes_at::<1>(&code, usize::MAX), [0]);
    }

    #[test]
    fn code_past_push2_has_no_init_code() {
        assert!(init_code(&vec![0u8; MAX_DATA_BYTES]).is_some());
        assert_eq!(init_code(&vec![0u8; MAX_DATA_BYTES + 1]), None);
    }
}

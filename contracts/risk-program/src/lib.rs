//! The stateless risk program: a Stylus program with no storage that answers one question. Its
//! calldata is a packed margin request (`pm_risk::wire`); it returns the account's equity, initial
//! and maintenance margin, requirement, isolated margins, free collateral, utilisation, add-ons and
//! whether it is liquidatable, as 10 ABI words, then each underlying's greeks and worst scenario
//! (`pm_risk::wire`), then the marks of the positions the request quotes. A bad request reverts
//! with one byte: the
//! `RiskError` discriminant. Any protocol or front-end can call it as a standard risk assessment.
//!
//! It uses `vm_hooks` directly (no SDK router): the one entry point keeps the program small.
#![cfg_attr(target_arch = "wasm32", no_std)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

extern crate alloc;

use alloc::boxed::Box;
use alloc::vec::Vec;

use pm_risk::{liquidation, margin_in, mark, wire, Account, RiskError, Workspace};

/// Runs a packed request; the answer, or the error.
pub fn answer(request: &[u8]) -> Result<Vec<u8>, RiskError> {
    let req = wire::decode(request)?;
    let params = req.params();
    let account = Account {
        collateral: req.collateral,
        positions: &req.positions,
        now: req.now,
    };
    // The scratch memory lives on the heap: the program's stack is one 32 KB page, too small
    // even to build it there first.
    let mut ws = zeroed_workspace();
    let report = margin_in(&mut ws, &account, &req.underlyings, &params)?;
    let mut answer = wire::Answer::of(&report, &liquidation(&report)?);
    // The inputs passed `margin_in`'s checks, so each quoted position prices as it did there.
    for pos in req.positions.iter().take(usize::from(req.quotes)) {
        let u = req
            .underlyings
            .get(usize::from(pos.underlying))
            .ok_or(RiskError::UnknownUnderlying)?;
        answer.quotes.push(wire::Quote {
            mark: mark(pos, u, req.now)?,
            price: u.market.price,
        });
    }
    Ok(answer.encode())
}

/// A `Workspace` allocated zeroed on the heap.
#[allow(unsafe_code)]
fn zeroed_workspace() -> Box<Workspace> {
    // SAFETY: `pm_risk::Workspace` documents that all-zero bytes are a valid (empty) workspace:
    // it holds only integers (the fast path's missing values are sentinels, not `Option`s),
    // `usize` counts, `bool`s and an enum whose first variant is 0.
    unsafe { Box::<Workspace>::new_zeroed().assume_init() }
}

/// The one-byte revert data of an error: its pinned code.
pub fn error_byte(e: RiskError) -> u8 {
    e.code()
}

#[cfg(target_arch = "wasm32")]
mod entry {
    #![allow(unsafe_code)] // the host ABI is raw pointers; each call is commented

    use alloc::vec;

    #[global_allocator]
    static ALLOC: mini_alloc::MiniAlloc = mini_alloc::MiniAlloc::INIT;

    #[panic_handler]
    fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
        core::arch::wasm32::unreachable()
    }

    #[link(wasm_import_module = "vm_hooks")]
    unsafe extern "C" {
        fn read_args(dest: *mut u8);
        fn write_result(data: *const u8, len: usize);
        fn pay_for_memory_grow(pages: u16);
    }

    /// Stylus entry point: `len` bytes of calldata in, status out (0 success, 1 revert).
    #[unsafe(no_mangle)]
    pub extern "C" fn user_entrypoint(len: usize) -> usize {
        // SAFETY: the host writes exactly `len` bytes, the buffer's length.
        let mut args = vec![0u8; len];
        unsafe {
            pay_for_memory_grow(0);
            read_args(args.as_mut_ptr());
        }
        let (status, out) = match super::answer(&args) {
            Ok(out) => (0, out),
            Err(e) => (1, vec![super::error_byte(e)]),
        };
        // SAFETY: the host reads `out.len()` bytes from a live buffer.
        unsafe { write_result(out.as_ptr(), out.len()) };
        status
    }
}

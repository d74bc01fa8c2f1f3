//! Host functions that compute for the program: `native_keccak256` and the 256-bit `math_*`
//! (`math_div`, `math_mod`, `math_pow`, `math_add_mod`, `math_mul_mod`; the result overwrites
//! the first operand; division or modulo by zero gives zero).

use revm::primitives::{keccak256, U256};
use wasmi::{Error, Linker};

use crate::host::ink::charge;
use crate::host::memory::{read, read_word, write};
use crate::host::state::{hook, HostCaller, HostState};
use crate::pricing::{HOSTIO_INK, PTR_INK};

/// The operation's own ink of `math_div` and `math_mod`, on top of the call's.
const DIV_INK: u64 = 20_000;
/// The operation's own ink of `math_add_mod`.
const ADD_MOD_INK: u64 = 21_000;
/// The operation's own ink of `math_mul_mod`.
const MUL_MOD_INK: u64 = 24_100;

/// The operation's own ink of `math_pow`: 3,000 + 17,500 per significant byte of the exponent
/// plus one (33 − its leading zero bytes; an exponent of 0 counts 1).
fn pow_ink(exponent: &U256) -> u64 {
    let leading_zero_bytes = exponent
        .to_be_bytes::<32>()
        .iter()
        .take_while(|b| **b == 0)
        .count() as u64;
    3_000 + 17_500 * 33u64.saturating_sub(leading_zero_bytes)
}

/// Registers `native_keccak256` and the `math_*` host functions.
pub(crate) fn register<F: 'static>(l: &mut Linker<HostState<F>>) {
    hook(
        l,
        "native_keccak256",
        |mut c: HostCaller<F>, data: i32, len: i32, out: i32| -> Result<(), Error> {
            let len = len as u32 as usize;
            let words = (len as u64).div_ceil(32);
            charge(&mut c, 121_800 + 21_000 * words.saturating_sub(2))?;
            let bytes = read(&c, data, len)?;
            write(&mut c, out, keccak256(&bytes).as_slice())
        },
    );
    for (name, op) in [("math_div", 0u8), ("math_mod", 1), ("math_pow", 2)] {
        hook(
            l,
            name,
            move |mut c: HostCaller<F>, a: i32, b: i32| -> Result<(), Error> {
                charge(&mut c, HOSTIO_INK + 3 * PTR_INK)?;
                let (x, y) = (read_word(&c, a)?, read_word(&c, b)?);
                charge(&mut c, if op == 2 { pow_ink(&y) } else { DIV_INK })?;
                let r = match op {
                    0 => x.checked_div(y).unwrap_or_default(),
                    1 => x.checked_rem(y).unwrap_or_default(),
                    _ => x.pow(y),
                };
                write(&mut c, a, &r.to_be_bytes::<32>())
            },
        );
    }
    for (name, op) in [("math_add_mod", 0u8), ("math_mul_mod", 1)] {
        hook(
            l,
            name,
            move |mut c: HostCaller<F>, a: i32, b: i32, m: i32| -> Result<(), Error> {
                charge(
                    &mut c,
                    HOSTIO_INK + 4 * PTR_INK + if op == 0 { ADD_MOD_INK } else { MUL_MOD_INK },
                )?;
                let (x, y, z) = (read_word(&c, a)?, read_word(&c, b)?, read_word(&c, m)?);
                let r = if op == 0 { x.add_mod(y, z) } else { x.mul_mod(y, z) };
                write(&mut c, a, &r.to_be_bytes::<32>())
            },
        );
    }
}

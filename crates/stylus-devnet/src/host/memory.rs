//! The running program's linear memory (its `memory` export), read and written by host
//! functions. Pointers are wasm `i32`s read as unsigned; out-of-bounds access traps.

use revm::primitives::{Address, U256};
use wasmi::{Error, Extern, Memory};

use crate::host::state::{trap, HostCaller};

/// The program's exported memory.
fn memory<F>(c: &HostCaller<F>) -> Result<Memory, Error> {
    c.get_export("memory")
        .and_then(Extern::into_memory)
        .ok_or_else(|| trap("no memory export"))
}

/// `len` bytes at `ptr`.
pub(crate) fn read<F>(c: &HostCaller<F>, ptr: i32, len: usize) -> Result<Vec<u8>, Error> {
    let mut buf = vec![0u8; len];
    memory(c)?
        .read(c, ptr as u32 as usize, &mut buf)
        .map_err(|_| trap("read out of bounds"))?;
    Ok(buf)
}

/// Writes `data` at `ptr`.
pub(crate) fn write<F>(c: &mut HostCaller<F>, ptr: i32, data: &[u8]) -> Result<(), Error> {
    let m = memory(c)?;
    m.write(c, ptr as u32 as usize, data)
        .map_err(|_| trap("write out of bounds"))
}

/// The 32-byte big-endian word at `ptr`.
pub(crate) fn read_word<F>(c: &HostCaller<F>, ptr: i32) -> Result<U256, Error> {
    Ok(U256::from_be_slice(&read(c, ptr, 32)?))
}

/// The 20-byte address at `ptr`.
pub(crate) fn read_address<F>(c: &HostCaller<F>, ptr: i32) -> Result<Address, Error> {
    Ok(Address::from_slice(&read(c, ptr, 20)?))
}

//! Prints this program's Solidity interface: `cargo run -p pm-clearinghouse-parameters --features export-abi -- abi`.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

/// The binary target exists for `export-abi`; in a wasm build the library's entrypoint is used.
#[cfg(not(any(test, feature = "export-abi")))]
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn main() {}

#[cfg(feature = "export-abi")]
fn main() {
    pm_clearinghouse_parameters::print_from_args();
}
